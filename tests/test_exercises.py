"""Exercises: every reference passes on every backend, every known-wrong
solution fails with its hint, and the expected schedules are the ones the
statements describe.

The wrong solutions live in ``tests/exercises/NAME/wrong_*.py``; the first
line of each says the mistake it makes (``# mistake: no limit``).  They are
graded in this process with :func:`common.exercises.check`, as a notebook
would, once per session (the ``graded`` fixture); the command line's
subprocess has its own tests (``test_exercises_cli.py``).
"""

import contextlib
import functools
import re
import sys
import threading
from pathlib import Path

import pytest

from common.exercises import check
from common.exercises.catalogue import HERE as CATALOGUE
from common.exercises.catalogue import exercises, reference_path, starter_path, statement
from common.exercises.lessons.w8s8 import window_schedule
from common.exercises.watchdog import Limits
from tests.exercises import STOP_SOON

HERE = Path(__file__).resolve().parent / "exercises"
#: the names, from the starter files (importing every lesson's exercises is
#: left to the tests, not done while collecting them)
NAMES = sorted(path.stem for path in (CATALOGUE / "starters").glob("w8s*.py"))
LESSONS = ("w8s2", "w8s4", "w8s5", "w8s6", "w8s7", "w8s8", "w8s9")

#: The wrong solutions that only the watchdog stops, and how it stops every
#: run of each: graded with STOP_SOON (a few tenths of a second, where the
#: limits learners get take one to three seconds).
STOPPED = {
    # `from time import sleep` is the real one: it holds the loop three seconds
    "w8s9_blocking/wrong_from_import": "held",
    # the consumer waits for an item that never comes
    "w8s8_pipeline/wrong_never_closed": "idle",
    # the producer waits at its first send for a consumer that never started
    "w8s8_pipeline/wrong_one_after_the_other": "idle",
    # nothing stops the loop (the group) once everything is over
    "w8s6_fork_stop/wrong_never_stopped": "idle",
    "w8s6_fork_stop_anyio/wrong_never_cancelled": "idle",
}


def wrong_solutions():
    return sorted(HERE.glob("*/wrong_*.py"))


def wrong_id(path):
    return f"{path.parent.name}/{path.stem}"


def declared_mistake(path):
    """``# mistake: KEY``, or ``# mistake: KEY (trio)`` for a mistake that only
    one backend catches: the mistake, and the backends where it fails."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    found = re.fullmatch(r"# mistake: (.+?)(?: \((\w+)\))?", first)
    assert found, f"{path} does not say its mistake on its first line"
    return found.group(1), found.group(2)


@pytest.fixture(scope="session")
def graded():
    """``graded(name, path, limits=None)``: the file graded in this process,
    once per session whichever tests ask for it."""

    @functools.cache
    def grade(name, path, limits=None):
        return check(name, path, limits=limits)

    return grade


# --------------------------------------------------------------------------
# The catalogue


def test_at_least_ten_exercises_and_one_per_lesson_in_both_styles():
    assert sorted(exercises()) == NAMES
    assert len(NAMES) >= 10
    for lesson in LESSONS:
        styles = {e.style for e in exercises().values() if e.lesson == lesson}
        assert styles == {"asyncio", "anyio"}, lesson


def test_every_exercise_has_its_files_and_three_wrong_solutions():
    for name in NAMES:
        assert starter_path(name).is_file() and reference_path(name).is_file()
        assert f"check {name}" in statement(name)
        assert len(list((HERE / name).glob("wrong_*.py"))) >= 3, name
    assert {p.parent.name for p in wrong_solutions()} == set(NAMES)
    assert set(STOPPED) <= {wrong_id(p) for p in wrong_solutions()}


def test_anyio_exercises_are_graded_on_both_backends():
    for exercise in exercises().values():
        wanted = ("asyncio", "trio") if exercise.style == "anyio" else ("asyncio",)
        assert exercise.backends == wanted


# --------------------------------------------------------------------------
# Expected schedules, reasoned


def test_window_schedule_first_come_first_served():
    # 3 jobs of 1, 2, 3 s with 2 tokens: job2 takes job0's token at 1 s
    assert window_schedule(3, 2) == [
        (0.0, ">>> job0"),
        (0.0, ">>> job1"),
        (1.0, "<<< job0"),
        (1.0, ">>> job2"),
        (2.0, "<<< job1"),
        (4.0, "<<< job2"),
    ]
    # one token: one after the other, 1 + 2 + 3 s
    assert window_schedule(3, 1)[-1] == (6.0, "<<< job2")
    # the exercise: 10 jobs, 4 tokens, the last one ends at 6 s
    full = window_schedule()
    assert len(full) == 20 and full[-1] == (6.0, "<<< job8")
    at_1 = [line for t, line in full if t == 1.0]
    assert at_1 == ["<<< job0", "<<< job3", ">>> job4", ">>> job5"]


# --------------------------------------------------------------------------
# Grading


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_on_every_backend(name, graded):
    result = graded(name, reference_path(name))
    assert [(o.run.backend, o.passed) for o in result.outcomes] == [
        (b, True) for b in exercises()[name].backends
    ], str(result)
    assert "passed" in str(result)


@pytest.mark.parametrize("name", NAMES)
def test_starter_is_not_a_solution(name, graded):
    result = graded(name, starter_path(name))
    assert not result.passed
    # a blank starter prints nothing; a debugging exercise's starter has the bug
    assert all(o.mistake for o in result.outcomes), str(result)


@pytest.mark.parametrize("path", wrong_solutions(), ids=wrong_id)
def test_wrong_solution_fails_with_its_hint(path, graded):
    mistake, only = declared_mistake(path)
    exercise = exercises()[path.parent.name]
    stopped = STOPPED.get(wrong_id(path))
    result = graded(exercise.name, path, STOP_SOON if stopped else None)
    assert not result.passed
    for outcome in result.outcomes:
        if only is not None and outcome.run.backend != only:
            assert outcome.passed, str(result)
            continue
        assert not outcome.passed
        assert outcome.mistake == mistake, str(result)
        assert outcome.explanation and outcome.hint
        if stopped:
            # the watchdog's decision, under the limits given
            assert outcome.run.problem == stopped, str(result)
    hints = {m.key: m.hint for m in exercise.mistakes}
    if mistake in hints:
        assert hints[mistake] in str(result)


# --------------------------------------------------------------------------
# From Python (a notebook cell's function)


def test_the_python_api_reports_a_function_and_its_timelines():
    namespace = {}
    exec(reference_path("w8s2_taskgroup").read_text(), namespace)
    saved = sys.stdout, sys.stderr
    good = check("w8s2_taskgroup", namespace["main"])
    assert (sys.stdout, sys.stderr) == saved  # the run's streams are put back
    assert good and "passed" in str(good)

    async def main():  # the sequential mistake, written in a notebook cell
        morceaux = namespace["morceaux"]
        print([await morceaux("run1"), await morceaux("run2")])

    main.__globals__.update(morceaux=namespace["morceaux"])
    bad = check("w8s2_taskgroup", main)
    assert not bad
    assert [o.mistake for o in bad.outcomes] == ["sequential", "sequential"]
    html = bad._repr_html_()
    assert html.count("<svg") == 2 and "expected" in html and "yours" in html


def test_the_python_api_stops_code_that_holds_the_loop():
    holding = threading.Event()

    async def main():
        holding.set()  # from here on, the loop is never given back
        while True:
            pass

    result = check("w8s9_blocking", main, limits=STOP_SOON)
    assert holding.is_set()
    (outcome,) = result.outcomes
    # stopped by the watchdog: held for longer than the budget given, or
    # over the budget of processor time (whichever it saw first), and said
    # where the code holds the loop
    assert outcome.run.problem in ("held", "cpu"), str(result)
    assert outcome.mistake in ("endless loop", "blocking call")
    assert f"over {STOP_SOON.cpu:g} s" in outcome.explanation or (
        f"after {STOP_SOON.cpu:g} s of processor time" in outcome.explanation
    )
    assert "in main: while True:" in outcome.explanation
    assert Limits().cpu != STOP_SOON.cpu


def test_a_coroutine_only_the_collector_frees_is_still_found_and_nothing_stays_set_aside():
    import gc

    async def main():
        import asyncio

        class Holder:
            pass

        held = Holder()
        held.itself, held.coroutine = held, asyncio.sleep(1)  # a cycle: freed by the collector
        del held

    result = check("w8s9_blocking", main)
    assert [o.run.unawaited for o in result.outcomes] == [["sleep"]], str(result)
    assert gc.get_freeze_count() == 0  # nothing set aside any more


# --------------------------------------------------------------------------
# Waiting for ever: said at once when nothing can wake the loop, after the
# idle limit when a thread of theirs could


def test_a_wait_that_a_thread_of_theirs_could_end_is_judged_by_the_idle_limit():
    never = threading.Event()

    async def main():
        import asyncio

        loop = asyncio.get_running_loop()
        woken = loop.create_future()
        # a thread that could wake the loop (call_soon_threadsafe), and never does
        threading.Thread(target=never.wait, daemon=True).start()
        await woken

    # (the processor-time budget is the process's: past the idle limit, so
    # that other threads of a busy test worker cannot end the run first)
    try:
        result = check("w8s9_blocking", main, limits=Limits(cpu=30.0, grace=0.1, idle=0.3))
    finally:
        never.set()
    (outcome,) = result.outcomes
    assert outcome.run.problem == "idle", str(result)


def test_a_wait_that_a_thread_of_theirs_ends_is_not_judged_at_once():
    # With an idle limit past the wall limit, a wait is "for ever" only when
    # nothing can wake the loop: a thread of theirs can, so the run goes on
    # until the thread wakes it, 20 of the watchdog's ticks later (a machine
    # too busy to run the watchdog meanwhile could only hide a wrong "idle",
    # not make one).  The processor-time budget is the process's: not
    # STOP_SOON's 0.3 s, which other threads of a busy test worker used up
    # once while this one waited.
    limits = Limits(cpu=30.0, idle=60.0, wall=30.0)

    async def main():
        import asyncio
        import time

        loop = asyncio.get_running_loop()
        woken = loop.create_future()

        def wake_later():
            time.sleep(20 * limits.tick)
            with contextlib.suppress(RuntimeError):  # (a loop the grader closed: it failed)
                loop.call_soon_threadsafe(woken.set_result, None)

        threading.Thread(target=wake_later).start()
        await woken

    result = check("w8s9_blocking", main, limits=limits)
    (outcome,) = result.outcomes
    assert outcome.run.problem is None, str(result)


def test_a_sleep_in_another_thread_of_the_process_is_not_theirs():
    # A Jupyter kernel has threads that sleep (its parent poller, once a
    # second): a time.sleep made while the grading runs, outside the loop's
    # thread, is not the learner's code holding the loop.  The other thread
    # must get to sleep while a grading runs, which a busy machine may not
    # give it in one short grading: graded again until it has (at most 50).
    for _ in range(50):
        graded = threading.Event()
        slept = []

        def host_thread(graded=graded, slept=slept):
            import time

            while not graded.is_set():
                time.sleep(0.001)  # the time.sleep of the moment: the grading's while it runs
                slept.append(time.sleep)

        host = threading.Thread(target=host_thread)
        host.start()
        try:
            result = check("w8s2_taskgroup", reference_path("w8s2_taskgroup"))
        finally:
            graded.set()
            host.join()
        assert result.passed, str(result)
        # it did sleep during the grading, through the grading's time.sleep
        if any(sleep.__module__ != "time" for sleep in slept):
            break
    else:
        pytest.fail("the other thread never slept while a grading ran (50 gradings)")

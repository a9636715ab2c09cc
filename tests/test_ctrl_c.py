"""Ctrl-C at exact moments of every demo that lasts, in-process, on virtual time.

Which demos last is read from the registries and the demos' own virtual
durations (a demo that takes no virtual time cannot be interrupted half-way),
so a new demo is covered without a word here.  The demos are run when the
tests run, not when they are collected: one test per lesson and variant, one
subtest per moment.

Ctrl-C comes at seeded-random moments of the demo's run, and at instants
where it has something scheduled (moments at which it would land at the same
instant of the run give one run: see ``distinct``).  The signal is a real SIGINT, sent to the
main thread as the demo's virtual clock goes past the moment (as the loop,
with nothing to do, jumps to its next event: Ctrl-C lands there as it would
have at the moment itself, since nothing happens in between; or while
something holds the loop and moves the clock: a blocking ``time.sleep``,
w8s4's server thread), and handled by the command line's own handler
(``common.ctrl_c.handling_sigint``).  No timer is added for it: an extra
timer would change what the virtual clock does while a worker thread works
for real (it would jump to that timer).  The demo must stop at once, or as
soon as what holds its loop lets go (``stopped == "interrupt"``), print up to
the moment exactly what it prints when left alone, say the seed's ``bye`` if
it has one, close its loop with no task left, and leave no thread, no open
file descriptor, no warning, nothing logged, nothing on stderr.

The seed and how many moments: see tests/ctrl_c_cases.py.
"""

import contextlib
import functools
import inspect
import random
import re
import warnings

import pytest

from common.collecting import collecting_what_it_drops
from tests.ctrl_c_cases import (
    MOMENTS,
    NOTHING_LASTS,
    SEED,
    SHOWS_NEVER_RETRIEVED,
    SWALLOWS_ITS_CANCELLATION,
    VARIANTS,
    Baseline,
    all_cases,
    lasting,
    never_awaited,
    run_case,
)
from tests.harness import by_instant, leaks, lesson_names, modern_lesson_names, resources


def next_idle(alone, after):
    """The first instant from ``after`` on at which the demo left alone has
    nothing to do (or ends): a Ctrl-C pressed at ``after`` has landed by then."""
    return min([t for t in alone.idle if t >= after] + [alone.record.duration])


def moments(alone, rng):
    """Random moments of the demo's run, and an instant where it has
    something scheduled (Ctrl-C then lands as that instant comes); of the
    moments at which Ctrl-C lands at the same instant, the latest only."""
    duration = alone.record.duration
    chosen = [round(rng.uniform(0, duration), 4) for _ in range(MOMENTS)]
    instants = sorted({t for t, _ in alone.record.lines() if 0 < t < duration})
    chosen += rng.sample(instants, min(1, len(instants)))
    return distinct([m for m in chosen if 0 < m < duration], alone)


def distinct(chosen, alone):
    """The moments, one for each instant at which Ctrl-C lands: the latest.

    On virtual time Ctrl-C is sent as the clock moves past the moment, so it
    lands at the first instant from the moment on to which the clock moves.
    Two moments with no such instant between them, and nothing printed
    between them either, give the same run, pressed at the same instant: its
    checks at the later moment include those at the earlier one (the same
    lines up to it, ``pressed_at`` at or after it).  Running it twice would
    repeat a check, not add one."""
    landing = {}
    for moment in sorted(chosen):
        at = min([t for t in alone.instants if t >= moment], default=moment)
        landing[at] = moment
    return sorted(landing.values())


#: w8s4's embedded server's address: a new port at each run
SERVER = re.compile(r"127\.0\.0\.1:\d+")


def characters(record, before):
    """What the demo printed before the instant ``before``, character by
    character with its time; the port of w8s4's embedded server (a new one at
    each run) is left out."""
    return [
        (t, char)
        for time, text, stream in record.writes()
        if stream == "stdout" and (t := round(time, 6)) < before
        for char in SERVER.sub("127.0.0.1:PORT", text)
    ]


@functools.cache
def says_bye(case):
    """Does the demo print the seed's ``bye`` on Ctrl-C?"""
    source = inspect.getsource(case.lesson_demo().func)
    return "print('bye')" in source or 'print("bye")' in source


def test_the_demos_that_last_are_found(left_alone):
    # every faithful demo that runs forever lasts (a port's may fail at once:
    # w8s9's boom), and every lesson that runs a loop has demos that last, in
    # each flavour and on each backend; the others have none
    cases = list(all_cases())
    found = lasting(cases, left_alone)
    forever = {
        case
        for case in cases
        if case.flavour == "asyncio" and case.lesson_demo().forever is not None
    }
    assert forever and forever <= set(found)
    variants = {(case.name, case.flavour, case.backend) for case in found}
    assert {name for name, *_ in variants} == set(lesson_names()) - NOTHING_LASTS
    for name in set(lesson_names()) - NOTHING_LASTS:
        assert variants >= {
            (name, "asyncio", "asyncio"),
            (name, "anyio", "asyncio"),
            (name, "anyio", "trio"),
        }, name
    # asyncio as written today too (w8s5's modern demos drive coroutines by hand)
    for name in set(modern_lesson_names()) - NOTHING_LASTS:
        assert (name, "asyncio.modern", "asyncio") in variants, name


# -- virtual time: in-process, at exact moments ----------------------------------------


def check_ctrl_c_at(case, moment, alone, caplog):
    where = case.replay(moment)
    before = resources()
    caplog.clear()
    with warnings_caught() as caught, collecting_what_it_drops():
        record, ctrl = run_case(case, moment)
    assert [str(w.message) for w in caught] == never_awaited(case, True), where
    assert record.stopped == "interrupt", where
    # pressed at the moment, or at the end of the blocking sleep it fell in
    assert ctrl.pressed_at is not None and ctrl.pressed_at >= moment, where
    # it stops at once, or (if something holds the loop: a blocking sleep,
    # a task that does not await) before the loop next has nothing to do;
    # a demo whose point is a task that swallows its cancellation (asyncio's
    # cancellation is edge-triggered) ends when that task does, no later
    latest = (
        alone.record.duration
        if (case.name, case.flavour, case.demo) in SWALLOWS_ITS_CANCELLATION
        else next_idle(alone, ctrl.pressed_at)
    )
    assert ctrl.pressed_at <= record.duration <= latest, (
        where,
        ctrl.pressed_by,
        record.duration,
    )
    # up to the moment, exactly what the demo prints when left alone
    expected = characters(alone.record, moment)
    printed = characters(record, moment)
    assert by_instant(printed) == by_instant(expected), where
    # its cleanup ran: the seed's bye
    if ctrl.pressed_at < alone.record.duration:
        assert ("bye" in record.text()) == says_bye(case), (where, record.text())
    # (pressed as the demo's last instant comes, Ctrl-C and the end race:
    # on trio, the demo may end before the cancellation reaches it)
    # nothing on stderr, nothing logged by asyncio (pytest captures its
    # log): no task destroyed while pending, no exception never retrieved,
    # but the one that the faithful boom shows on purpose
    logged = [r.getMessage().split("\n")[0] for r in caplog.records if r.name == "asyncio"]
    assert record.text("stderr") == "", (where, record.text("stderr"))
    if (case.name, case.flavour, case.demo) in SHOWS_NEVER_RETRIEVED:
        assert logged == ["Task exception was never retrieved"], (where, logged)
    else:
        assert logged == [], (where, logged)
    # (asyncio) a closed loop with no task left; no thread, no file left open
    assert leaks(before, loops=ctrl.loops) == [], where


@contextlib.contextmanager
def warnings_caught():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


@pytest.mark.parametrize(("name", "flavour", "backend"), VARIANTS)
def test_ctrl_c_on_virtual_time(name, flavour, backend, left_alone, caplog, subtests):
    cases = [c for c in all_cases([name]) if (c.flavour, c.backend) == (flavour, backend)]
    for case in lasting(cases, left_alone):
        alone = left_alone(case)
        rng = random.Random(f"{SEED}:{case.id}")
        checked = moments(alone, rng)
        assert checked, case.id
        for moment in checked:
            with subtests.test(msg=case.replay(moment)):
                check_ctrl_c_at(case, moment, alone, caplog)


def test_moments_that_land_at_the_same_instant_are_one_run():
    # the clock moves to 1, 2 and 3.5 and the demo prints at 2.5: Ctrl-C at
    # 0.3, 0.9 or 1.0 lands at 1 (the run at 1.0 checks the most), at 2.2 or
    # 2.5 by 2.5, at 2.7 by 3.5 (what it printed at 2.5 sets 2.5 and 2.7
    # apart), past the last instant as it is
    alone = Baseline(record=None, idle=[0.0], instants=[0.0, 1.0, 2.0, 2.5, 3.5])
    chosen = [0.9, 0.3, 1.0, 1.2, 2.2, 2.5, 2.7, 3.6]
    assert distinct(chosen, alone) == [1.0, 1.2, 2.5, 2.7, 3.6]


def test_ctrl_c_while_asyncio_makes_a_task_leaves_no_half_made_task(caplog):
    # The command line's Ctrl-C lands between two bytecodes of the demo's
    # thread.  Outside the loop it is raised at once, to cut short a blocking
    # call; but if it lands inside asyncio while run_until_complete makes the
    # demo's task (Task() calls loop.call_soon), raised there it would leave
    # a task half made, never scheduled, that asyncio reports as "Task was
    # destroyed but it is pending!" (seen in the real-time runs, rarely).
    # Here the press comes exactly there, as the signal handler would.
    from common.ctrl_c import Interrupt
    from common.runner import run_demo
    from common.virtual import VirtualEventLoop
    from tests.harness import lesson

    interrupt = Interrupt()

    class PressedAsATaskIsMade(VirtualEventLoop):
        def call_soon(self, callback, *args, **kwargs):
            if not self.is_running() and not interrupt.requested:
                interrupt.press()
            return super().call_soon(callback, *args, **kwargs)

    with warnings_caught() as caught, collecting_what_it_drops():
        record = run_demo(
            lesson("asyncio", "w8s2")["morceaux"],
            backend="asyncio",
            virtual=True,
            echo=False,
            interrupt=interrupt,
            loop_factory=PressedAsATaskIsMade,
        )
    assert record.stopped == "interrupt"
    # (the demo's coroutine was made, and never ran: the runner silences that)
    assert [str(w.message) for w in caught] == []
    logged = [r.getMessage() for r in caplog.records]
    assert not any("destroyed but it is pending" in m for m in logged), logged
    assert "destroyed but it is pending" not in record.text("stderr")

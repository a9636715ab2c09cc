"""The shared helpers of tests/harness.py catch what they are there to catch.

Each helper is shown a right and a wrong case: a helper that passes
everything would fail here.  The real processes are tiny ``python -c``
scripts (no lesson), so these tests cost next to nothing.
"""

import asyncio
import sys
import textwrap
import threading

import pytest

from common.runner import Lesson
from tests.harness import (
    Child,
    Lines,
    _shared_record,
    by_instant,
    cli_env,
    ctrl_c_after,
    leaks,
    lesson,
    lesson_options,
    line,
    natural,
    naturally,
    no_leaks,
    record_of,
    resources,
    same_demos,
    twin_demos,
)
from tests.harness import (
    record_of as harness_record_of,
)

# -- natural order -------------------------------------------------------------------


def test_natural_order_puts_numbers_in_numeric_order():
    names = ["w8s10", "w8s9", "w8s2", "w10s1"]
    assert naturally(names) == ["w8s2", "w8s9", "w8s10", "w10s1"]
    # what a plain sort gets wrong
    assert sorted(names) != naturally(names)
    assert natural("w8s10") > natural("w8s9")


def test_natural_order_compares_names_that_start_differently():
    assert naturally(["b1", "10", "a2", "9"]) == ["9", "10", "a2", "b1"]


# -- a lesson's own options -------------------------------------------------------------


def fake_lesson(module):
    the_lesson = Lesson(module)
    the_lesson.add_argument("--latency", type=float, default=1.0)
    the_lesson.add_argument("--debug", action="store_true")
    return the_lesson


@pytest.mark.parametrize("module", ["lessons_asyncio.fake", "lessons_anyio.fake"])
def test_lesson_options_are_the_lessons_own_at_their_defaults(module):
    assert lesson_options(fake_lesson(module)) == {"latency": 1.0, "debug": False}
    # the runner's own options are left out: a lesson without options has none
    assert lesson_options(Lesson(module)) == {}


def test_lesson_options_of_a_real_lesson():
    assert lesson_options(lesson("anyio", "w8s2")) == {}
    assert set(lesson_options(lesson("anyio", "w8s4"))) >= {"latency", "count"}


# -- twins ------------------------------------------------------------------------------


def twins(faithful_names, port_names, port_only=()):
    faithful, port = Lesson("lessons_asyncio.fake"), Lesson("lessons_anyio.fake")
    for name in faithful_names:
        faithful.demo(name=name)(lambda: None)
    for name in port_names:
        port.demo(name=name, port_only=name in port_only)(lambda: None)
    return faithful, port


def test_same_demos_lets_the_port_add_its_own():
    assert same_demos(*twins(["a", "b"], ["a", "b", "c"], port_only=["c"])) == ["a", "b"]
    assert twin_demos("w8s2") == lesson("asyncio", "w8s2").names()


@pytest.mark.parametrize(
    "faithful, port",
    [(["a", "b"], ["b", "a"]), (["a", "b"], ["a"]), (["a"], ["a", "b"])],
    ids=["order", "missing", "extra"],
)
def test_same_demos_fails_on_twins_that_differ(faithful, port):
    with pytest.raises(AssertionError, match=r"lessons_asyncio\.fake has"):
        same_demos(*twins(faithful, port))


# -- shared virtual-time records --------------------------------------------------------


def test_record_of_runs_a_demo_once_and_hands_out_copies():
    first = record_of("asyncio", "w8s2", "gather")
    schedule = first.schedule()
    assert schedule and first.duration > 0
    first.chunks.clear()  # a test changing its copy…
    second = record_of("asyncio", "w8s2", "gather")
    assert second.schedule() == schedule  # …changes nobody else's
    assert second is not first
    runs = _shared_record.cache_info()
    record_of("asyncio", "w8s2", "gather")
    assert _shared_record.cache_info().misses == runs.misses  # not run again


def test_record_of_the_port_depends_on_the_backend():
    on_asyncio = record_of("anyio", "w8s2", "morceaux", "asyncio")
    on_trio = record_of("anyio", "w8s2", "morceaux", "trio")
    assert by_instant(on_asyncio.schedule()) == by_instant(on_trio.schedule())
    # the faithful version runs on asyncio whatever backend is asked for
    assert record_of("asyncio", "w8s2", "morceaux", "trio").schedule() == (
        record_of("asyncio", "w8s2", "morceaux").schedule()
    )


def test_by_instant_ignores_the_order_within_an_instant_only():
    assert by_instant([(1.0, "a"), (1.0, "b")]) == by_instant([(1.0, "b"), (1.0, "a")])
    assert by_instant([(1.0, "a"), (2.0, "b")]) != by_instant([(1.0, "b"), (2.0, "a")])


# -- events in a child's output ------------------------------------------------------


def test_line_is_a_whole_line():
    assert line("run2 début").search("x\nrun2 début\ny")
    assert not line("run2 début").search("run2 début, encore\n")
    assert not line("run2 début").search("xrun2 début\n")
    # not yet: print() writes the newline after the text
    assert not line("run2 début").search("x\nrun2 début")


def test_lines_counts_whole_lines():
    assert not Lines(2)("a\nb")
    assert Lines(2)("a\nb\n")


def python(code, **env):
    """A tiny script as a child process."""
    return Child(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=cli_env(virtual=False, PYTHONUNBUFFERED="1", **env),
    )


TICKER = """
    import sys, time
    try:
        for i in range(1000):
            print(i)
            time.sleep(0.01)
    except KeyboardInterrupt:
        print("interrupted after", i)
        sys.exit(130)
"""


def test_wait_for_sees_a_line_as_it_is_printed_and_part_of_a_line():
    with python("import sys, time; print('.', end=''); time.sleep(60)") as child:
        assert child.wait_for(".") == "."
        assert child.ctrl_c()
        assert child.finish().code != 0


def test_wait_for_fails_when_the_output_ends_without_the_event():
    with python("print('only this')") as child:
        with pytest.raises(AssertionError, match="ended before 'never'"):
            child.wait_for("never")
        assert child.finish().out == "only this\n"
        # an ended process cannot be interrupted
        assert not child.ctrl_c()


def test_wait_for_fails_after_its_timeout():
    with (
        python("import time; time.sleep(60)") as child,
        pytest.raises(AssertionError, match=r"printed nothing more for 0\.2 s"),
    ):
        child.wait_for("x", timeout=0.2)


def test_ctrl_c_comes_after_the_event_never_before(tmp_path):
    (tmp_path / "ticker.py").write_text(textwrap.dedent(TICKER))
    finished = ctrl_c_after(
        "ticker", event=line("30"), env={"PYTHONPATH": str(tmp_path)}, timeout=60
    )
    assert finished.pressed and finished.code == 130
    # pressed once line 30 was whole, from the thread that read it
    assert line("30").search(finished.pressed_after)
    assert "interrupted" not in finished.pressed_after
    *_, last = finished.out.splitlines()
    assert last.startswith("interrupted after ")
    assert int(last.split()[-1]) >= 30
    assert "30\n" in finished.out


def test_ctrl_c_after_fails_when_the_event_never_comes(tmp_path):
    (tmp_path / "quick.py").write_text("print('done')\n")
    with pytest.raises(AssertionError, match="ended before"):
        ctrl_c_after("quick", event="never", env={"PYTHONPATH": str(tmp_path)})


def test_children_see_ctrl_c_as_at_a_terminal():
    # (conftest.py: even when the suite itself was started with SIGINT ignored)
    code = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    with python(code) as child:
        assert child.finish().out == "True\n"


def test_ctrl_c_when_watches_stderr():
    code = """
        import sys, time
        try:
            print("boom", file=sys.stderr, flush=True)
            time.sleep(60)
        except KeyboardInterrupt:
            print("bye")
    """
    with python(code) as child:
        finished = child.ctrl_c_when("boom", "stderr").finish()
    assert finished.pressed and finished.out == "bye\n"


# -- leaks -------------------------------------------------------------------------------


def test_leaks_sees_a_thread_left_running():
    before = resources()
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="left behind", daemon=True)
    thread.start()
    try:
        assert leaks(before) == ["thread 'left behind'"]
    finally:
        release.set()
        thread.join()
    assert leaks(before) == []


def test_leaks_gives_a_thread_time_to_end_and_lets_kept_ones_be():
    before = resources()
    release = threading.Event()
    ending = threading.Thread(target=release.wait, name="ending")
    ending.start()
    kept = threading.Thread(target=release.wait, name="Trio thread 1", daemon=True)
    kept.start()
    threading.Timer(0.05, release.set).start()
    assert leaks(before) == []  # (the timer's thread ends too)
    kept.join()


def test_leaks_sees_a_file_left_open(tmp_path):
    before = resources()
    with open(tmp_path / "f", "w") as f:
        assert leaks(before) == [f"fd {f.fileno()} opened ({tmp_path / 'f'})"]
    assert leaks(before) == []


def test_leaks_sees_a_loop_left_open_and_its_tasks():
    before = resources()
    loop = asyncio.new_event_loop()
    task = loop.create_task(asyncio.sleep(1))
    found = [what for what in leaks(before, loops=[loop]) if not what.startswith("fd ")]
    assert found[0].startswith("loop ") and found[0].endswith(" not closed")
    assert found[1:] == [f"task {task!r}"]
    # (the loop's own descriptors: its selector, its self-pipe)
    assert any(what.startswith("fd ") for what in leaks(before, loops=[loop]))
    task.cancel()
    loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
    loop.close()
    assert leaks(before, loops=[loop]) == []


def test_no_leaks_fails_on_a_leak(tmp_path):
    with no_leaks():
        (tmp_path / "f").write_text("closed again")
    with pytest.raises(AssertionError), no_leaks():
        f = open(tmp_path / "f")  # noqa: SIM115 (left open on purpose)
    f.close()


def test_the_record_of_fixture_is_the_harness_one(record_of):
    assert record_of("asyncio", "w8s2", "famine").schedule() == (
        harness_record_of("asyncio", "w8s2", "famine").schedule()
    )

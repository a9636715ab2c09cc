"""The course's timer and the recorder (common/timer.py, common/record.py)."""

import asyncio
import threading

import anyio
import pytest

from common.record import recording
from common.timer import Timer, current_timer, format_elapsed, show_timer, start_timer, use_timer

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.0, "0s + 000ms"),
        (0.0004, "0s + 000ms"),
        (0.0016, "0s + 002ms"),
        # rounded before it is split: a virtual 0.9999999 s is one second
        (0.9999999, "1s + 000ms"),
        (1.5, "1s + 500ms"),
        (2.0625, "2s + 062ms"),
        # seconds keep counting past a minute, as timedelta.seconds does
        (61.25, "61s + 250ms"),
    ],
)
def test_format_elapsed(seconds, shown):
    assert format_elapsed(seconds) == shown


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_start_and_show(capsys):
    clock = FakeClock()
    with use_timer(Timer(clock)):
        start_timer()
        clock.now += 1.25
        show_timer(">>>", "c1", 3)
    assert capsys.readouterr().out == "---------- zero\n1s + 250ms >>> c1 3\n"


def test_show_before_start_says_why():
    with use_timer(Timer(FakeClock())), pytest.raises(RuntimeError, match="before start_timer"):
        show_timer("too early")


def test_timers_do_not_leak_between_demos(capsys):
    first, second = FakeClock(), FakeClock()
    outer = current_timer()
    with use_timer(Timer(first)) as timer:
        start_timer()
        assert current_timer() is timer
    assert current_timer() is outer
    with use_timer(Timer(second)), pytest.raises(RuntimeError):
        show_timer("a new demo starts with no start time")


def test_task_created_before_start_timer_sees_it(capsys):
    """The seed creates tasks, then calls start_timer(), then runs the loop:
    a task's context is copied when it is created, yet it must see the start."""
    loop = asyncio.new_event_loop()
    try:
        with use_timer(Timer(loop.time)):

            async def later():
                show_timer("in task")

            task = loop.create_task(later())
            start_timer()
            loop.run_until_complete(task)
    finally:
        loop.close()
    assert capsys.readouterr().out.splitlines()[1].endswith("ms in task")


async def test_clock_is_the_running_loops(backend_name):
    timer = Timer()
    assert timer.now() == anyio.current_time()
    await anyio.sleep(2.5)
    assert timer.now() == anyio.current_time()


async def test_show_timer_on_virtual_time(capsys):
    with use_timer(Timer()):
        start_timer()
        await anyio.sleep(1)
        show_timer(">>> c2")
        await anyio.sleep(0.5)
        show_timer("<<< c2")
    assert capsys.readouterr().out == "---------- zero\n1s + 000ms >>> c2\n1s + 500ms <<< c2\n"


def test_recording_times_each_write():
    clock = FakeClock()
    with recording(clock, echo=False) as record:
        print("a", end="")
        clock.now += 0.5
        print("b")
        print("c", flush=True)
        clock.now += 0.25
        print("oops", file=__import__("sys").stderr)
        print(".", end="")
    assert record.lines() == [(0.0, "ab"), (0.5, "c"), (0.75, ".")]
    assert record.characters() == [
        (0.0, "a"),
        (0.5, "b"),
        (0.5, "\n"),
        (0.5, "c"),
        (0.5, "\n"),
        (0.75, "."),
    ]
    assert record.lines("stderr") == [(0.75, "oops")]
    assert record.duration == 0.75
    # every write, both streams in the order written: as tuples, and as chunks
    writes = [
        (0.0, "a", "stdout"),
        (0.5, "b", "stdout"),
        (0.5, "\n", "stdout"),
        (0.5, "c", "stdout"),
        (0.5, "\n", "stdout"),
        (0.75, "oops", "stderr"),
        (0.75, "\n", "stderr"),
        (0.75, ".", "stdout"),
    ]
    assert list(record.writes()) == writes
    assert [(c.time, c.text, c.stream) for c in record.chunks] == writes


def test_recording_echoes_unless_told_not_to(capsys):
    with recording(FakeClock()):
        print("shown")
    with recording(FakeClock(), echo=False):
        print("hidden")
    assert capsys.readouterr().out == "shown\n"


def test_recording_from_a_thread():
    clock = FakeClock()
    with recording(clock, echo=False) as record:
        thread = threading.Thread(target=print, args=("from a thread",))
        thread.start()
        thread.join()
    assert record.lines() == [(0.0, "from a thread")]

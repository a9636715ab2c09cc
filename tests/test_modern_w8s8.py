"""w8s8, asyncio as written today: queues and a semaphore window, on virtual time.

The timetables are the faithful version's (tests/test_w8s8.py derives them
from the video): the same ticks until the bound, the same window, which here
ends with its last job at 5 s.  Both ways of ending a queue are run on the
interpreters that have them: ``Queue.shutdown()`` from 3.13, the sentinel on
every version.

The command line runs in the test's process (:func:`tests.harness.run_main`)
but in ``test_ctrl_c_modern``, which needs a real process: a real SIGINT,
pressed once a line is printed.
"""

import asyncio
import re
import sys

import pytest

from common.helpsummary import help_summary
from common.timer import start_timer
from lessons_asyncio.modern import w8s8
from tests.harness import by_instant, ctrl_c_after, faithful_record, modern_record, run_main
from tests.test_w8s8 import check_window, ticks, timed, window_schedule
from tests.test_w8s8_cli import QUEUE_LINES

has_shutdown = pytest.mark.skipif(
    sys.version_info < (3, 13), reason="Queue.shutdown() is new in Python 3.13"
)


def test_queue_help_modern():
    text = modern_record("w8s8", "queue_help").text()
    assert text == help_summary(asyncio.Queue) + "\n"
    assert all(line in text.splitlines() for line in QUEUE_LINES)
    # the same help as the video's version
    assert text == faithful_record("w8s8", "queue_help").text()


def test_producer_consumer_modern():
    record = modern_record("w8s8", "producer_consumer")
    # the bound presses Ctrl-C: the demo's task is cancelled and says bye
    assert record.schedule() == [*ticks(5.5), (5.5, "bye")]
    assert record.schedule() == faithful_record("w8s8", "producer_consumer").schedule()
    assert record.stopped == "bound"
    assert record.duration == 5.5
    assert record.text("stderr") == ""


def test_producer_consumer_modern_duration():
    record = modern_record("w8s8", "producer_consumer", duration=2.5)
    assert record.schedule() == [*ticks(2.5), (2.5, "bye")]


def test_window_modern():
    record = modern_record("w8s8", "window")
    schedule = record.schedule()
    check_window(schedule)
    # Up to 3 s, the exact order of the video.  At 3 s, job2, job4 and job6
    # end at the same virtual instant: their order follows asyncio's timer
    # heap, which compares deadlines only (on a real clock the later
    # sleepers' deadlines are later by a few microseconds).  Then job7.
    expected = window_schedule()
    at_3 = [line for t, line in expected if t == 3.0]
    assert [line for t, line in schedule if t < 3.0] == [line for t, line in expected if t < 3.0]
    assert sorted(line for t, line in schedule if t == 3.0) == sorted(at_3)
    assert [line for t, line in schedule if t == 3.0][-1] == timed(3.0, ">>> job7 - duration 2")
    # the task group ends with the last job, at 5 s: nothing runs forever
    assert record.stopped is None
    assert record.duration == 5.0


def test_window_has_the_faithful_timetable():
    modern = modern_record("w8s8", "window").schedule()
    faithful = faithful_record("w8s8", "window").schedule()
    # the video's window runs forever: its bound (5.5 s) presses Ctrl-C, bye;
    # the modern one ends with its last job, at 5 s (the task group waits)
    assert faithful[-1] == (5.5, "bye")
    assert by_instant(modern) == by_instant(faithful[:-1])


def test_a_racing_window_would_fail_the_check():
    """The check can fail: with 8 tokens all jobs start at 0 s."""

    async def unbounded():
        window = asyncio.Semaphore(8)
        start_timer()
        async with asyncio.TaskGroup() as tg:
            for i in range(8):
                tg.create_task(w8s8.job(i, window))

    from common.runner import Lesson, run_demo

    racing = Lesson("lessons_asyncio.modern.w8s8_racing")
    racing.demo(name="window")(unbounded)
    record = run_demo(racing["window"], virtual=True, echo=False)
    with pytest.raises(AssertionError):
        check_window(record.schedule())


# --------------------------------------------------------------------------
# not in the video: shutdown


SHUTDOWN = [
    (0.0, "---------- zero"),
    (0.0, "0s + 000ms got tick1"),
    (1.0, "1s + 000ms got tick2"),
    (2.0, "2s + 000ms got tick3"),
    (3.0, "3s + 000ms no more ticks"),
]


def test_shutdown_demo():
    record = modern_record("w8s8", "shutdown")
    assert record.schedule() == SHUTDOWN
    assert record.stopped is None
    assert w8s8.lesson["shutdown"].in_video is False


def _ends(shutdown):
    """The finite producer and consumer with the given way of ending."""

    async def both():
        queue = asyncio.Queue(maxsize=1)
        start_timer()
        async with asyncio.TaskGroup() as tg:
            tg.create_task(w8s8.finite_producer(queue, 3, shutdown=shutdown))
            tg.create_task(w8s8.finite_consumer(queue, shutdown=shutdown))
        return queue

    from common.runner import Lesson, run_demo

    ends = Lesson(f"lessons_asyncio.modern.w8s8_ends_{shutdown}")
    ends.demo(name="shutdown")(both)
    return run_demo(ends["shutdown"], virtual=True, echo=False)


def test_the_sentinel_ends_the_queue():
    """The 3.11–3.12 form, run on every interpreter."""
    assert _ends(shutdown=False).schedule() == SHUTDOWN


@has_shutdown
def test_queue_shutdown_ends_the_queue():
    """The 3.13 form, on the interpreters that have it; it is the default there."""
    assert w8s8.HAS_SHUTDOWN
    assert _ends(shutdown=True).schedule() == SHUTDOWN


@has_shutdown
def test_a_shut_down_queue_refuses_put():
    queue = asyncio.Queue()
    queue.shutdown()
    with pytest.raises(asyncio.QueueShutDown):
        queue.put_nowait("late")


def test_the_default_follows_the_interpreter():
    assert (sys.version_info >= (3, 13)) is w8s8.HAS_SHUTDOWN


# --------------------------------------------------------------------------
# not in the video: deadline


def test_deadline_demo():
    record = modern_record("w8s8", "deadline")
    schedule = record.schedule()
    # the window's timetable up to 3 s, then the timeout at 3.5 s: job5 and
    # job7, still running, are cancelled and never print their end
    before = [(t, line) for t, line in window_schedule() if t <= 3.0]
    assert by_instant(schedule[:-1]) == by_instant(before)
    assert schedule[-1] == (3.5, "3s + 500ms timed out")
    assert "<<< job5" not in record.text() and "<<< job7" not in record.text()
    assert record.duration == 3.5
    assert record.stopped is None


# --------------------------------------------------------------------------
# command line and Ctrl-C


def test_cli_lists_the_demos_in_order():
    result = run_main("lessons_asyncio.modern.w8s8", "--list")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["queue_help", "producer_consumer", "window", "shutdown", "deadline"]
    assert result.stdout.splitlines()[3].endswith("[not in the video]")


def test_cli_window_modern():
    result = run_main("lessons_asyncio.modern.w8s8", "window")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "=== w8s8 window: 8 jobs of 1 to 3 s, at most 4 at a time: a semaphore of 4 tokens"
    )
    assert by_instant([(float(line[0]), line) for line in lines[2:]]) == by_instant(
        [(t, line) for t, line in window_schedule()[1:]]
    )


def test_cli_timeline_modern():
    result = run_main("lessons_asyncio.modern.w8s8", "window", "--timeline", env={"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    # the chart comes after the demo's lines, titled with the demo
    tail = result.stdout.split("5s + 000ms <<< job7 - duration 2\n", 1)[1]
    assert "window" in tail
    assert "job7" in tail


def test_cli_refuses_a_backend():
    result = run_main("lessons_asyncio.modern.w8s8", "window", "--backend", "trio")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("python -m lessons_anyio.w8s8 --backend trio")
    assert "modern asyncio version" in result.stderr


@pytest.mark.parametrize("demo, after", [("producer_consumer", "got tick1"), ("window", ">>> job")])
def test_ctrl_c_modern(demo, after, fork_server):
    # Ctrl-C once a whole line with ``after`` is printed
    stopped = ctrl_c_after(
        "lessons_asyncio.modern.w8s8",
        demo,
        server=fork_server,
        event=re.compile(re.escape(after) + ".*\n"),
        python=("-W", "always::ResourceWarning"),
    )
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert f"interrupted (Ctrl-C): {demo} stopped, its cleanup ran" in err
    for bad in ("Traceback", "Task was destroyed", "never retrieved", "ResourceWarning"):
        assert bad not in err
    assert "(stopped after" not in out
    # the cancellation came from Ctrl-C: the seed's bye, and nothing after it
    assert out.splitlines()[-1] == "bye"

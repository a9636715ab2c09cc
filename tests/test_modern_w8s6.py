"""w8s6, asyncio as written today: the timer and the fork timelines on virtual
time, the bound, ``--duration`` and Ctrl-C (the seed's ``bye``)."""

import pytest

from common.ctrl_c import Interrupt
from common.runner import run_demo
from common.virtual import VirtualEventLoop
from tests.harness import faithful_record, lesson, modern_record, run_main
from tests.test_w8s6 import BOUND, FORK, FORK_STOP, TIMER


@pytest.mark.parametrize("demo", ["timer", "fork", "fork_stop"])
def test_same_schedule_as_the_video(demo):
    modern = modern_record("w8s6", demo)
    faithful = faithful_record("w8s6", demo)
    assert modern.schedule() == faithful.schedule()
    assert (modern.stopped, modern.duration) == (faithful.stopped, faithful.duration)


def test_timer_modern():
    record = modern_record("w8s6", "timer")
    assert record.schedule() == TIMER
    assert record.duration == 1


def test_fork_modern():
    record = modern_record("w8s6", "fork")
    # nothing after 3 s, up to the bound, which presses Ctrl-C: bye
    assert record.schedule() == [*FORK, (BOUND, "bye")]
    assert record.text("stderr") == ""
    assert (record.stopped, record.duration) == ("bound", BOUND)


def test_fork_modern_stays_quiet_up_to_a_later_bound():
    record = modern_record("w8s6", "fork", duration=9.5)
    assert record.schedule() == [*FORK, (9.5, "bye")]
    assert (record.stopped, record.duration) == ("bound", 9.5)


def test_fork_stop_modern():
    record = modern_record("w8s6", "fork_stop")
    # it ends by itself when c2_stop sets the event, before its bound (3.5 s)
    assert record.schedule() == FORK_STOP
    assert record.text("stderr") == ""
    assert (record.stopped, record.duration) == (None, 3)


def ctrl_c_at(seconds, demo):
    """Run a modern demo on virtual time and press Ctrl-C, as the command
    line's SIGINT handler does, at ``seconds`` of the demo's clock."""
    interrupt = Interrupt()

    def pressing_loop():
        loop = VirtualEventLoop()
        loop.call_at(loop.time() + seconds, interrupt.press)
        return loop

    return run_demo(
        lesson("asyncio.modern", "w8s6")[demo],
        virtual=True,
        echo=False,
        interrupt=interrupt,
        loop_factory=pressing_loop,
    )


def test_fork_modern_says_bye_to_ctrl_c():
    # Ctrl-C at 1.5 s: the demo's task is cancelled at its await, says bye,
    # and the task group cancels c1 and c2: neither prints again.
    record = ctrl_c_at(1.5, "fork")
    assert record.schedule() == [*FORK[:4], (1.5, "bye")]
    assert (record.stopped, record.duration) == ("interrupt", 1.5)


def test_fork_stop_modern_says_bye_but_not_done_to_ctrl_c():
    record = ctrl_c_at(1.5, "fork_stop")
    assert record.schedule() == [*FORK[:4], (1.5, "bye")]
    assert record.stopped == "interrupt"


def test_cli_whole_lesson_ends_by_itself():
    result = run_main("lessons_asyncio.modern.w8s6")
    assert (result.returncode, result.stderr) == (0, "")
    body = [line for line in result.stdout.splitlines() if not line.startswith("=== ")]
    fork = [line for _, line in FORK]
    assert body == [
        *[line for _, line in TIMER],
        *fork,
        "bye",
        f"(Ctrl-C pressed by the bound after {BOUND:g} s; --duration S changes it)",
        *fork,
        "done",
    ]


def test_cli_duration_bounds_fork():
    result = run_main("lessons_asyncio.modern.w8s6", "fork", "--duration", "1.5")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:] == [
        *[line for _, line in FORK[:4]],
        "bye",
        "(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)",
    ]

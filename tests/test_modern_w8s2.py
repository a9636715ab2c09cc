"""w8s2, asyncio as written today: the video's schedules, and eager tasks.

The schedules are the faithful version's (tests/test_w8s2.py), exactly: the
task group starts its tasks in the order they were created, as ``gather``
does.  ``eager`` runs on every interpreter: on 3.11 it must say that eager
tasks are not there, on 3.12+ show both orders.
"""

import sys

import pytest

from lessons_asyncio.modern import w8s2
from tests.harness import (
    by_instant,
    faithful_record,
    modern_record,
    run_main,
    showing_never_awaited,
)
from tests.test_w8s2 import GATHER, MORCEAUX, check_famine, famine_schedule

has_eager = pytest.mark.skipif(sys.version_info < (3, 12), reason="eager tasks: Python 3.12+")
no_eager = pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.11 only")


@pytest.mark.parametrize("demo", ["morceaux", "gather", "famine"])
def test_same_schedule_as_the_video(demo):
    modern = modern_record("w8s2", demo)
    # the video's morceaux drops a coroutine unrun: Python's warning, on
    # stderr (the modern one closes it: no warning); the printed lines agree
    with showing_never_awaited():
        faithful = faithful_record("w8s2", demo)
    assert modern.schedule() == faithful.schedule()


def test_morceaux_modern():
    assert modern_record("w8s2", "morceaux").schedule() == MORCEAUX


def test_gather_modern():
    record = modern_record("w8s2", "gather")
    assert by_instant(record.schedule()) == GATHER
    # the task group starts its tasks in the order they were created
    assert [line for _, line in record.schedule()][:2] == ["run1 début", "run2 début"]


def test_famine_modern():
    record = modern_record("w8s2", "famine")
    check_famine(record.schedule())
    assert by_instant(record.schedule()) == famine_schedule("run1", "run2")
    assert record.duration == 2.5


# --------------------------------------------------------------------------
# not in the video: eager

# Lazy: create_task only schedules; the body's line comes first, then each
# task runs up to its first await when the body awaits (leaving the block).
LAZY = [
    (0.0, "lazy (the default):"),
    (0.0, "both tasks created"),
    (0.0, "run1 début"),
    (0.0, "run2 début"),
    (0.5, "run1 milieu"),
    (0.5, "run2 milieu"),
    (1.5, "run1 fin"),
    (1.5, "run2 fin"),
]


def test_eager_is_not_in_the_video():
    assert w8s2.lesson["eager"].in_video is False
    assert w8s2.lesson["gather"].in_video is True


@has_eager
def test_eager_order():
    record = modern_record("w8s2", "eager")
    # Eager: create_task runs each coroutine at once, up to its first await,
    # before the line that follows them; the rest is the same, 1.5 s later.
    eager = [
        (1.5, "eager (asyncio.eager_task_factory):"),
        (1.5, "run1 début"),
        (1.5, "run2 début"),
        (1.5, "both tasks created"),
        (2.0, "run1 milieu"),
        (2.0, "run2 milieu"),
        (3.0, "run1 fin"),
        (3.0, "run2 fin"),
    ]
    assert record.schedule() == LAZY + eager
    assert record.duration == 3.0


@has_eager
def test_eager_leaves_the_loop_as_it_found_it():
    """The factory is the demo's, for its block only: the runner's loop, and
    the tasks created after it, are lazy again."""
    import asyncio

    from common.runner import Lesson, run_demo

    after = Lesson("lessons_asyncio.modern.w8s2_after")

    @after.demo
    async def then_lazy():
        """eager, then a task created after it"""
        await w8s2.eager()
        loop = asyncio.get_running_loop()
        print("factory:", loop.get_task_factory())
        await w8s2.created_then_awaited()

    lines = [line for _, line in run_demo(after["then_lazy"], virtual=True, echo=False).schedule()]
    assert lines[16:19] == ["factory: None", "both tasks created", "run1 début"]


@no_eager
def test_eager_on_python_3_11():
    record = modern_record("w8s2", "eager")
    assert record.schedule() == [
        *LAZY,
        (1.5, "eager: asyncio.eager_task_factory is new in Python 3.12, this is 3.11"),
    ]
    assert w8s2.EAGER_TASK_FACTORY is None


def test_cli_lists_eager_last():
    result = run_main("lessons_asyncio.modern.w8s2", "--list")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["morceaux", "gather", "famine", "eager"]
    assert result.stdout.splitlines()[-1].endswith("[not in the video]")

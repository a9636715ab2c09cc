"""w8s7, asyncio as written today: tasks in task groups, their states, and
asyncio's edge-triggered cancellation beside anyio's level-triggered one."""

import re

import anyio
import pytest

from lessons_asyncio.modern import w8s7
from tests.harness import faithful_record, modern_record, run_main
from tests.test_w8s7 import LIFECYCLE_FAITHFUL


def test_tasks_modern():
    lines = modern_record("w8s7", "tasks").text().splitlines()
    task, member, current, outside = lines
    # pending, named, where foo() is (its `async def` line), held by the group
    where = f"{w8s7.__file__}:{w8s7.foo.__code__.co_firstlineno}"
    assert re.fullmatch(
        rf"<Task pending name='foo' coro=<foo\(\) running at {re.escape(where)}>"
        r" cb=\[TaskGroup\._on_task_done\(\)\]>",
        task,
    ), task
    # in all_tasks(); the demo's own task is the current one, in the loop
    assert (member, current) == ("True", "True")
    # outside the loop (a worker thread): no current task, an error
    assert outside == "RuntimeError: no running event loop"


# The faithful instants and words; at 2 s the task group has cancelled the
# other sleeper itself (no other.done() False: it never runs alone), and
# raised an ExceptionGroup of the one ValueError.
LIFECYCLE_MODERN = [
    *LIFECYCLE_FAITHFUL[:6],
    (2.0, "caught ExceptionGroup of [ValueError('bad value')]"),
    (2.0, "ko.exception(): ValueError('bad value')"),
    (2.0, "ko.result() raises ValueError('bad value')"),
    (2.0, "other.cancelled(): True"),
]


def test_lifecycle_modern():
    record = modern_record("w8s7", "lifecycle")
    assert record.schedule() == LIFECYCLE_MODERN
    assert record.duration == 2.0
    assert record.text("stderr") == ""


def test_lifecycle_same_instants_as_the_video():
    faithful = faithful_record("w8s7", "lifecycle").schedule()
    modern = modern_record("w8s7", "lifecycle").schedule()
    assert sorted({t for t, _ in modern}) == sorted({t for t, _ in faithful})
    assert [line for t, line in modern if t < 2] == [line for t, line in faithful if t < 2]


# --------------------------------------------------------------------------
# not in the video: cancel_once (edge- vs level-triggered cancellation)

CANCEL_ONCE = [
    (0.5, "cancel() asked"),
    (0.5, "stubborn: cancelled, and carries on"),
    (1.5, "stubborn: still here"),
    (1.5, "task.result(): done anyway"),
    (1.5, "task.cancelled(): False"),
    (1.5, "task.cancelling(): 1"),
]


def test_cancel_once_modern():
    record = modern_record("w8s7", "cancel_once")
    # asyncio throws one CancelledError; caught, the task sleeps on undisturbed
    assert record.schedule() == CANCEL_ONCE
    assert record.duration == 1.5
    assert w8s7.lesson["cancel_once"].in_video is False


# What the modern docstring says anyio does: the same stubborn task, in a
# cancel scope (a task group's) that is cancelled, is cancelled again at its
# next await, on both backends.


async def anyio_stubborn(said):
    try:
        await anyio.sleep(1)
    except anyio.get_cancelled_exc_class():
        said.append((anyio.current_time(), "stubborn: cancelled, and carries on"))
    # the scope is still cancelled: this await raises at once
    await anyio.sleep(1)
    said.append((anyio.current_time(), "stubborn: still here"))


@pytest.mark.anyio
async def test_anyio_cancellation_is_level_triggered():
    said = []
    start = anyio.current_time()
    async with anyio.create_task_group() as tg:
        tg.start_soon(anyio_stubborn, said)
        await anyio.sleep(0.5)
        tg.cancel_scope.cancel()
    # it caught the first cancellation, and was stopped at its next await
    assert [(t - start, line) for t, line in said] == [(0.5, "stubborn: cancelled, and carries on")]
    assert anyio.current_time() - start == 0.5


@pytest.mark.anyio
async def test_anyio_shield_is_how_to_keep_working():
    """The explicit way out: a shielded scope may await during a cancellation."""
    said = []
    start = anyio.current_time()
    async with anyio.create_task_group() as tg:

        async def cleanup():
            try:
                await anyio.sleep(1)
            except anyio.get_cancelled_exc_class():
                with anyio.CancelScope(shield=True):
                    await anyio.sleep(1)
                    said.append(anyio.current_time() - start)
                raise

        tg.start_soon(cleanup)
        await anyio.sleep(0.5)
        tg.cancel_scope.cancel()
    assert said == [1.5]


def test_cli_lists_cancel_once_last():
    result = run_main("lessons_asyncio.modern.w8s7", "--list")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["tasks", "lifecycle", "cancel_once"]
    assert result.stdout.splitlines()[-1].endswith("[not in the video]")

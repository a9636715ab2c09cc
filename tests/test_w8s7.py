"""w8s7: tasks, their states and what happens to their exceptions, faithful
and port, on virtual time; the command line."""

import asyncio
import re

import anyio
import pytest

from lessons_anyio import w8s7 as port
from lessons_asyncio import w8s7 as faithful
from tests.harness import faithful_record, lesson, port_record, run_main

pytestmark = pytest.mark.anyio


def faithful_task_repr():
    """asyncio's repr of a task whose foo() has not started: its name (a
    counter shared by the whole process, so any number) and where foo() is,
    its ``async def`` line."""
    where = f"{faithful.__file__}:{faithful.foo.__code__.co_firstlineno}"
    return rf"<Task pending name='Task-\d+' coro=<foo\(\) running at {re.escape(where)}>>"


def check_faithful_tasks(lines):
    task, tasks, member, current = lines
    assert re.fullmatch(faithful_task_repr(), task), task
    # the set of all the loop's tasks holds that task, and nothing else: the
    # runner gave the demo a fresh loop
    assert tasks == "{" + task + "}"
    # task in tasks; no current task outside the loop
    assert (member, current) == ("True", "None")


def port_tasks(module):
    """The port's tasks demo: anyio names a task after its function
    (``module.qualname``); nothing of anyio's private wrappers is printed."""
    return [
        f"<TaskHandle pending name='{module}.foo' coro=<coroutine object foo at 0x…>>",
        "True",
        f"name: {module}.foo",
        "parent is the current task: True",
        "NoEventLoopError",
    ]


# 0 s: compute() and sleeper() wait for the loop; 0.5 s: gone is asked to
# stop, and is not cancelled yet; 1 s: compute() returns 42, gone was
# cancelled; 1 s + 1 s: fail() raises, the other sleeper is still asleep.
LIFECYCLE_FAITHFUL = [
    (0.0, "ok.done(): False"),
    (0.0, "ok.result() raises InvalidStateError('Result is not set.')"),
    (0.5, "gone.cancelled(): False"),
    (1.0, "ok.done(): True"),
    (1.0, "ok.result(): 42"),
    (1.0, "gone.cancelled(): True"),
    (2.0, "ko.exception(): ValueError('bad value')"),
    (2.0, "ko.result() raises ValueError('bad value')"),
    (2.0, "other.done(): False"),
    (2.0, "other.cancelled(): True"),
]

# The same instants; at 2 s the task group has cancelled the other sleeper
# itself, and raised an ExceptionGroup of the one ValueError.
LIFECYCLE_PORT = [
    (0.0, "ok.status: PENDING"),
    (0.0, "ok.return_value raises TaskNotFinished('the task has not finished yet')"),
    (0.5, "gone.status: CANCELLING"),
    (1.0, "ok.status: FINISHED"),
    (1.0, "ok.return_value: 42"),
    (1.0, "gone.status: CANCELLED"),
    (2.0, "caught ExceptionGroup of [ValueError('bad value')]"),
    (2.0, "ko.status: FAILED"),
    (2.0, "ko.exception: ValueError('bad value')"),
    (
        2.0,
        "ko.return_value raises TaskFailed('the task raised an exception')"
        " from ValueError('bad value')",
    ),
    (2.0, "other.status: CANCELLED"),
]


def test_twins_have_the_same_demos():
    assert lesson("asyncio", "w8s7").names() == ["tasks", "lifecycle"]
    assert lesson("anyio", "w8s7").names() == lesson("asyncio", "w8s7").names()


def test_the_seeds_calls_are_gone_and_their_replacements_need_the_loop():
    """What the faithful lesson's comments say about the modern API."""
    assert not hasattr(asyncio.Task, "all_tasks")
    assert not hasattr(asyncio.Task, "current_task")
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.all_tasks()
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.current_task()


def test_tasks_faithful():
    record = faithful_record("w8s7", "tasks")
    assert [time for time, _ in record.schedule()] == [0.0] * 4
    check_faithful_tasks([line for _, line in record.schedule()])
    # the runner cancelled the pending task: nothing destroyed while pending
    assert record.text("stderr") == ""


async def test_tasks_port():
    record = await port_record("w8s7", "tasks")
    assert record.schedule() == [(0.0, line) for line in port_tasks("lessons_anyio.w8s7")]
    assert record.text("stderr") == ""


def test_lifecycle_faithful():
    record = faithful_record("w8s7", "lifecycle")
    assert record.schedule() == LIFECYCLE_FAITHFUL
    # ko's exception was retrieved: nothing reported as never retrieved
    assert record.text("stderr") == ""
    assert record.duration == 2


async def test_lifecycle_port():
    record = await port_record("w8s7", "lifecycle")
    assert record.schedule() == LIFECYCLE_PORT
    assert record.text("stderr") == ""
    assert record.duration == 2


async def test_a_failing_task_group_raises_a_group_of_its_error_alone():
    """The shape of what lifecycle catches, on each backend: one flat
    ExceptionGroup holding the ValueError, no Cancelled of the sibling."""
    with pytest.RaisesGroup(pytest.RaisesExc(ValueError, match="^bad value$")) as caught:
        async with anyio.create_task_group() as tg:
            ko = tg.start_soon(port.fail)
            other = tg.start_soon(port.sleeper)
    assert type(caught.value) is ExceptionGroup
    assert caught.value.exceptions == (ko.exception,)
    # the sibling was cancelled by the task group, at the failure (1 s)
    assert other.status is anyio.TaskHandle.Status.CANCELLED
    with pytest.raises(anyio.TaskCancelled):
        _ = other.return_value


async def test_lifecycle_handles_only_the_value_error():
    """except* ValueError takes the ValueError out; another error goes on up."""

    async def fail_otherwise():
        await anyio.sleep(1)
        raise KeyError("other")

    with pytest.RaisesGroup(KeyError):
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(fail_otherwise)
                tg.start_soon(port.sleeper)
        except* ValueError:  # as in lifecycle
            pytest.fail("a KeyError is no ValueError")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("lessons_anyio.w8s7", "--backend", "asyncio"), id="port-asyncio"),
        pytest.param(("lessons_anyio.w8s7", "--backend", "trio"), id="port-trio"),
    ],
)
def test_cli_port(command):
    result = run_main(*command, as_script=True)
    assert (result.returncode, result.stderr) == (0, "")
    body = [line for line in result.stdout.splitlines() if not line.startswith("=== ")]
    # run as a script, the module (so the task's name) is __main__
    assert body == [*port_tasks("__main__"), *[line for _, line in LIFECYCLE_PORT]]


def test_cli_faithful():
    result = run_main("lessons_asyncio.w8s7")
    assert (result.returncode, result.stderr) == (0, "")
    body = [line for line in result.stdout.splitlines() if not line.startswith("=== ")]
    check_faithful_tasks(body[:4])
    assert body[4:] == [line for _, line in LIFECYCLE_FAITHFUL]

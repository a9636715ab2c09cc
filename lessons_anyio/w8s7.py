"""w8s7 — Tâches et exceptions (tasks and exceptions).

The video wraps a coroutine in a task before any loop runs: the task is
pending, it is among all the loop's tasks, and since no loop is running there
is no current task.  Here a task is started in a task group: it is pending
until the body awaits, ``anyio.get_running_tasks()`` describes it (a
``TaskInfo``: id, name, parent, coroutine), and outside the loop (a worker
thread) there is no task at all.  ``lifecycle`` (not in the video) follows
tasks to their end through the handles that ``start_soon`` returns: pending,
then finished with a ``return_value``, or failed (``exception``), or
cancelled; a task that raises makes its task group cancel the others and
raise an ``ExceptionGroup``, which ``except*`` takes apart.

Timeline of ``lifecycle``: 0 s all pending; 0.5 s ``gone`` is cancelled;
1 s ``ok`` returns 42; 2 s ``ko`` raises, and ``other`` is cancelled.

Run it:
    python -m lessons_anyio.w8s7 --backend trio            # all demos, in order
    python -m lessons_anyio.w8s7 lifecycle --backend trio  # one of them

Differs from the asyncio version:
- no task exists before the loop runs: the runner's ``anyio.run`` is already
  running when a demo starts.  A task started with ``tg.start_soon`` is
  pending until the body reaches an ``await``, and ends before the
  ``async with`` block does;
- ``start_soon`` returns a ``TaskHandle`` (anyio ≥ 4.14): ``.status``
  (PENDING, CANCELLING, CANCELLED, FINISHED, FAILED) instead of ``done()`` and
  ``cancelled()``, ``.return_value`` and ``.exception`` instead of
  ``result()`` and ``exception()``; they raise ``TaskNotFinished``,
  ``TaskFailed`` (from the task's exception) or ``TaskCancelled``;
- ``all_tasks(loop)`` becomes ``anyio.get_running_tasks()``: a list of
  ``TaskInfo`` (not a set of tasks) of every task of the loop, the runner's
  and the backend's own included, so the demo looks for its task by name
  rather than printing them all (their ids and number differ from run to run
  and from backend to backend), and prints its name and whether its parent
  is the demo's task: not its id, an address, nor its coroutine, anyio's own
  wrapper around ``foo()``, whose text changes with anyio's version;
- ``current_task(loop)`` is ``None`` outside the loop; anyio's
  ``get_current_task()`` has no such answer: inside the loop there is always
  a current task, outside (a worker thread here) it raises
  ``NoEventLoopError``, a ``RuntimeError``;
- a task that raises does not go unnoticed: its task group cancels ``other``
  at once (asyncio let it run until we cancelled it ourselves) and raises an
  ``ExceptionGroup`` holding the ``ValueError``; its message differs between
  asyncio and trio, so the demo prints its type and contents.
"""

import anyio

from common.runner import Lesson

# echo(value) prints what the video's IDLE shell shows when an expression is
# typed (a script shows nothing), memory addresses masked as 0x….
from common.shell import echo

lesson = Lesson(__name__)


async def foo():
    pass


# Not in the video: tasks to follow from start to end (lifecycle).
async def compute():
    await anyio.sleep(1)
    return 42


async def fail():
    await anyio.sleep(1)
    raise ValueError("bad value")


async def sleeper():
    await anyio.sleep(10)


def current_task_outside():
    """What anyio.get_current_task() says where no loop runs (a worker thread)."""
    try:
        anyio.get_current_task()
    except RuntimeError as exc:
        print(type(exc).__name__)


@lesson.demo(name="tasks")
async def demo_tasks():
    """a task not run yet is pending; TaskInfo; no current task outside the loop"""
    async with anyio.create_task_group() as tg:
        task = tg.start_soon(foo)

        # not run yet: the body has not awaited since it started it
        echo(task)

        # attention : retourne un set (careful: returns a set): here a list of
        # TaskInfo, one for every task of the loop
        tasks = anyio.get_running_tasks()

        # a TaskInfo is not the handle: the two share the task's name
        echo(task.name in [info.name for info in tasks])

        # What a TaskInfo holds: an id (a number unique among the running
        # tasks, an address: not printed), a name, its parent's id, and the
        # coroutine the task runs (not printed either: it is anyio's own
        # wrapper around foo(), whose text changes with anyio's version).
        info = next(info for info in tasks if info.name == task.name)
        print("name:", info.name)
        print("parent is the current task:", info.parent_id == anyio.get_current_task().id)

        # et comme on n'est pas dans la boucle (and since we are not in the loop):
        # a worker thread runs outside the loop
        await anyio.to_thread.run_sync(current_task_outside)


@lesson.demo(in_video=False)
async def lifecycle():
    """a task's states: pending, then a result, an exception, or cancelled"""
    async with anyio.create_task_group() as tg:
        ok = tg.start_soon(compute)
        gone = tg.start_soon(sleeper)

        # The body has not awaited yet: ok is pending, it has no value to give.
        print("ok.status:", ok.status.name)
        try:
            print("ok.return_value:", ok.return_value)
        except anyio.TaskNotFinished as exc:
            print("ok.return_value raises", repr(exc))

        # Half a second later, cancel gone: cancel() only asks; the task is
        # cancelled once it has woken up to the cancellation.
        await anyio.sleep(0.5)
        gone.cancel()
        print("gone.status:", gone.status.name)

    # The block ends when both tasks have: ok at 1 s.
    print("ok.status:", ok.status.name)
    print("ok.return_value:", ok.return_value)
    print("gone.status:", gone.status.name)

    # A task that raises: its task group cancels the others, waits for them,
    # then raises an ExceptionGroup; except* takes the ValueError out of it
    # (anything else would go on up).
    try:
        async with anyio.create_task_group() as tg:
            ko = tg.start_soon(fail)
            other = tg.start_soon(sleeper)
    except* ValueError as group:
        print("caught", type(group).__name__, "of", list(group.exceptions))
    print("ko.status:", ko.status.name)
    print("ko.exception:", repr(ko.exception))
    try:
        print("ko.return_value:", ko.return_value)
    except anyio.TaskFailed as exc:
        print("ko.return_value raises", repr(exc), "from", repr(exc.__cause__))
    print("other.status:", other.status.name)


if __name__ == "__main__":
    lesson.main()

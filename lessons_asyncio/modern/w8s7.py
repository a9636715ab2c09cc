"""w8s7 — Tâches et exceptions (tasks and exceptions).

The video wraps a coroutine in a task before any loop runs: the task is
pending, it is among all the loop's tasks, and since no loop is running there
is no current task.  Here the loop is running when a demo starts: a task
created in a task group is pending until the body awaits, ``all_tasks()``
holds it, and outside the loop (a worker thread, ``asyncio.to_thread``) there
is no current task.  ``lifecycle`` (not in the video) follows tasks to their
end: pending, then done with a ``result()``, or having raised
(``exception()``), or cancelled (``cancelled()``); a task that raises makes
its task group cancel the others and raise an ``ExceptionGroup``, which
``except*`` takes apart.

Not in the video either: ``cancel_once``, a task that catches its
cancellation and goes on.

Timeline of ``lifecycle``: 0 s all pending; 0.5 s ``gone`` is cancelled;
1 s ``ok`` returns 42; 2 s ``ko`` raises, and ``other`` is cancelled.

Run it:
    python -m lessons_asyncio.modern.w8s7              # all demos, in order
    python -m lessons_asyncio.modern.w8s7 cancel_once  # one of them

Differs from the video:
- no task exists before the loop runs: the loop is already running when a
  demo starts (as in ``asyncio.run(main())``).  ``tg.create_task`` makes a
  task, pending until the body reaches an ``await``, and the task group
  keeps it until it ends, before the ``async with`` block does;
- ``all_tasks()`` and ``current_task()`` take no loop: they are asked inside
  the running loop.  ``all_tasks()`` holds every task of the loop, the
  runner's included, so the demo asks whether its task is among them rather
  than printing them all; ``current_task()`` is the demo's own task inside
  the loop, and outside it (in a worker thread) it raises ``RuntimeError``
  (no running event loop) instead of returning ``None``;
- the task gets a name (``name="foo"``) instead of asyncio's counter
  (``Task-7``), which depends on what ran before;
- a task that raises does not go unnoticed: its task group cancels
  ``other`` at once (the video's loop let it run until we cancelled it
  ourselves) and raises an ``ExceptionGroup`` holding the ``ValueError``,
  which ``except* ValueError`` catches;
- ``cancel_once`` (not in the video): asyncio's cancellation is
  edge-triggered: ``task.cancel()`` throws one ``CancelledError`` into the
  task at its next ``await``; a task that catches it and does not raise it
  again goes on, its next ``await`` sleeps as if nothing happened, and it
  ends with a result: ``cancelled()`` is ``False``, only ``cancelling()``
  (3.11+) remembers the request.  That is why a cancellation must never be
  swallowed (``asyncio.timeout`` and ``TaskGroup`` rely on it too).

What anyio adds beyond it:
- level-triggered cancellation: a cancel scope, once cancelled, stays so;
  every ``await`` inside it raises the cancellation again, so the same
  stubborn task, in a cancelled task group, is stopped at its very next
  ``await`` and never prints ``still here`` (tests/test_modern_w8s7.py runs
  it on asyncio and trio); ``CancelScope(shield=True)`` is the explicit way
  to keep working during a cancellation (cleanup);
- ``start_soon`` returns a handle whose ``status`` tells the states apart
  (PENDING, CANCELLING, CANCELLED, FINISHED, FAILED), and
  ``anyio.get_running_tasks()`` describes each task (``TaskInfo``: id, name,
  parent);
- the same code on trio.
"""

import asyncio
from asyncio import all_tasks, current_task

from common.runner import Lesson
from common.shell import echo

lesson = Lesson(__name__)


async def foo():
    pass


# Not in the video: tasks to follow from start to end (lifecycle).
async def compute():
    await asyncio.sleep(1)
    return 42


async def fail():
    await asyncio.sleep(1)
    raise ValueError("bad value")


async def sleeper():
    await asyncio.sleep(10)


def current_task_outside():
    """What asyncio.current_task() says where no loop runs (a worker thread)."""
    try:
        current_task()
    except RuntimeError as exc:
        print("RuntimeError:", exc)


# Not in the video: a task that swallows its cancellation (cancel_once).
async def stubborn():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        # the pitfall: caught, and not raised again
        print("stubborn: cancelled, and carries on")
    await asyncio.sleep(1)
    print("stubborn: still here")
    return "done anyway"


@lesson.demo(name="tasks")
async def demo_tasks():
    """a task not run yet is pending; all_tasks(); no current task outside the loop"""
    async with asyncio.TaskGroup() as tg:
        task = tg.create_task(foo(), name="foo")

        # not run yet: the body has not awaited since it created it
        echo(task)

        # attention : retourne un set (careful: returns a set), of every task
        # of the running loop, the runner's and this demo's own included
        tasks = all_tasks()

        echo(task in tasks)
        # inside the loop there is always a current task: this demo's
        echo(current_task() in tasks)

        # et comme on n'est pas dans la boucle (and since we are not in the
        # loop): a worker thread runs outside it
        await asyncio.to_thread(current_task_outside)


@lesson.demo(in_video=False)
async def lifecycle():
    """a task's states: pending, then a result, an exception, or cancelled"""
    async with asyncio.TaskGroup() as tg:
        ok = tg.create_task(compute())
        gone = tg.create_task(sleeper())

        # The body has not awaited yet: ok is pending, it has no result to give.
        print("ok.done():", ok.done())
        try:
            print("ok.result():", ok.result())
        except asyncio.InvalidStateError as exc:
            print("ok.result() raises", repr(exc))

        # Half a second later, cancel gone: cancel() only asks; the task is
        # cancelled once the loop has thrown CancelledError into it.
        await asyncio.sleep(0.5)
        gone.cancel()
        print("gone.cancelled():", gone.cancelled())
    # The block ends when both tasks have: ok at 1 s.
    print("ok.done():", ok.done())
    print("ok.result():", ok.result())
    print("gone.cancelled():", gone.cancelled())

    # A task that raises: its task group cancels the others, waits for them,
    # then raises an ExceptionGroup; except* takes the ValueError out of it
    # (anything else would go on up).
    try:
        async with asyncio.TaskGroup() as tg:
            ko = tg.create_task(fail())
            other = tg.create_task(sleeper())
    except* ValueError as group:
        print("caught", type(group).__name__, "of", list(group.exceptions))
    print("ko.exception():", repr(ko.exception()))
    try:
        print("ko.result():", ko.result())
    except ValueError as exc:
        print("ko.result() raises", repr(exc))
    print("other.cancelled():", other.cancelled())


@lesson.demo(in_video=False)
async def cancel_once():
    """a task that catches its cancellation goes on: asyncio cancels once

    Not in the video.  At 0.5 s the task is cancelled while it sleeps; it
    catches the ``CancelledError``, sleeps one more second undisturbed, and
    returns at 1.5 s: not cancelled, ``cancelling()`` 1.
    """
    # One task, kept in a variable and awaited.  (Not in a task group: a
    # group that is itself cancelled, by Ctrl-C here, would wait for this
    # task as long as it refuses to stop.)
    task = asyncio.create_task(stubborn())
    try:
        await asyncio.sleep(0.5)
        task.cancel()
        print("cancel() asked")
        # cancel() only asked: the task goes on, and returns at 1.5 s
        result = await task
    finally:
        # stopped itself (Ctrl-C), the demo does not leave its task behind:
        # it asks the task to stop and waits for it, which may take the
        # stubborn task's second sleep (the lesson: it delays Ctrl-C too)
        if not task.done():
            task.cancel()
            await task
    print("task.result():", result)
    print("task.cancelled():", task.cancelled())
    print("task.cancelling():", task.cancelling())


if __name__ == "__main__":
    lesson.main()

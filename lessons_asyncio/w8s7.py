"""w8s7 — Tâches et exceptions (tasks and exceptions).

The video wraps a coroutine in a task with ``ensure_future`` before any loop
runs: the task is pending, it is among all the loop's tasks, and since no
loop is running there is no current task.  ``lifecycle`` (not in the video)
follows tasks to their end: pending, then done with a ``result()``, or having
raised (``exception()``), or cancelled (``cancelled()``); a task that raises
stops no other task.

Timeline of ``lifecycle``: 0 s all pending; 0.5 s ``gone`` is cancelled;
1 s ``ok`` returns 42; 2 s ``ko`` raises, ``other`` still runs.

Run it:
    python -m lessons_asyncio.w8s7            # all demos, in the video's order
    python -m lessons_asyncio.w8s7 lifecycle  # one of them
"""

import asyncio

# The video imports Task for Task.all_tasks() and task.current_task(): both
# were removed in Python 3.9 (deprecated since 3.7) for these two functions.
from asyncio import all_tasks, current_task, ensure_future, get_event_loop

from common.runner import Lesson

# echo(value) prints what the video's IDLE shell shows when an expression is
# typed (a script shows nothing), memory addresses masked as 0x….
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


@lesson.demo(name="tasks")
def demo_tasks():
    """a task made before the loop runs is pending; no current task outside the loop"""
    # The video's task = … and tasks = … are top-level code of its file (F5);
    # here they run with the demo, so that nothing runs at import.
    task = ensure_future(foo())

    echo(task)

    # attention : retourne un set (careful: returns a set)
    # Task.all_tasks() was removed in Python 3.9; all_tasks() alone raises: no loop runs
    tasks = all_tasks(get_event_loop())

    echo(tasks)
    echo(task in tasks)

    # et comme on n'est pas dans la boucle (and since we are not in the loop)
    # task.current_task() was removed in Python 3.9; current_task() alone raises: no loop runs
    print(current_task(get_event_loop()))


@lesson.demo(in_video=False)
def lifecycle():
    """a task's states: pending, then a result, an exception, or cancelled"""
    loop = get_event_loop()
    ok = ensure_future(compute())
    gone = ensure_future(sleeper())

    # The loop has not run yet: ok is pending, it has no result to give.
    print("ok.done():", ok.done())
    try:
        print("ok.result():", ok.result())
    except asyncio.InvalidStateError as exc:
        print("ok.result() raises", repr(exc))

    # Half a second later, cancel gone: cancel() only asks; the task is
    # cancelled once the loop has thrown CancelledError into it.
    loop.run_until_complete(asyncio.sleep(0.5))
    gone.cancel()
    print("gone.cancelled():", gone.cancelled())

    loop.run_until_complete(asyncio.wait([ok, gone]))
    print("ok.done():", ok.done())
    print("ok.result():", ok.result())
    print("gone.cancelled():", gone.cancelled())

    # A task that raises keeps its exception: exception() returns it,
    # result() raises it again.  The other task is not stopped by it.
    ko = ensure_future(fail())
    other = ensure_future(sleeper())
    loop.run_until_complete(asyncio.wait([ko, other], return_when=asyncio.FIRST_EXCEPTION))
    print("ko.exception():", repr(ko.exception()))
    try:
        print("ko.result():", ko.result())
    except ValueError as exc:
        print("ko.result() raises", repr(exc))
    print("other.done():", other.done())

    # Nobody else will stop it: we must, and wait until it is cancelled.
    other.cancel()
    loop.run_until_complete(asyncio.wait([other]))
    print("other.cancelled():", other.cancelled())


if __name__ == "__main__":
    lesson.main()

"""w8s2 — Quelques exemples simples (a few simple examples).

The video defines a coroutine function that runs "by pieces": it prints, then
hands control back to the event loop at each ``await``.  Calling it runs
nothing; the loop runs it.  Two of them in a task group interleave at every
``await``.  ``famine`` shows what not to do: a blocking ``time.sleep`` keeps
control, and the other task starves until it is over.

Not in the video: ``eager``, the same two tasks started eagerly
(``asyncio.eager_task_factory``, Python 3.12+).

Run it:
    python -m lessons_asyncio.modern.w8s2            # all demos, in order
    python -m lessons_asyncio.modern.w8s2 famine     # one of them

Differs from the video:
- no loop to get: each demo is a coroutine function that simply awaits, run
  by the runner as ``asyncio.run`` runs a ``main()``;
- ``gather`` becomes an ``asyncio.TaskGroup``: the ``async with`` block does
  not end before both tasks have, and if one failed the other would be
  cancelled (``gather`` lets it run on); the results are read from the tasks,
  into the list that ``gather`` returned;
- ``famine`` starves the other task as in the video: a task group cannot
  take control back from code that does not ``await`` (w8s9 shows the fixes);
- ``eager`` (not in the video): with ``asyncio.eager_task_factory`` (3.12+)
  ``create_task`` runs the coroutine at once, up to its first ``await``, so
  ``run1 début`` and ``run2 début`` come before the line that follows the
  two ``create_task``; by default (lazy) they come after it, when the body
  awaits.  Python 3.11 has no eager tasks: the demo shows the lazy order,
  then says so.

What anyio adds beyond it:
- ``start_soon`` returns a handle whose ``return_value`` is the task's
  result (asyncio's ``Task.result()`` is the same idea);
- the same code on trio, which promises no order among tasks that wake at
  the same instant (``run1`` and ``run2`` may swap): code that relies on
  asyncio's first in, first out is caught there;
- a task group is also a cancel scope (``tg.cancel_scope.cancel()``), with
  level-triggered cancellation (see w8s7's ``cancel_once``); anyio has no
  eager start.
"""

import asyncio
import sys
import time

from common.runner import Lesson
from common.shell import echo

lesson = Lesson(__name__)

#: asyncio.eager_task_factory is new in Python 3.12 (None on 3.11).
EAGER_TASK_FACTORY = getattr(asyncio, "eager_task_factory", None)


async def morceaux(message):
    # On appelle le code synchrone normalement (plain code is just called)
    print(message, "début")
    # avec await on rend la main (with await, control goes back to the loop)
    await asyncio.sleep(0.5)

    print(message, "milieu")
    await asyncio.sleep(1)

    print(message, "fin")
    return f'{message} par morceaux'


# Exemple de ce qu'il ne faut pas faire (an example of what not to do)
async def famine(message):

    print(message, "début")
    # avec await on rend la main (with await, control goes back to the loop)
    await asyncio.sleep(0.5)

    print(message, "milieu")
    # on garde la main au lieu de la rendre (we keep control instead)
    time.sleep(1)  # noqa: ASYNC251 (the pitfall this demo shows)

    print(message, "fin")
    return f'{message} par famine'


async def both(function):
    """run1 and run2 in a task group: their results, as gather gives them."""
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(function("run1")), tg.create_task(function("run2"))]
    return [task.result() for task in tasks]


# Not in the video: two tasks created, then a line, then the body awaits.
async def created_then_awaited():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(morceaux("run1"))
        tg.create_task(morceaux("run2"))
        print("both tasks created")


@lesson.demo(name="morceaux")
async def demo_morceaux():
    """calling morceaux() runs nothing; the event loop runs it, by pieces"""
    echo(morceaux)
    coro = morceaux("run")
    echo(coro)
    # Not in the video: a coroutine object that is dropped unrun makes Python
    # warn "coroutine 'morceaux' was never awaited"; closing it says we meant it.
    coro.close()

    echo(await morceaux("run"))


@lesson.demo
async def gather():
    """two morceaux interleaved in a task group: one await at a time each"""
    echo(await both(morceaux))


@lesson.demo(name="famine")
async def demo_famine():
    """time.sleep() inside a coroutine keeps the loop: the other one starves"""
    echo(await both(famine))


@lesson.demo(in_video=False)
async def eager():
    """the same two tasks, lazy then eager: when does run1 début print?

    Not in the video: eager tasks are new in Python 3.12.
    """
    print("lazy (the default):")
    await created_then_awaited()

    if EAGER_TASK_FACTORY is None:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        print(f"eager: asyncio.eager_task_factory is new in Python 3.12, this is {version}")
        return
    print("eager (asyncio.eager_task_factory):")
    # for this block only: every task of the loop created meanwhile starts eagerly
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    loop.set_task_factory(EAGER_TASK_FACTORY)
    try:
        await created_then_awaited()
    finally:
        loop.set_task_factory(previous)


if __name__ == "__main__":
    lesson.main()

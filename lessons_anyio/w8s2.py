"""w8s2 — Quelques exemples simples (a few simple examples).

The video defines a coroutine function that runs "by pieces": it prints, then
hands control back to the event loop at each ``await``.  Calling it runs
nothing; the loop runs it.  Two of them in a task group interleave at every
``await``.  ``famine`` shows what not to do: a blocking ``time.sleep`` keeps
control, and the other task starves until it is over.

Run it:
    python -m lessons_anyio.w8s2 --backend trio          # all demos, in order
    python -m lessons_anyio.w8s2 famine --backend trio   # one of them

Differs from the asyncio version:
- no loop to get: the runner calls ``anyio.run``, and each demo is a coroutine
  function that simply awaits;
- ``gather`` becomes a task group: the ``async with`` block does not end
  before both tasks have, and each task's result is read from the handle that
  ``start_soon`` returns (anyio ≥ 4.14) instead of a list built by ``gather``;
- trio does not promise which of two tasks that wake at the same instant runs
  first: ``run1`` and ``run2`` may print in either order at 0, 0.5 and 1.5 s;
- ``famine`` starves the other task on trio as on asyncio: no library can take
  control back from code that does not ``await`` (w8s9 shows the fixes).
"""

import time

import anyio

from common.runner import Lesson

# echo(value) prints what the video's IDLE shell shows when an expression is
# typed (a script shows nothing), memory addresses masked as 0x….
from common.shell import echo

lesson = Lesson(__name__)


async def morceaux(message):
    # On appelle le code synchrone normalement (plain code is just called)
    print(message, "début")
    # avec await on rend la main (with await, control goes back to the loop)
    await anyio.sleep(0.5)

    print(message, "milieu")
    await anyio.sleep(1)

    print(message, "fin")
    return f'{message} par morceaux'


# Exemple de ce qu'il ne faut pas faire (an example of what not to do)
async def famine(message):

    print(message, "début")
    # avec await on rend la main (with await, control goes back to the loop)
    await anyio.sleep(0.5)

    print(message, "milieu")
    # on garde la main au lieu de la rendre (we keep control instead)
    time.sleep(1)  # noqa: ASYNC251 (the pitfall this demo shows)

    print(message, "fin")
    return f'{message} par famine'


@lesson.demo(name="morceaux")
async def demo_morceaux():
    """calling morceaux() runs nothing; the event loop runs it, by pieces"""
    echo(morceaux)

    # The IDLE shell echoes morceaux("run") and keeps it in `_`, its last value:
    # the coroutine, never run, lives on until the shell drops it, just before
    # it echoes the next value.  Python then warns on stderr "RuntimeWarning:
    # coroutine 'morceaux' was never awaited".  The demo keeps it the same way.
    _ = morceaux("run")
    echo(_)

    value = await morceaux("run")
    _ = None  # the shell drops the unrun coroutine: Python's warning, here
    echo(value)


@lesson.demo
async def gather():
    """two morceaux interleaved in a task group: one await at a time each"""
    async with anyio.create_task_group() as tg:
        run1 = tg.start_soon(morceaux, "run1")
        run2 = tg.start_soon(morceaux, "run2")
    # leaving the block waited for both: their results are ready
    echo([run1.return_value, run2.return_value])


@lesson.demo(name="famine")
async def demo_famine():
    """time.sleep() inside a coroutine keeps the loop: the other one starves"""
    async with anyio.create_task_group() as tg:
        run1 = tg.start_soon(famine, "run1")
        run2 = tg.start_soon(famine, "run2")
    # leaving the block waited for both: their results are ready
    echo([run1.return_value, run2.return_value])


if __name__ == "__main__":
    lesson.main()

"""w8s2 — Quelques exemples simples (a few simple examples).

The video defines a coroutine function that runs "by pieces": it prints, then
hands control back to the event loop at each ``await``.  Calling it runs
nothing; the loop runs it.  Two of them under ``asyncio.gather`` interleave at
every ``await``.  ``famine`` shows what not to do: a blocking ``time.sleep``
keeps control, and the other coroutine starves until it is over.

Run it:
    python -m lessons_asyncio.w8s2            # all demos, in the video's order
    python -m lessons_asyncio.w8s2 famine     # one of them
"""

import asyncio
import time

from common.runner import Lesson

# echo(value) prints what the video's IDLE shell shows when an expression is
# typed (a script shows nothing), memory addresses masked as 0x….
from common.shell import echo

lesson = Lesson(__name__)


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


@lesson.demo(name="morceaux")
def demo_morceaux():
    """calling morceaux() runs nothing; the event loop runs it, by pieces"""
    echo(morceaux)

    # The IDLE shell echoes morceaux("run") and keeps it in `_`, its last value:
    # the coroutine, never run, lives on until the shell drops it, just before
    # it echoes the next value.  Python then warns on stderr "RuntimeWarning:
    # coroutine 'morceaux' was never awaited".  The demo keeps it the same way.
    _ = morceaux("run")
    echo(_)

    loop = asyncio.get_event_loop()

    value = loop.run_until_complete(morceaux("run"))
    _ = None  # the shell drops the unrun coroutine: Python's warning, here
    echo(value)


@lesson.demo
def gather():
    """two morceaux interleaved by asyncio.gather: one await at a time each"""
    loop = asyncio.get_event_loop()

    echo(loop.run_until_complete(
        asyncio.gather(morceaux("run1"),
                       morceaux("run2"))))


@lesson.demo(name="famine")
def demo_famine():
    """time.sleep() inside a coroutine keeps the loop: the other one starves"""
    loop = asyncio.get_event_loop()

    echo(loop.run_until_complete(
        asyncio.gather(famine("run1"),
                       famine("run2"))))


if __name__ == "__main__":
    lesson.main()

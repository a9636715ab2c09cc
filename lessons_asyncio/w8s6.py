"""w8s6 — Boucles d'événements (event loops).

The video first shows the course's timer helper, then what an event loop does
with the tasks it is given.  ``c1`` starts, and after one second "forks" ``c2``
with ``asyncio.ensure_future``: the new task runs alongside ``c1`` in the same
loop.  ``run_forever()`` never returns by itself: the video stops it with
Ctrl-C (the ``bye``); the runner's bound (3.5 s, ``--duration``) presses Ctrl-C
in the same way.  In the second version ``c2_stop`` stops the loop itself
with ``loop.stop()``, so ``run_forever()`` returns and ``done`` is printed.

Timeline of ``fork`` and ``fork_stop``: ``>>> c1`` 0 s, ``forking`` 1 s,
``>>> c2`` 1 s, ``<<< c1`` 2 s, ``<<< c2`` 3 s.

Run it:
    python -m lessons_asyncio.w8s6                  # all demos, in the video's order
    python -m lessons_asyncio.w8s6 fork             # runs forever: bye at Ctrl-C or 3.5 s
    python -m lessons_asyncio.w8s6 fork --duration 10
"""

import asyncio
import time

from common.runner import Lesson

# pour remplacer 'from asynchelpers import start_timer, show_timer' (to replace
# that import): the video pastes the course's helper here.  common.timer is that
# helper, shared; same names, same output, three differences: it reads the clock
# of the loop that runs the demo (virtual in the tests), not datetime.now(); it
# rounds the elapsed time to the millisecond where the helper truncates
# (delta.microseconds // 1000); it keeps the start in a context variable, not
# the global glo_start.  The pasted block's sequence() is unused in the video;
# its reset_loop() is the runner's job (see fork_stop).
from common.timer import show_timer, start_timer

lesson = Lesson(__name__)


async def c1():
    show_timer(">>> c1")
    await asyncio.sleep(1)
    show_timer("forking")
    # fork (keeping no reference to the task, as the video does: asyncio's docs
    # ask for one, the loop holds its tasks only weakly; ruff's RUF006)
    asyncio.ensure_future(c2())  # noqa: RUF006 (the video's fire-and-forget)
    await asyncio.sleep(1)
    show_timer("<<< c1")


# sera forkée par c1() après une seconde (will be forked by c1() after one second)
async def c2():
    show_timer(">>> c2")
    await asyncio.sleep(2)
    show_timer("<<< c2")


async def c1_stop():
    show_timer(">>> c1")
    await asyncio.sleep(1)
    show_timer("forking")
    # fork (no reference kept, as in c1)
    asyncio.ensure_future(c2_stop())  # noqa: RUF006 (the video's fire-and-forget)
    await asyncio.sleep(1)
    show_timer("<<< c1")


# sera forkée par c1_stop() après une seconde (will be forked by c1_stop() after one second)
async def c2_stop():
    show_timer(">>> c2")
    await asyncio.sleep(2)
    show_timer("<<< c2")
    # attention c'est une méthode bloquante (careful, this is a blocking method):
    # stop() itself returns at once; the loop ends the round of callbacks it is
    # running, then run_forever() returns.
    asyncio.get_event_loop().stop()


@lesson.demo
def timer():
    """the timer helper itself: zero, one blocking second, then the message"""
    # pour démonstration de l'utilitaire (to demonstrate the helper)
    start_timer()

    time.sleep(1)

    show_timer('message')


@lesson.demo(forever=3.5)
def fork():
    """c1 forks c2 after one second; the loop runs forever (Ctrl-C: bye)"""
    # The video runs these lines at the file's top level (F5); here they run
    # when the demo does, so that nothing runs at import and it can run again.
    asyncio.ensure_future(c1())  # noqa: RUF006 (the video's fire-and-forget)

    start_timer()

    # interrompre après 2s (interrupt after 2 s)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        print("bye")


# The bound (3.5 s, as fork's) is a safety net for run_forever(): the demo
# stops itself at 3 s, before it.
@lesson.demo(forever=3.5)
def fork_stop():
    """the same, but c2_stop stops the loop itself at 3 s, then done"""
    # réinitialisation de la boucle (resetting the loop): the video types
    # asyncio.set_event_loop(asyncio.new_event_loop()) in the shell, between
    # fork and this, so that what fork left in its loop does not run again.
    # The runner gives every demo a fresh loop, that same reset; typed here, it
    # would replace the runner's loop (its virtual clock and its bound).
    # (Top-level code in the video, as fork's.)
    asyncio.ensure_future(c1_stop())  # noqa: RUF006 (the video's fire-and-forget)

    start_timer()

    # s'arrête tout seul (stops by itself)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        print("bye")

    print("done")


if __name__ == "__main__":
    lesson.main()

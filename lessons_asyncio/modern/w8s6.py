"""w8s6 — Boucles d'événements (event loops).

The video first shows the course's timer helper, then what an event loop does
with the tasks it is given.  ``c1`` starts, and after one second "forks" ``c2``:
here into the task group it was handed, so ``c2`` runs alongside ``c1`` in the
same loop.  The task group's body waits forever: the runner stops it at its
bound, or Ctrl-C does (the ``bye``).  In the second version ``c2_stop`` says
"stop" by setting an event that the body waits for, so the task group ends
and ``done`` is printed.

Timeline of ``fork`` and ``fork_stop``: ``>>> c1`` 0 s, ``forking`` 1 s,
``>>> c2`` 1 s, ``<<< c1`` 2 s, ``<<< c2`` 3 s.

Run it:
    python -m lessons_asyncio.modern.w8s6                  # all demos, in order
    python -m lessons_asyncio.modern.w8s6 fork             # runs forever: Ctrl-C (bye), or 3.5 s
    python -m lessons_asyncio.modern.w8s6 fork --duration 10

Differs from the video:
- no loop to get, run or reset: each demo is a coroutine function, run by
  the runner in a loop of its own as ``asyncio.run`` would (the video's
  ``set_event_loop(new_event_loop())`` has nothing left to do);
- ``ensure_future`` hands a task to the loop, where nobody waits for it and
  nothing keeps it (ruff's RUF006); ``tg.create_task`` puts it in an
  ``asyncio.TaskGroup``, which keeps it and does not end while it runs:
  ``c1`` is handed the task group and creates ``c2`` in it;
- ``run_forever()`` becomes an ``await`` on an event that nobody sets; the
  runner bounds it (3.5 s, ``--duration``) or Ctrl-C stops it by cancelling
  the demo's task, as ``asyncio.run`` does on Ctrl-C: the body gets a
  ``CancelledError``, the task group cancels its tasks and passes it on.
  The demo prints ``bye`` only when the cancellation came from Ctrl-C, as
  the seed does, and never swallows it;
- ``loop.stop()`` becomes ``stop.set()``: the body waits for that event, then
  leaves the block, and the task group waits for what still runs in it (here
  nothing: ``c2_stop`` has ended) instead of leaving tasks pending in a
  stopped loop; ``done`` follows the task group;
- on Ctrl-C during ``fork_stop`` the demo prints ``bye`` but not ``done``: a
  cancelled task stops there, whereas the seed's ``except
  KeyboardInterrupt`` swallows the interrupt and goes on to ``done``;
- ``timer`` runs inside the event loop, as every demo does: its
  ``time.sleep(1)`` holds the loop, harmless here since nothing else runs.

What anyio adds beyond it:
- a task group is a cancel scope: ``tg.cancel_scope.cancel()`` stops the
  body and every task of the group at once, from anywhere, without an event
  to set and wait for (asyncio's ``TaskGroup`` of 3.11–3.13 has no public
  ``cancel()``; an exception raised in a task also ends the group, as a
  failure);
- ``anyio.sleep_forever()`` says what the body does;
- the same code on trio.
"""

import asyncio
import time

from common.runner import Lesson, interrupted

# pour remplacer 'from asynchelpers import start_timer, show_timer' (to replace
# that import): the video pastes the helper here; common.timer is that helper,
# shared by the lessons.  The pasted block also defines sequence(), unused in
# this video, and reset_loop(), which has nothing left to do (see fork_stop).
from common.timer import show_timer, start_timer

lesson = Lesson(__name__)


async def c1(tg):
    show_timer(">>> c1")
    await asyncio.sleep(1)
    show_timer("forking")
    # fork: into the task group c1 was handed, which keeps the task
    tg.create_task(c2())
    await asyncio.sleep(1)
    show_timer("<<< c1")


# sera forkée par c1() après une seconde (will be forked by c1() after one second)
async def c2():
    show_timer(">>> c2")
    await asyncio.sleep(2)
    show_timer("<<< c2")


async def c1_stop(tg, stop):
    show_timer(">>> c1")
    await asyncio.sleep(1)
    show_timer("forking")
    # fork: into the task group c1_stop was handed; c2_stop gets the event
    tg.create_task(c2_stop(stop))
    await asyncio.sleep(1)
    show_timer("<<< c1")


# sera forkée par c1_stop() après une seconde (will be forked by c1_stop() after one second)
async def c2_stop(stop):
    show_timer(">>> c2")
    await asyncio.sleep(2)
    show_timer("<<< c2")
    # attention c'est une méthode bloquante (careful, this is a blocking
    # method, said of loop.stop()): set() does not block either; the body,
    # which waits for the event, goes on at the loop's next turn.
    stop.set()


@lesson.demo
async def timer():
    """the timer helper itself: zero, one blocking second, then the message"""
    # pour démonstration de l'utilitaire (to demonstrate the helper)
    start_timer()

    # blocking, as in the video: nothing else runs, so holding the loop for a
    # second harms no one here (with other tasks, ruff's ASYNC251 would be right)
    time.sleep(1)  # noqa: ASYNC251 (the video's blocking second)

    show_timer('message')


@lesson.demo(forever=3.5)
async def fork():
    """c1 forks c2 after one second; the loop runs forever (Ctrl-C: bye)"""
    async with asyncio.TaskGroup() as tg:
        tg.create_task(c1(tg))

        start_timer()

        # interrompre après 2s (interrupt after 2 s)
        try:
            # the seed's run_forever(): an event that nobody sets
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            # the bound and Ctrl-C both cancel; the video says bye to Ctrl-C
            if interrupted():
                print("bye")
            # a cancellation is never swallowed: it must reach the runner
            raise


# The bound (3.5 s, as fork's) is a safety net: the demo stops itself at 3 s.
@lesson.demo(forever=3.5)
async def fork_stop():
    """the same, but c2_stop stops the loop itself at 3 s, then done"""
    # réinitialisation de la boucle (resetting the loop): nothing to reset,
    # every demo runs in a loop of its own (the runner's job).
    stop = asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(c1_stop(tg, stop))

        start_timer()

        # s'arrête tout seul (stops by itself): when c2_stop sets the event
        try:
            await stop.wait()
        except asyncio.CancelledError:
            if interrupted():
                print("bye")
            raise
    # the task group waited for its tasks: nothing is left behind
    print("done")


if __name__ == "__main__":
    lesson.main()

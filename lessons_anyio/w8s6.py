"""w8s6 — Boucles d'événements (event loops).

The video first shows the course's timer helper, then what an event loop does
with the tasks it is given.  ``c1`` starts, and after one second "forks" ``c2``:
here into the task group it was handed, so ``c2`` runs alongside ``c1`` as its
sibling.  The task group's body sleeps forever: Ctrl-C stops it (the
``bye``), or the runner's bound (3.5 s, ``--duration``), which presses Ctrl-C
in the same way.  In the second version ``c2_stop`` stops
everything itself by cancelling the task group's scope, so the task group
ends and ``done`` is printed.

Timeline of ``fork`` and ``fork_stop``, on every backend: ``>>> c1`` 0 s,
``forking`` 1 s, ``>>> c2`` 1 s, ``<<< c1`` 2 s, ``<<< c2`` 3 s.

Run it:
    python -m lessons_anyio.w8s6 --backend trio          # all demos, in order
    python -m lessons_anyio.w8s6 fork --backend trio     # runs forever: bye at Ctrl-C or 3.5 s
    python -m lessons_anyio.w8s6 fork --duration 10

Differs from the asyncio version:
- no loop to get, run or reset: the runner calls ``anyio.run`` for each demo
  (the video's ``set_event_loop(new_event_loop())`` has nothing left to do);
- ``ensure_future`` hands a task to the loop, where nobody waits for it;
  ``tg.start_soon`` puts it in a task group, and the ``async with`` block does
  not end while one of its tasks runs: ``c1`` is handed the task group (the
  anyio way to let a task start others) and starts ``c2`` in it.  The task
  group also holds its tasks, where the video keeps no reference to the
  tasks of ``ensure_future`` (asyncio's docs ask for one; ruff's RUF006);
- ``run_forever()`` becomes ``await anyio.sleep_forever()`` in the task
  group's body; the runner bounds it (3.5 s, ``--duration``) by cancelling
  the demo's scope, which cancels the body and every task of the group;
- Ctrl-C is not a ``KeyboardInterrupt`` inside the port: the runner turns it,
  and the bound, into a cancellation of the demo.  The port catches the
  cancellation, prints ``bye`` only if it came from Ctrl-C or the bound
  (asked with ``common.runner.interrupted()``), not from a cancel scope of
  its own (``fork_stop``'s), so that both versions print ``bye`` on the same
  occasions, and lets the cancellation go on;
- ``loop.stop()`` becomes ``tg.cancel_scope.cancel()``: it stops the body's
  ``sleep_forever()`` and whatever is still running in the group, so no task
  is left behind in a stopped loop; ``done`` follows the task group;
- on Ctrl-C during ``fork_stop`` the port prints ``bye`` but not ``done``: a
  cancelled demo stops there, whereas the seed's ``except KeyboardInterrupt``
  swallows the interrupt and goes on to ``done``;
- ``timer`` runs inside the event loop, as every port demo does: its
  ``time.sleep(1)`` holds the loop, harmless here since nothing else runs
  (in a task, ``await anyio.sleep(1)``: see w8s2's ``famine``).
"""

import time

import anyio

from common.runner import Lesson, interrupted

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


async def c1(tg):
    show_timer(">>> c1")
    await anyio.sleep(1)
    show_timer("forking")
    # fork: into the task group c1 was handed, where c2 runs as its sibling
    tg.start_soon(c2)
    await anyio.sleep(1)
    show_timer("<<< c1")


# sera forkée par c1() après une seconde (will be forked by c1() after one second)
async def c2():
    show_timer(">>> c2")
    await anyio.sleep(2)
    show_timer("<<< c2")


async def c1_stop(tg):
    show_timer(">>> c1")
    await anyio.sleep(1)
    show_timer("forking")
    # fork: into the task group c1_stop was handed, and c2_stop gets it too
    tg.start_soon(c2_stop, tg)
    await anyio.sleep(1)
    show_timer("<<< c1")


# sera forkée par c1_stop() après une seconde (will be forked by c1_stop() after one second)
async def c2_stop(tg):
    show_timer(">>> c2")
    await anyio.sleep(2)
    show_timer("<<< c2")
    # attention c'est une méthode bloquante (careful, this is a blocking method,
    # said of loop.stop()): cancel() does not block either; it marks the scope
    # cancelled, and every task in it stops at its next await, here the body's
    # sleep_forever() (c2_stop itself ends first: it has no await left).
    tg.cancel_scope.cancel()


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
    async with anyio.create_task_group() as tg:
        tg.start_soon(c1, tg)

        start_timer()

        # interrompre après 2s (interrupt after 2 s)
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            # Ctrl-C, or the bound pressing it: the video's bye
            if interrupted():
                print("bye")
            # a cancellation is never swallowed: it must reach its scope
            raise


# The bound (3.5 s, as fork's) is a safety net for sleep_forever(): the demo
# stops itself at 3 s, before it.
@lesson.demo(forever=3.5)
async def fork_stop():
    """the same, but c2_stop stops the loop itself at 3 s, then done"""
    # réinitialisation de la boucle (resetting the loop): nothing to reset,
    # every demo runs in its own anyio.run (the runner's job).
    async with anyio.create_task_group() as tg:
        tg.start_soon(c1_stop, tg)

        start_timer()

        # s'arrête tout seul (stops by itself)
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            # c2_stop's cancel() ends up here too: no bye for that one
            if interrupted():
                print("bye")
            raise

    # the task group's own cancellation stops at the task group: we go on
    print("done")


if __name__ == "__main__":
    lesson.main()

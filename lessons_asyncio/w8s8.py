"""w8s8 — La librairie asyncio (the asyncio library: queues, limiting concurrency).

The video opens the help of ``asyncio.Queue``, then uses a queue of size 1
between a producer, which puts a ``tick`` every second, and a consumer, which
prints what it gets, until Ctrl-C.  Then a queue of size 4 becomes a window of
4 tokens: each of 8 jobs puts a token before it works and takes one back
after, so that at most 4 jobs run at a time, the others waiting in ``put()``.

Run it:
    python -m lessons_asyncio.w8s8                       # all demos, in order
    python -m lessons_asyncio.w8s8 window                # one of them
    python -m lessons_asyncio.w8s8 producer_consumer --duration 10
"""

import asyncio

from common.helpsummary import help_summary
from common.runner import Lesson

# pour remplacer 'from asynchelpers import start_timer, show_timer' (to replace
# that import): the video pastes the course's helper here.  common.timer is that
# helper, shared; same names, same output, three differences: it reads the clock
# of the loop that runs the demo (virtual in the tests), not datetime.now(); it
# rounds the elapsed time to the millisecond where the helper truncates
# (delta.microseconds // 1000); it keeps the start in a context variable, not
# the global glo_start.  The pasted block's sequence() is unused in the video;
# its reset_loop() is the runner's job (see window).
from common.timer import show_timer, start_timer

lesson = Lesson(__name__)


async def producer(queue):
    count = 1
    while True:
        await queue.put(f'tick{count}')
        count += 1
        await asyncio.sleep(1)


async def consumer(queue):
    while True:
        received = await queue.get()
        show_timer(f"got {received}")


@lesson.demo
def queue_help():
    """the help of asyncio.Queue: its docstring and methods (IPython's Queue?)"""
    # The video types `asyncio.Queue?` in IPython.  help() would add every
    # dunder and inherited member and open a pager; this is the part to read.
    print(help_summary(asyncio.Queue))


@lesson.demo(forever=5.5)
def producer_consumer():
    """a queue of size 1 between a producer and a consumer: one tick a second"""
    # The seed creates the queue, and starts the tasks, at the file's top
    # level: here when the demo runs (nothing at import, a queue per run).
    queue = asyncio.Queue(maxsize=1)

    # on ajoute les coroutines dans la boucle (the coroutines go into the loop)
    asyncio.ensure_future(producer(queue))  # noqa: RUF006 (nothing keeps the task)
    asyncio.ensure_future(consumer(queue))  # noqa: RUF006 (nothing keeps the task)

    start_timer()

    # interrompre avec la touche 'i' (interrupt with the 'i' key: the
    # notebook's i, i; here Ctrl-C)
    # plusieurs fois si nécessaire (several times if needed; here once is
    # enough).  The runner also stops the loop after --duration seconds.
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt as e:  # noqa: F841 (the seed's unused name)
        print("bye")


@lesson.demo(name="window", forever=5.5)
def demo_window():
    """8 jobs of 1 to 3 s, at most 4 at a time: a queue of size 4 as a window"""
    # Réinitialisation de la boucle (resetting the loop): the video types
    # asyncio.set_event_loop(asyncio.new_event_loop()) in the shell before this
    # step, so that producer and consumer do not run again.  The runner gives
    # every demo a fresh loop, that same reset; typed here, it would replace
    # the runner's loop (its virtual clock and its bound).

    # The video's window and job() are top-level code of the file: here they
    # are made when the demo runs (nothing runs at import, and each run's
    # queue belongs to that run's loop); job() is as typed, reading the window
    # around it as it read the file's global.
    #limiter le parallèlisme avec Queue (limit parallelism with a Queue)
    window = asyncio.Queue(maxsize = 4)

    async def job(i):
        # prendre un jeton dans la queue (take a token: wait while the queue is full)
        await window.put(None)
        # pas tout le monde la même durée (not everyone the same duration)
        duration = (i % 3) + 1
        message = f"job{i} - duration {duration}"
        show_timer(">>>", message)
        await asyncio.sleep(duration)
        show_timer("<<<", message)
        # libérer le jeton (give the token back: one waiting put() can go on)
        await window.get()

    for i in range(8):
        asyncio.ensure_future(job(i))  # noqa: RUF006 (nothing keeps the task)

    start_timer()
    try:
        asyncio.get_event_loop().run_forever()
    except:  # noqa: E722 (a bare except catches everything, Ctrl-C included)
        print('bye')


if __name__ == "__main__":
    lesson.main()

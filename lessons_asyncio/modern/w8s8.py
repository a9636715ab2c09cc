"""w8s8 — La librairie asyncio (the asyncio library: queues, limiting concurrency).

The video opens the help of ``asyncio.Queue``, then uses a queue of size 1
between a producer, which puts a ``tick`` every second, and a consumer, which
prints what it gets, until Ctrl-C.  Then a window of 4 tokens: each of 8 jobs
takes a token before it works and gives it back after, so that at most 4 jobs
run at a time, the others waiting for a token.  Here the window is an
``asyncio.Semaphore(4)`` and the jobs live in an ``asyncio.TaskGroup``.

Not in the video: ``shutdown``, a producer that says it is done, and
``deadline``, the window under one ``asyncio.timeout()``.

Run it:
    python -m lessons_asyncio.modern.w8s8                    # all demos, in order
    python -m lessons_asyncio.modern.w8s8 window             # one of them
    python -m lessons_asyncio.modern.w8s8 producer_consumer --duration 10

Differs from the video:
- the tasks live in an ``asyncio.TaskGroup`` (``tg.create_task``), not in
  ``ensure_future`` tasks that nobody keeps: the group holds them, and its
  ``async with`` block does not end before they do;
- ``run_forever()`` becomes an ``await`` on an event that nobody sets; the
  runner bounds it (5.5 s, ``--duration``) or Ctrl-C stops it by cancelling
  the demo's task, as ``asyncio.run`` does on Ctrl-C: a ``CancelledError``
  at that ``await``, which the task group passes on to its tasks.  The demo
  prints ``bye`` when the cancellation came from Ctrl-C, as the seed does,
  and lets it go on (a cancellation swallowed is a task that cannot be
  stopped);
- the window is an ``asyncio.Semaphore(4)`` held with ``async with`` (no
  queue of ``None`` to fill and empty), and a cancelled job gives its token
  back; asyncio's semaphore wakes its waiters first in, first out, and the
  group starts the tasks in the order they were created, so the jobs take
  the tokens in the order 0, 1, 2…: the video's timetable;
- the window demo ends when its last job does (the task group waits for
  it), at 5 s, instead of running forever;
- ``shutdown`` (not in the video): the producer ends the queue with
  ``Queue.shutdown()`` (Python 3.13+), and the consumer's ``get()`` raises
  ``QueueShutDown`` once the queue is empty; before 3.13 the producer puts a
  sentinel (``None``) that the consumer knows means the end;
- ``deadline`` (not in the video): ``async with asyncio.timeout(3.5)``
  around the whole window, a block that spans many ``await``: at 3.5 s the
  jobs still running are cancelled and the block raises ``TimeoutError``.

What anyio adds beyond it:
- memory object streams instead of a queue: two ends, each closed by the
  task that owns it, and ``async for`` ends by itself once every sending
  end is closed (what ``Queue.shutdown()`` brings to 3.13, on every
  version, and with several producers);
- ``CapacityLimiter``, which knows who holds its tokens, and
  ``tg.start()`` with ``task_status.started()``: a parent that waits until
  its child is ready (here, holds a token), so the window's order does not
  depend on the scheduler (on trio it would);
- ``move_on_after()``, a deadline that ends the block without an exception
  (``scope.cancelled_caught`` says if it fired), beside ``fail_after()``,
  the ``asyncio.timeout()`` of anyio; and a scope's cancellation is
  level-triggered: a job that catches ``CancelledError`` and goes on is
  cancelled again at its next ``await`` (w8s7's ``cancel_once`` shows
  asyncio's side);
- the same code on trio.
"""

import asyncio

from common.helpsummary import help_summary
from common.runner import Lesson, interrupted

# pour remplacer 'from asynchelpers import start_timer, show_timer' (to
# replace it): the video pastes the helper here; the shared one is the same.
from common.timer import show_timer, start_timer

lesson = Lesson(__name__)

#: Queue.shutdown() is new in Python 3.13; before, a sentinel ends the queue.
HAS_SHUTDOWN = hasattr(asyncio.Queue, "shutdown")


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


# The window is handed to each job (nothing is created at import time).
async def job(i, window):
    # prendre un jeton (take a token: wait while the 4 are taken)
    async with window:
        # pas tout le monde la même durée (not everyone the same duration)
        duration = (i % 3) + 1
        message = f"job{i} - duration {duration}"
        show_timer(">>>", message)
        await asyncio.sleep(duration)
        show_timer("<<<", message)
    # libérer le jeton (give the token back): leaving the block did it, and
    # would do it too if the job were cancelled while it sleeps


# Not in the video: a producer that ends, and a consumer that stops with it.
async def finite_producer(queue, count, shutdown=HAS_SHUTDOWN):
    for i in range(1, count + 1):
        await queue.put(f'tick{i}')
        await asyncio.sleep(1)
    if shutdown:
        # 3.13+: no more put(); get() raises QueueShutDown once the queue is empty
        queue.shutdown()
    else:
        # 3.11-3.12: a sentinel that the consumer knows means the end
        await queue.put(None)


async def finite_consumer(queue, shutdown=HAS_SHUTDOWN):
    while True:
        if shutdown:
            try:
                received = await queue.get()
            except asyncio.QueueShutDown:
                break
        else:
            received = await queue.get()
            if received is None:
                break
        show_timer(f"got {received}")
    show_timer("no more ticks")


@lesson.demo
async def queue_help():
    """the help of asyncio.Queue: its docstring and methods (IPython's Queue?)"""
    # The video types `asyncio.Queue?` in IPython.  help() would add every
    # dunder and inherited member and open a pager; this is the part to read.
    print(help_summary(asyncio.Queue))


@lesson.demo(forever=5.5)
async def producer_consumer():
    """a queue of size 1 between a producer and a consumer: one tick a second"""
    queue = asyncio.Queue(maxsize=1)

    # the tasks start in a task group: its block does not end before they do
    async with asyncio.TaskGroup() as tg:
        tg.create_task(producer(queue))
        tg.create_task(consumer(queue))

        start_timer()

        # the seed's run_forever(): an event that nobody sets.  The runner
        # cancels the demo after --duration seconds or on Ctrl-C, and the
        # task group cancels both tasks.
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            # the bound and Ctrl-C both cancel; the video says bye to Ctrl-C
            if interrupted():
                print("bye")
            # a cancellation is never swallowed: it must reach the runner
            raise


@lesson.demo(name="window")
async def demo_window():
    """8 jobs of 1 to 3 s, at most 4 at a time: a semaphore of 4 tokens"""
    # limiter le parallélisme (limit parallelism) with a semaphore of 4 tokens
    window = asyncio.Semaphore(4)

    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(8):
                tg.create_task(job(i, window))
            start_timer()
        # leaving the block waited for every job: nothing runs forever
    except asyncio.CancelledError:
        # only Ctrl-C cancels this demo (it has no bound): the seed's bye
        if interrupted():
            print('bye')
        raise


@lesson.demo(in_video=False)
async def shutdown():
    """the producer ends the queue, the consumer stops with it (Queue.shutdown)

    Not in the video: its producer and consumer run forever.
    """
    queue = asyncio.Queue(maxsize=1)
    start_timer()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(finite_producer(queue, 3))
        tg.create_task(finite_consumer(queue))


@lesson.demo(in_video=False)
async def deadline():
    """the window under asyncio.timeout(3.5): one deadline for a block of many awaits

    Not in the video: its window has no deadline.
    """
    window = asyncio.Semaphore(4)
    start_timer()
    try:
        # one deadline for the whole block: every await inside counts
        async with asyncio.timeout(3.5):
            async with asyncio.TaskGroup() as tg:
                for i in range(8):
                    tg.create_task(job(i, window))
    except TimeoutError:
        # the jobs still running (5 and 7) were cancelled, their tokens given back
        show_timer("timed out")


if __name__ == "__main__":
    lesson.main()

"""w8s8 — La librairie asyncio (the asyncio library: queues, limiting concurrency).

The video opens the help of ``asyncio.Queue``, then uses a queue of size 1
between a producer, which puts a ``tick`` every second, and a consumer, which
prints what it gets, until Ctrl-C.  Then a queue of size 4 becomes a window of
4 tokens: each of 8 jobs puts a token before it works and takes one back
after, so that at most 4 jobs run at a time, the others waiting in ``put()``.

Run it:
    python -m lessons_anyio.w8s8 --backend trio                  # all demos
    python -m lessons_anyio.w8s8 window --backend trio           # one of them
    python -m lessons_anyio.w8s8 producer_consumer --duration 10

Differs from the asyncio version:
- ``queue_help`` shows the help of ``anyio.create_memory_object_stream`` and
  of the classes of its two ends (three helps), where the video shows
  ``asyncio.Queue?``;
- the queue becomes a memory object stream with a buffer of 1: two ends, a
  send stream for the producer and a receive stream for the consumer, each
  closed by the ``async with`` of the task that owns it, even when it is
  cancelled (an end left open warns ``ResourceWarning`` when collected);
  ``async for`` reads the stream until every send stream is closed;
- both tasks live in a task group; "forever" is ``anyio.sleep_forever()``,
  which the runner cancels at the bound or on Ctrl-C: no ``KeyboardInterrupt``
  reaches the lesson, a cancellation does, at the ``await`` where it waits;
  the demo says ``bye`` when that cancellation came from Ctrl-C or the bound
  that presses it (``interrupted()``), as the seed does, and lets it go on
  to its scope;
- the window is a ``CapacityLimiter`` of 4 tokens, which each job holds with
  ``async with`` (no queue of ``None`` to fill and empty); the limiter knows
  who holds its tokens, and a cancelled job gives its token back;
- the jobs are started with ``await tg.start(job, i, window)``, not with
  ``start_soon``.  Why: trio runs the tasks that become runnable at the same
  instant in an unspecified order (it reverses each batch at random), so 8
  tasks started at once and racing for the limiter would not take the tokens
  in the order 0, 1, 2, …: the first 4 could be jobs 7, 6, 5, 4, and the
  timetable would change from run to run (asyncio runs new tasks first in,
  first out, so there the race happens to come out right: a lesson must not
  rely on that).  How: ``start()`` returns only once job ``i`` holds its
  token (``task_status.started()``), so the jobs queue for the tokens one at
  a time, in order, and the one waiting when tokens are freed is always the
  next job, whichever job ended first: the video's timetable, on asyncio and
  on trio, every time.  What it changes: in the video all 8 tasks exist from
  the start and 4 of them wait in ``put()``; here a job becomes a task only
  once the one before it holds a token, so at most 5 exist at a time (4
  working, 1 waiting) and the parent waits in ``start()``;
- the window demo ends when its last job does (the task group waits for it),
  at 5 s, instead of running forever.
"""

import anyio

from common.helpsummary import help_summary
from common.runner import Lesson, interrupted

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


async def producer(send_stream):
    # the task that sends owns the send end: leaving the block closes it
    async with send_stream:
        count = 1
        while True:
            await send_stream.send(f'tick{count}')
            count += 1
            await anyio.sleep(1)


async def consumer(receive_stream):
    # the task that receives owns the receive end: leaving the block closes it
    async with receive_stream:
        async for received in receive_stream:
            show_timer(f"got {received}")


# The window is handed to each job (the video's job() reads a global window;
# the asyncio version keeps job() inside its demo, around it).  task_status
# is how a task started with tg.start() tells its parent "I am ready".
async def job(i, window, *, task_status=anyio.TASK_STATUS_IGNORED):
    # prendre un jeton (take a token: wait until one of the 4 is free)
    async with window:
        # we hold a token: the parent may now start the next job
        task_status.started()
        # pas tout le monde la même durée (not everyone the same duration)
        duration = (i % 3) + 1
        message = f"job{i} - duration {duration}"
        show_timer(">>>", message)
        await anyio.sleep(duration)
        show_timer("<<<", message)
    # libérer le jeton (give the token back): leaving the block did it, and
    # would do it too if the job were cancelled while it sleeps


@lesson.demo
async def queue_help():
    """the help of a memory object stream: what it is, its two ends' methods"""
    # The video types `asyncio.Queue?` in IPython.  help() would add every
    # dunder and inherited member and open a pager; this is the part to read.
    # A memory object stream comes in two ends, hence three helps: the
    # function that makes it, then the class of each end it returns.
    print(help_summary(anyio.create_memory_object_stream))
    send_stream, receive_stream = anyio.create_memory_object_stream[str](1)
    with send_stream, receive_stream:
        print()
        print(help_summary(type(send_stream)))
        print()
        print(help_summary(type(receive_stream)))


@lesson.demo(forever=5.5)
async def producer_consumer():
    """a stream with a buffer of 1 between a producer and a consumer: one tick a second"""
    # Like the queue, the stream is created when the demo runs; [str] says
    # what goes through it (for type checkers only).
    send_stream, receive_stream = anyio.create_memory_object_stream[str](1)

    # the tasks start in a task group: its block does not end before they do
    async with anyio.create_task_group() as tg:
        tg.start_soon(producer, send_stream)
        tg.start_soon(consumer, receive_stream)

        start_timer()

        # the seed's run_forever(): the runner cancels it after --duration
        # seconds or on Ctrl-C, and the cancellation reaches both tasks
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            # Ctrl-C, or the bound pressing it: the video's bye
            if interrupted():
                print("bye")
            # a cancellation is never swallowed: it must reach its scope
            raise


@lesson.demo(name="window")
async def demo_window():
    """8 jobs of 1 to 3 s, at most 4 at a time: a capacity limiter of 4 tokens"""
    # limiter le parallélisme (limit parallelism) with a limiter of 4 tokens
    window = anyio.CapacityLimiter(4)

    try:
        async with anyio.create_task_group() as tg:
            start_timer()
            for i in range(8):
                # start() returns once job i holds its token, so the jobs take
                # the tokens in the order 0, 1, 2…, whatever order the backend
                # runs them in (start_soon would let them race: see above)
                await tg.start(job, i, window)
        # leaving the block waited for every job: nothing runs forever
    except anyio.get_cancelled_exc_class():
        # only Ctrl-C cancels this demo (it has no bound): the seed's bye
        if interrupted():
            print('bye')
        raise


if __name__ == "__main__":
    lesson.main()

"""w8s8_window: a window of 4 tokens over 10 jobs (asyncio).

Ten jobs must run, job0 to job9; ``job(i, window)`` lasts ``(i % 3) + 1``
seconds.  At most 4 may run at a time: a job takes one of 4 tokens (an
``asyncio.Semaphore(4)``) before it starts and gives it back when it ends.

* ``job(i, window)``: take a token, print ``>>> job{i}``, sleep its
  duration, print ``<<< job{i}``, give the token back;
* ``main()``: create the window once, then run the ten jobs concurrently,
  job0 first, and return when they are all done.

The grader runs ``main()`` on a virtual clock and notes when each line is
printed: job0 to job3 start at 0 s; job0 and job3 end at 1 s, and job4 and
job5 take their tokens at once; the last job ends at 6 s.

    python -m common.exercises check w8s8_window THIS_FILE
"""

import asyncio


async def job(i: int, window: asyncio.Semaphore) -> None: ...


async def main() -> None: ...

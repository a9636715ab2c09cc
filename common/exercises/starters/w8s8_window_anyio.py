"""w8s8_window_anyio: a window of 4 tokens over 10 jobs, in order on trio too (anyio).

Ten jobs must run, job0 to job9; job ``i`` lasts ``(i % 3) + 1`` seconds.  At
most 4 may run at a time: a job takes one of 4 tokens (an
``anyio.Semaphore(4)``) before it starts and gives it back when it ends.

* ``job(i, window, task_status=...)``: take a token, print ``>>> job{i}``,
  sleep its duration, print ``<<< job{i}``, give the token back;
* ``main()``: create the window once, run the ten jobs in a task group.

The jobs must take their tokens in order, job0 first, on asyncio and on
trio: tasks started together start in any order on trio, so a job may only
be started once the one before it holds its token (``await tg.start(...)``,
and ``task_status.started()`` in the job).

The grader runs ``main()`` on a virtual clock, on asyncio and on trio, and
notes when each line is printed: job0 to job3 start at 0 s; job0 and job3
end at 1 s, and job4 and job5 take their tokens at once; the last job ends
at 6 s.

    python -m common.exercises check w8s8_window_anyio THIS_FILE
"""

import anyio
from anyio.abc import TaskStatus


async def job(
    i: int, window: anyio.Semaphore, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None: ...


async def main() -> None: ...

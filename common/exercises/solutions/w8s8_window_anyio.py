"""w8s8_window_anyio, a reference solution: a semaphore, and jobs started in turn."""

import anyio
from anyio.abc import TaskStatus


async def job(
    i: int, window: anyio.Semaphore, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    async with window:
        # we hold a token: main may start the next job
        task_status.started()
        print(f">>> job{i}")
        await anyio.sleep((i % 3) + 1)
        print(f"<<< job{i}")


async def main() -> None:
    window = anyio.Semaphore(4)
    async with anyio.create_task_group() as tg:
        for i in range(10):
            # returns once job i holds a token: the jobs queue in order
            await tg.start(job, i, window)

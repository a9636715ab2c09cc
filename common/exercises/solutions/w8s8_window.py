"""w8s8_window, a reference solution: an asyncio.Semaphore of 4 tokens."""

import asyncio


async def job(i: int, window: asyncio.Semaphore) -> None:
    # waits here while the 4 tokens are taken; gives its token back on the
    # way out, even if the job fails or is cancelled
    async with window:
        print(f">>> job{i}")
        await asyncio.sleep((i % 3) + 1)
        print(f"<<< job{i}")


async def main() -> None:
    # one window for all the jobs: a semaphore per job would limit nothing
    window = asyncio.Semaphore(4)
    # gather starts the tasks in order, and the semaphore serves them in order
    await asyncio.gather(*(job(i, window) for i in range(10)))

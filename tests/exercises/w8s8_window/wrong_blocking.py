# mistake: blocking call
import asyncio
import time


async def job(i, window):
    async with window:
        print(f">>> job{i}")
        time.sleep((i % 3) + 1)  # noqa: ASYNC251 (the mistake)
        print(f"<<< job{i}")


async def main():
    window = asyncio.Semaphore(4)
    await asyncio.gather(*(job(i, window) for i in range(10)))

# mistake: sequential
# Each job awaited in turn: the window is never used past one token.
import asyncio


async def job(i, window):
    async with window:
        print(f">>> job{i}")
        await asyncio.sleep((i % 3) + 1)
        print(f"<<< job{i}")


async def main():
    window = asyncio.Semaphore(4)
    for i in range(10):
        await job(i, window)

# mistake: wrong window
import asyncio


async def job(i, window):
    async with window:
        print(f">>> job{i}")
        await asyncio.sleep((i % 3) + 1)
        print(f"<<< job{i}")


async def main():
    window = asyncio.Semaphore(3)
    await asyncio.gather(*(job(i, window) for i in range(10)))

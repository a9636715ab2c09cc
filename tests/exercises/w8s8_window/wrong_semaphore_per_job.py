# mistake: no limit
# Each job makes its own semaphore: every job gets a token at once.
import asyncio


async def job(i, window):
    async with asyncio.Semaphore(4):
        print(f">>> job{i}")
        await asyncio.sleep((i % 3) + 1)
        print(f"<<< job{i}")


async def main():
    await asyncio.gather(*(job(i, None) for i in range(10)))

# mistake: never awaited
import asyncio


async def worker(name):
    print(f"{name} starts")
    asyncio.sleep(1)
    print(f"{name} ends")


async def main():
    await asyncio.gather(worker("a"), worker("b"), worker("c"))

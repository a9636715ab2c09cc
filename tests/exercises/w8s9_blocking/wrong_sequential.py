# mistake: sequential
import asyncio


async def worker(name):
    print(f"{name} starts")
    await asyncio.sleep(1)
    print(f"{name} ends")


async def main():
    for name in "abc":
        await worker(name)

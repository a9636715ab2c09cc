# mistake: others cancelled
import asyncio


async def compute(i):
    await asyncio.sleep(i)
    print(f"compute({i}) -> {i * i}")
    return i * i


async def fail():
    await asyncio.sleep(1.5)
    print("fail() raises")
    raise ValueError("boom")


async def main():
    results = await asyncio.gather(compute(1), compute(2), fail(), compute(3))
    print(f"results: {results}")

# mistake: others cancelled
# A TaskGroup cancels the other tasks when one fails.
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
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(c) for c in (compute(1), compute(2), fail(), compute(3))]
    except* ValueError as group:
        print(f"failed: {group.exceptions[0]!r}")
    print(f"results: {[t.result() for t in tasks if not t.cancelled() and not t.exception()]}")

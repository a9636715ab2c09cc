# mistake: others cancelled
import anyio


async def compute(i):
    await anyio.sleep(i)
    print(f"compute({i}) -> {i * i}")
    return i * i


async def fail():
    await anyio.sleep(1.5)
    print("fail() raises")
    raise ValueError("boom")


async def main():
    results = []

    async def keep(job, *args):
        results.append(await job(*args))

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(keep, compute, 1)
            tg.start_soon(keep, compute, 2)
            tg.start_soon(keep, fail)
            tg.start_soon(keep, compute, 3)
    except* ValueError as group:
        print(f"failed: {group.exceptions[0]!r}")
    print(f"results: {results}")

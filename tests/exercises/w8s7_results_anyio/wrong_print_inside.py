# mistake: results too early
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
    results, errors = [], []

    async def keep(job, *args):
        try:
            results.append(await job(*args))
        except Exception as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tg:
        for job, args in ((compute, (1,)), (compute, (2,)), (fail, ()), (compute, (3,))):
            tg.start_soon(keep, job, *args)
        print(f"results: {results}")
        print(f"failed: {errors!r}")

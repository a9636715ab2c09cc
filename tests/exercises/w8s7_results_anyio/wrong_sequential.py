# mistake: sequential
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
    for job, args in ((compute, (1,)), (compute, (2,)), (fail, ()), (compute, (3,))):
        try:
            results.append(await job(*args))
        except ValueError as exc:
            errors.append(exc)
    print(f"results: {results}")
    print(f"failed: {errors[0]!r}")

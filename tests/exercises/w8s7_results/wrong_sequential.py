# mistake: sequential
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
    results, errors = [], []
    for job in (compute(1), compute(2), fail(), compute(3)):
        try:
            results.append(await job)
        except ValueError as exc:
            errors.append(exc)
    print(f"results: {results}")
    print(f"failed: {errors[0]!r}")

"""w8s7_results, a reference solution: gather with return_exceptions=True."""

import asyncio


async def compute(i: int) -> int:
    await asyncio.sleep(i)
    print(f"compute({i}) -> {i * i}")
    return i * i


async def fail() -> int:
    await asyncio.sleep(1.5)
    print("fail() raises")
    raise ValueError("boom")


async def main() -> None:
    # every task runs to its end; an exception comes back as a value
    outcomes = await asyncio.gather(
        compute(1), compute(2), fail(), compute(3), return_exceptions=True
    )
    results = [o for o in outcomes if not isinstance(o, BaseException)]
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    print(f"results: {results}")
    for error in errors:
        print(f"failed: {error!r}")

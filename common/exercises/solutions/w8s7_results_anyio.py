"""w8s7_results_anyio, a reference solution: each task keeps its own outcome."""

from collections.abc import Awaitable, Callable

import anyio


async def compute(i: int) -> int:
    await anyio.sleep(i)
    print(f"compute({i}) -> {i * i}")
    return i * i


async def fail() -> int:
    await anyio.sleep(1.5)
    print("fail() raises")
    raise ValueError("boom")


async def main() -> None:
    outcomes: list[int | Exception | None] = [None] * 4

    async def keep(index: int, job: Callable[[], Awaitable[int]]) -> None:
        # Exception, not BaseException: a cancellation must go through
        try:
            outcomes[index] = await job()
        except Exception as exc:
            outcomes[index] = exc

    jobs = [lambda: compute(1), lambda: compute(2), fail, lambda: compute(3)]
    async with anyio.create_task_group() as tg:
        for index, job in enumerate(jobs):
            tg.start_soon(keep, index, job)
    print(f"results: {[o for o in outcomes if isinstance(o, int)]}")
    for error in (o for o in outcomes if isinstance(o, Exception)):
        print(f"failed: {error!r}")

"""w8s9_missing_await, a reference solution: both coroutines awaited."""

import anyio


async def tick(name: str) -> None:
    print(f"{name} tick")
    await anyio.sleep(1)
    print(f"{name} tock")


async def report() -> None:
    print("done")


async def main() -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(tick, "a")
        tg.start_soon(tick, "b")
    await report()

"""w8s2_taskgroup, a reference solution: each task stores its result."""

import anyio


async def morceaux(message: str) -> str:
    print(message, "début")
    await anyio.sleep(0.5)
    print(message, "milieu")
    await anyio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main() -> None:
    results: dict[str, str] = {}

    async def keep(message: str) -> None:
        results[message] = await morceaux(message)

    async with anyio.create_task_group() as tg:
        tg.start_soon(keep, "run1")
        tg.start_soon(keep, "run2")
    # the block ended: both tasks are done
    print([results["run1"], results["run2"]])

"""w8s2_gather, a reference solution: asyncio.gather, awaited."""

import asyncio


async def morceaux(message: str) -> str:
    print(message, "début")
    await asyncio.sleep(0.5)
    print(message, "milieu")
    await asyncio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main() -> None:
    # gather runs both as tasks and returns their results in the order given
    results = await asyncio.gather(morceaux("run1"), morceaux("run2"))
    print(results)

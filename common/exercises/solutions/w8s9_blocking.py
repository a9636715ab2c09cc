"""w8s9_blocking, a reference solution: the loop's sleep, awaited."""

import asyncio


async def worker(name: str) -> None:
    print(f"{name} starts")
    # gives the loop back for one second: the other workers run meanwhile
    await asyncio.sleep(1)
    print(f"{name} ends")


async def main() -> None:
    await asyncio.gather(worker("a"), worker("b"), worker("c"))

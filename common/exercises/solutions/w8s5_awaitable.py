"""w8s5_awaitable, a reference solution: a generator that delegates to asyncio.sleep."""

import asyncio
from collections.abc import Generator
from typing import Any


class Countdown:
    def __init__(self, n: int) -> None:
        self.n = n

    def __await__(self) -> Generator[Any, None, str]:
        for i in range(self.n, 0, -1):
            print(i)
            # what the loop's sleep yields goes up to the loop, untouched
            yield from asyncio.sleep(1).__await__()
        return "liftoff"


async def main() -> None:
    print(await Countdown(3))

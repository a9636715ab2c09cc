"""w8s5_awaitable_anyio, a reference solution: a generator that delegates to anyio.sleep."""

from collections.abc import Generator
from typing import Any

import anyio


class Countdown:
    def __init__(self, n: int) -> None:
        self.n = n

    def __await__(self) -> Generator[Any, None, str]:
        for i in range(self.n, 0, -1):
            print(i)
            # what the loop's sleep yields goes up to the loop, untouched
            yield from anyio.sleep(1).__await__()
        return "liftoff"


async def main() -> None:
    print(await Countdown(3))

"""w8s5_awaitable: an awaitable countdown written by hand (asyncio).

An object is awaitable when its ``__await__`` method returns an iterator: a
generator will do.  What it yields goes up to the event loop; what it returns
is the value of the ``await``.

* ``Countdown(n).__await__()``: print n, then n - 1, … down to 1, one
  second apart (print, then wait one second, with the loop's own sleep
  delegated to by ``yield from asyncio.sleep(1).__await__()``), then return
  ``"liftoff"``;
* ``main()`` is written: it prints what ``await Countdown(3)`` returns.

The grader runs ``main()`` on a virtual clock and notes when each line
is printed: 3 at 0 s, 2 at 1 s, 1 at 2 s, liftoff at 3 s.

    python -m common.exercises check w8s5_awaitable THIS_FILE
"""

import asyncio  # noqa: F401 (for your __await__)
from typing import Any


class Countdown:
    def __init__(self, n: int) -> None:
        self.n = n

    def __await__(self) -> Any: ...


async def main() -> None:
    print(await Countdown(3))

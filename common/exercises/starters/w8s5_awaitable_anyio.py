"""w8s5_awaitable_anyio: an awaitable countdown written by hand (anyio: on asyncio and trio).

An object is awaitable when its ``__await__`` method returns an iterator: a
generator will do.  What it yields goes up to the event loop; what it returns
is the value of the ``await``.

* ``Countdown(n).__await__()``: print n, then n - 1, … down to 1, one
  second apart (print, then wait one second, with the loop's own sleep
  delegated to by ``yield from anyio.sleep(1).__await__()``), then return
  ``"liftoff"``;
* ``main()`` is written: it prints what ``await Countdown(3)`` returns.

The grader runs ``main()`` on a virtual clock, on asyncio and on trio, and notes when each line
is printed: 3 at 0 s, 2 at 1 s, 1 at 2 s, liftoff at 3 s.

    python -m common.exercises check w8s5_awaitable_anyio THIS_FILE
"""

from typing import Any

import anyio  # noqa: F401 (for your __await__)


class Countdown:
    def __init__(self, n: int) -> None:
        self.n = n

    def __await__(self) -> Any: ...


async def main() -> None:
    print(await Countdown(3))

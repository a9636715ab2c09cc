"""w8s9_blocking: find and fix the call that blocks the event loop (asyncio).

Three workers start together and each works for one second: the whole
should take one second.  It takes three: one call in ``worker`` keeps the
event loop, and nothing else runs meanwhile.  Fix it (one line), keeping
what is printed.

The grader runs ``main()`` on a virtual clock and notes when each line is
printed: ``a starts``, ``b starts`` and ``c starts`` at 0 s; ``a ends``,
``b ends`` and ``c ends`` at 1 s.

    python -m common.exercises check w8s9_blocking THIS_FILE
"""

# The bugs are here on purpose: the project's linters are told not to point at them.
# ruff: noqa: ASYNC251

import asyncio
import time


async def worker(name: str) -> None:
    print(f"{name} starts")
    time.sleep(1)
    print(f"{name} ends")


async def main() -> None:
    await asyncio.gather(worker("a"), worker("b"), worker("c"))

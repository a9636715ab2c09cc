"""Which clock to read: the running event loop's, or a monotonic one.

Under a virtual clock (the tests, ``LESSONS_VIRTUAL_TIME=1``) the event loop's
clock is the one that moves, so every time the lessons print must come from it.
Nothing here imports trio: it is looked up only if a program already did.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable

Clock = Callable[[], float]


def running_clock() -> Clock | None:
    """The clock of the event loop running in this thread, or ``None``.

    The function returned can be called from any thread (a worker thread that
    prints is timed on the same clock as the loop that started it).
    """
    try:
        return asyncio.get_running_loop().time
    except RuntimeError:
        pass
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            return trio.lowlevel.current_clock().current_time  # type: ignore[no-any-return]
        except RuntimeError:
            pass
    return None


def best_clock() -> Clock:
    """The running loop's clock if there is one, else ``time.monotonic``."""
    return running_clock() or time.monotonic

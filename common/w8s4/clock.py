"""Lesson w8s4 on a virtual clock: a blocking client of the embedded server.

* :class:`FollowingLoop`: the faithful ``sequential`` demo blocks its own
  thread (it runs no loop meanwhile): the server runs in a thread of its
  own, on a loop whose clock is the demo's;
* :func:`wall_clock_follows`: ``time.time()`` on the demo's clock (the
  faithful demos time themselves with it, as the video does).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

from common.virtual import VirtualEventLoop


class FollowingLoop(VirtualEventLoop):
    """A virtual asyncio loop, for another thread, whose clock is ``leader``'s.

    A faithful demo that blocks its thread in ``requests.get`` does not run
    its own (virtual) loop meanwhile: a server in another thread runs this
    loop instead, and when it waits for a timer (the latency) it moves the
    demo loop's clock forward.  Only one thread moves the clock at a time: the
    demo's is blocked until the server has answered.
    """

    def __init__(self, leader: VirtualEventLoop) -> None:
        self._leader = leader
        super().__init__()

    def time(self) -> float:
        return self._leader.time()

    def advance(self, seconds: float) -> None:
        self._leader.advance(seconds)

    def _jump_to_next_timer(self) -> None:
        scheduled = self._scheduled  # type: ignore[attr-defined]
        if scheduled and math.isfinite(scheduled[0].when()):
            self._leader.advance(max(0.0, scheduled[0].when() - self._leader.time()))


@contextmanager
def wall_clock_follows(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """While active, ``time.time()`` moves with ``loop``'s (virtual) clock
    (w8s4's faithful demos time themselves with it, as the video does)."""
    real_time = time.time
    # whole seconds: the differences the demo prints stay exact (4.0, not 4.000000238)
    offset = float(int(real_time())) - loop.time()

    def virtual_time() -> float:
        return offset + loop.time()

    time.time = virtual_time
    try:
        yield
    finally:
        time.time = real_time

"""Lesson w8s4 on a virtual clock: blocking clients of the embedded server.

A virtual asyncio loop (:class:`common.virtual.VirtualEventLoop`) jumps to
its next timer when nothing is ready, but not while a worker thread works
for real: the thread may be doing something a timer guards.  w8s4's
blocking clients are threads of a special kind, though: ``requests.get`` in
a thread, sent a document by the server the loop itself runs, only waits
for the server's next chunk, which comes on one of the loop's own timers.
Waiting for it for real would make a 4-document demo take 4 real seconds for
nothing.  So:

* :class:`ClientWaits`: while the server sleeps before sending a client its
  next bytes, it tells the loop that this client, if it is a worker thread,
  is waiting for the loop: the clock may jump as if the thread were idle;
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
from types import TracebackType

import anyio.abc

from common.virtual import VirtualEventLoop


def _running_virtual_loop() -> VirtualEventLoop | None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None  # trio: its clock does not wait for threads anyway
    return loop if isinstance(loop, VirtualEventLoop) else None


class ClientWaits:
    """``with waits:`` around each wait of the server before it sends a
    client its next bytes (the latency's timers, a stalled request).

    If the loop that runs the server is virtual and the client is not one of
    its tasks (``connected_here``), the client is a thread: a worker of this
    loop, blocked in ``requests.get`` until the server sends.  Meanwhile the
    loop need not wait for that thread (``thread_waits``).  A client that is
    a task (aiohttp, httpx) is nothing to say: the loop does not wait for its
    tasks.  (A thread the loop did not start, such as anyio's workers, counts
    too; that could let the clock jump while one of the loop's own workers
    does real work, which no demo of the lesson does alongside.)
    """

    def __init__(self, stream: anyio.abc.SocketStream) -> None:
        self._loop = _running_virtual_loop()
        if self._loop is not None:
            try:
                peer = stream.extra(anyio.abc.SocketAttribute.remote_address)
            except OSError:
                peer = None  # the client is gone already: nobody waits
            if peer is None or self._loop.connected_here(peer):
                self._loop = None

    def __enter__(self) -> None:
        if self._loop is not None:
            self._loop.thread_waits(+1)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._loop is not None:
            self._loop.thread_waits(-1)


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

"""Virtual clocks: run a lesson's schedule exactly, in no time.

* asyncio: :class:`VirtualEventLoop`, a selector loop whose ``time()`` jumps to
  the next timer whenever nothing is ready, instead of waiting for it;
* trio: ``MockClock(autojump_threshold=0)`` (:func:`mock_clock_class`), the same.

Both are given to ``anyio.run`` (and to the tests' ``anyio_backend`` fixture)
through :func:`backend_options`.  A blocking ``time.sleep`` in a demo would not
move such a clock, so :func:`common.virtual_sleep.blocking_sleep_moves_clock`
makes it advance the virtual clock without yielding to the loop: the demo
still holds the loop for that long, as the lesson means, but the test does
not wait.

A blocking sleep handed to a worker thread
(``await anyio.to_thread.run_sync(time.sleep, s)``, the fix that w8s9 shows)
does not hold the loop: on a virtual clock the worker sleeps ``s`` on the
loop's clock, and the clock waits for the thread to get there and back, so
the schedule is as exact as with ``anyio.sleep``.

Other work handed to a worker thread (``loop.run_in_executor``,
``asyncio.to_thread``) takes real time: while it runs, the virtual loop
waits for it for real, but only until its next timer (a timeout that guards
the thread still fires, at its exact virtual time).  Two exceptions: name
resolution (``loop.getaddrinfo``), which the clock waits for to the end, and
a thread that only waits for the loop itself (:meth:`~VirtualEventLoop.thread_waits`:
w8s4's blocking client of the loop's own server), which it does not wait for.

Setting the environment variable ``LESSONS_VIRTUAL_TIME=1`` makes the command
line use these clocks too (the subprocess tests do).
"""

from __future__ import annotations

import asyncio
import math
import os
import selectors
import socket
import sys
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

T = TypeVar("T")

ENV_VAR = "LESSONS_VIRTUAL_TIME"


def virtual_from_env() -> bool:
    """``LESSONS_VIRTUAL_TIME``: ``1``, ``true``, ``yes``, ``on`` turn virtual
    time on; ``0``, ``false``, ``no``, ``off`` or empty (or unset) leave it off;
    anything else is a :class:`ValueError` naming the variable."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(
        f"{ENV_VAR}={os.environ[ENV_VAR]!r}: use 1 (or true, yes, on) or 0 (or false, no, off)"
    )


class _JumpingSelector:
    """Wraps the loop's selector: when nothing is ready, jump to the next timer."""

    def __init__(self, inner: selectors.BaseSelector, loop: VirtualEventLoop) -> None:
        self._inner = inner
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = self._inner.select(0)
        if ready or timeout == 0:
            return ready
        loop = self._loop
        if loop._clock_holds:
            # A worker thread is on its way to a virtual sleep, or back from
            # one: the clock must not move before it calls us (see hold_clock).
            return self._inner.select(None)
        if timeout is None:
            # Nothing is scheduled: only real I/O (a thread's result) can wake us.
            return self._inner.select(None)
        if loop._threads_busy > loop._threads_waiting:
            # A worker thread works for real and will wake us when it is done:
            # wait for it, but only until the next timer, which may be the
            # timeout that guards it.  (Threads that only wait for this loop
            # do not count: see thread_waits.)
            loop.waits_for_threads += 1
            ready = self._inner.select(timeout)
            if ready:
                return ready
        loop._jump_to_next_timer()
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class VirtualEventLoop(asyncio.SelectorEventLoop):
    """An asyncio loop on virtual time: it never waits for a timer."""

    def __init__(self) -> None:
        super().__init__()
        self._virtual_now = 0.0
        self._threads_busy = 0
        self._threads_waiting = 0
        self._clock_holds = 0
        # the local ends of the sockets this loop connected: clients that are tasks
        self._connected: weakref.WeakValueDictionary[Any, socket.socket] = (
            weakref.WeakValueDictionary()
        )
        #: how many times the loop waited for real for a worker thread, with
        #: a timer it would otherwise have jumped to (tests count them)
        self.waits_for_threads = 0
        inner: selectors.BaseSelector = self._selector  # type: ignore[has-type]
        self._selector = _JumpingSelector(inner, self)

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move the clock forward without running anything (a blocking sleep)."""
        self._virtual_now += seconds

    def hold_clock(self, delta: int) -> None:
        """``+1``: the clock stays where it is until released (``-1``), even if
        nothing is ready: the loop waits for real for a thread to call it back.
        Called from the loop's thread only."""
        self._clock_holds += delta

    def thread_waits(self, delta: int) -> None:
        """``+1``: one of the busy worker threads waits for this loop: it is
        blocked until a task of the loop sends it something, on one of the
        loop's timers (w8s4's blocking client, reading from the server the
        loop runs).  While every busy thread waits so, the clock jumps as if
        none were busy: waiting for real could only delay what the thread
        waits for.  ``-1``: it no longer waits.  Called from the loop's thread."""
        self._threads_waiting += delta

    def connected_here(self, address: Any) -> bool:
        """Is ``address`` the local end of a socket this loop connected, and
        still open?  (Then that client is one of the loop's tasks, not a thread.)"""
        sock = self._connected.get(address)
        return sock is not None and sock.fileno() != -1

    async def sock_connect(self, sock: socket.socket, address: Any) -> None:
        # Every client connection of the loop's tasks comes here (create_connection,
        # aiohttp's happy eyeballs, anyio's connect_tcp): remember its local end.
        await super().sock_connect(sock, address)
        with suppress(OSError):
            self._connected[sock.getsockname()] = sock

    async def getaddrinfo(self, *args: Any, **kwargs: Any) -> Any:
        # Name resolution is real work in a worker thread, outside any
        # lesson's schedule: on a virtual clock it takes no time, and the
        # clock waits for it.  (Waiting only until the next timer, as for
        # other work, an unknown host would fail before or after that timer
        # depending on the machine's load.)
        self.hold_clock(+1)
        try:
            return await super().getaddrinfo(*args, **kwargs)
        finally:
            self.hold_clock(-1)

    def nothing_can_wake_it(self) -> bool:
        """Called in the loop (a callback): once the callback returns, can
        only another thread wake the loop?  Nothing else ready, not stopping,
        no timer, the clock not held, no work handed to a thread, and no file
        descriptor watched but the loop's own wake-up pipe."""
        # (what is left of this round but the loop reading its own wake-up:
        # the beat of another thread wrote there)
        drain = self._read_from_self  # type: ignore[attr-defined]
        ready = [h for h in self._ready if not h.cancelled() and h._callback != drain]  # type: ignore[attr-defined]
        own = {self._ssock.fileno()}  # type: ignore[attr-defined]
        watched = set(self._selector.get_map())
        return not (
            ready
            or self._scheduled  # type: ignore[attr-defined]
            or self._stopping  # type: ignore[attr-defined]
            or self._clock_holds
            or self._threads_busy
            or watched - own
        )

    def _jump_to_next_timer(self) -> None:
        scheduled = self._scheduled  # type: ignore[attr-defined]
        if scheduled:
            self._virtual_now = max(self._virtual_now, scheduled[0].when())

    def run_in_executor(  # type: ignore[override]
        self, executor: Any, func: Callable[..., T], *args: Any
    ) -> asyncio.Future[T]:
        # Real work in a thread takes real time: while it runs, wait for it
        # rather than jumping over the timers that guard it (client timeouts).
        future = super().run_in_executor(executor, func, *args)
        self._threads_busy += 1

        def done(_: asyncio.Future[Any] | Future[Any]) -> None:
            self._threads_busy -= 1

        future.add_done_callback(done)
        return future

    if sys.version_info >= (3, 12):

        async def shutdown_default_executor(self, timeout: float | None = None) -> None:  # noqa: ASYNC109 (asyncio's signature)
            # asyncio.Runner passes a 300 s timeout; on a virtual clock that
            # timeout would expire at once and warn.  Joining threads is real.
            await super().shutdown_default_executor(None)


def _running_virtual_clock() -> VirtualEventLoop | Any | None:
    """The running loop if it is a :class:`VirtualEventLoop`, trio's clock if
    it is a ``MockClock``; ``None`` on a real clock or outside a loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        return loop if isinstance(loop, VirtualEventLoop) else None
    # no trio loop runs where trio was never imported (importing it costs 60 ms)
    if "trio" not in sys.modules:
        return None
    import trio

    MockClock = mock_clock_class()
    try:
        clock = trio.lowlevel.current_clock()
    except RuntimeError:
        return None
    return clock if isinstance(clock, MockClock) else None


def nothing_can_wake_it() -> bool:
    """Called in a running loop on a virtual clock, as a callback of its own
    (not from a task): once the callback returns, can only another thread
    wake the loop?  Nothing else is ready to run, no timer is set, no file
    descriptor is watched (but the loop's own), no work is in a thread the
    loop knows of.  A run on a virtual clock that waits so waits for ever,
    unless a thread of its own calls it back (the caller knows the threads).
    ``False`` where it cannot tell: a real clock, or outside a loop."""
    clock = _running_virtual_clock()
    if isinstance(clock, VirtualEventLoop):
        return clock.nothing_can_wake_it()
    if clock is None:
        return False
    import trio

    stats = trio.lowlevel.current_statistics()
    io = stats.io_statistics
    return (
        stats.tasks_runnable == 0
        and stats.run_sync_soon_queue_size == 0
        and stats.seconds_to_next_deadline == math.inf
        and clock.autojump_threshold != math.inf  # not held for a thread
        and getattr(io, "tasks_waiting_read", 1) == 0
        and getattr(io, "tasks_waiting_write", 1) == 0
    )


def virtual_advance() -> Callable[[float], None] | None:
    """How to move the running loop's clock forward, if it is a virtual one."""
    clock = _running_virtual_clock()
    if isinstance(clock, VirtualEventLoop):
        return clock.advance
    return None if clock is None else clock.jump


def virtual_hold() -> Callable[[int], None] | None:
    """How to keep the running loop's virtual clock still (``+1``) and let it
    jump again (``-1``), if it is a virtual one.  Holds nest."""
    clock = _running_virtual_clock()
    if isinstance(clock, VirtualEventLoop):
        return clock.hold_clock
    return None if clock is None else _MockClockHold(clock)


class _MockClockHold:
    """Holds on trio's MockClock: no autojump while held (the run loop then
    waits for real, as trio does without autojump, until a thread calls back)."""

    def __init__(self, clock: Any) -> None:
        self._clock = clock
        self._holds = 0
        self._threshold = clock.autojump_threshold

    def __call__(self, delta: int) -> None:
        if self._holds == 0:
            self._threshold = self._clock.autojump_threshold
        self._holds += delta
        self._clock.autojump_threshold = math.inf if self._holds else self._threshold


def mock_clock_class() -> type:
    """trio's ``MockClock``, from trio's core (loaded with trio), not from
    ``trio.testing``, which imports pytest where installed: 0.15 s at the
    start of each process that runs trio on a virtual clock."""
    try:
        from trio._core._mock_clock import MockClock
    except ImportError:  # pragma: no cover - a trio that moved it
        from trio.testing import MockClock
    return MockClock


def backend_options(backend: str, *, virtual: bool) -> dict[str, Any]:
    """``backend_options`` for ``anyio.run``: a virtual clock, or nothing."""
    if not virtual:
        return {}
    if backend == "asyncio":
        return {"loop_factory": VirtualEventLoop}
    if backend == "trio":
        return {"clock": mock_clock_class()(autojump_threshold=0)}
    raise ValueError(f"unknown backend {backend!r}")


# -- the views: trio's scheduling made repeatable -----------------------------


@contextmanager
def repeatable_trio(seed: int = 0) -> Iterator[None]:
    """Make trio's scheduling repeatable for the time of the ``with`` block.

    trio runs the tasks that become runnable together in a random order, on
    purpose.  It has a switch for deterministic tests (its Hypothesis plugin
    sets it): tasks sorted by creation, then shuffled by its own seeded
    ``random.Random``.  Both are private; if they are gone, nothing is
    changed (the views' pages are then no longer the same byte for byte).
    The switch is process-wide: one block at a time (the views record one
    demo at a time).
    """
    import importlib

    try:
        run: Any = importlib.import_module("trio._core._run")
    except ImportError:  # pragma: no cover
        yield
        return
    rng = getattr(run, "_r", None)
    if rng is None or not hasattr(run, "_ALLOW_DETERMINISTIC_SCHEDULING"):  # pragma: no cover
        yield
        return
    saved = run._ALLOW_DETERMINISTIC_SCHEDULING, rng.getstate()
    run._ALLOW_DETERMINISTIC_SCHEDULING = True
    rng.seed(seed)
    try:
        yield
    finally:
        run._ALLOW_DETERMINISTIC_SCHEDULING = saved[0]
        rng.setstate(saved[1])

"""Virtual clocks: run a lesson's schedule exactly, in no time.

* asyncio: :class:`VirtualEventLoop`, a selector loop whose ``time()`` jumps to
  the next timer whenever nothing is ready, instead of waiting for it;
* trio: ``trio.testing.MockClock(autojump_threshold=0)``, which does the same.

Both are given to ``anyio.run`` (and to the tests' ``anyio_backend`` fixture)
through :func:`backend_options`.  A blocking ``time.sleep`` in a demo would not
move such a clock, so :func:`blocking_sleep_moves_clock` makes it advance the
virtual clock without yielding to the loop: the demo still holds the loop for
that long, as the lesson means, but the test does not wait.

Setting the environment variable ``LESSONS_VIRTUAL_TIME=1`` makes the command
line use these clocks too (the subprocess tests do).
"""

from __future__ import annotations

import asyncio
import os
import selectors
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, SupportsIndex, TypeVar

T = TypeVar("T")

ENV_VAR = "LESSONS_VIRTUAL_TIME"


def virtual_from_env() -> bool:
    return os.environ.get(ENV_VAR, "") not in ("", "0")


class _JumpingSelector:
    """Wraps the loop's selector: when nothing is ready, jump to the next timer."""

    def __init__(self, inner: selectors.BaseSelector, loop: VirtualEventLoop) -> None:
        self._inner = inner
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = self._inner.select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None or self._loop._threads_busy:
            # Nothing is scheduled (only real I/O can wake us), or a worker
            # thread is running and will wake us when it is done: real wait.
            ready = self._inner.select(timeout)
            if ready:
                return ready
        self._loop._jump_to_next_timer()
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class VirtualEventLoop(asyncio.SelectorEventLoop):
    """An asyncio loop on virtual time: it never waits for a timer."""

    def __init__(self) -> None:
        super().__init__()
        self._virtual_now = 0.0
        self._threads_busy = 0
        inner: selectors.BaseSelector = self._selector  # type: ignore[has-type]
        self._selector = _JumpingSelector(inner, self)

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move the clock forward without running anything (a blocking sleep)."""
        self._virtual_now += seconds

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


def virtual_advance() -> Callable[[float], None] | None:
    """How to move the running loop's clock forward, if it is a virtual one."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if isinstance(loop, VirtualEventLoop):
        return loop.advance
    trio = sys.modules.get("trio")
    if loop is None and trio is not None:
        try:
            clock = trio.lowlevel.current_clock()
        except RuntimeError:
            return None
        # A MockClock comes from trio.testing: if nothing imported it, this
        # clock is a real one.  Importing it here would cost ~60 ms at the
        # start of the first real-time trio demo, inside its recording.
        if "trio.testing" not in sys.modules:
            return None
        from trio.testing import MockClock

        if isinstance(clock, MockClock):
            return clock.jump
    return None


@contextmanager
def blocking_sleep_moves_clock(advance: Callable[[float], None] | None) -> Iterator[None]:
    """While active, ``time.sleep(s)`` advances the virtual clock by ``s``.

    With ``advance=None`` (a real clock), nothing is changed.
    """
    if advance is None:
        yield
        return
    real_sleep = time.sleep

    def sleep(seconds: float | SupportsIndex) -> None:
        if float(seconds) < 0:
            raise ValueError("sleep length must be non-negative")
        advance(float(seconds))

    time.sleep = sleep
    try:
        yield
    finally:
        time.sleep = real_sleep


def backend_options(backend: str, *, virtual: bool) -> dict[str, Any]:
    """``backend_options`` for ``anyio.run``: a virtual clock, or nothing."""
    if not virtual:
        return {}
    if backend == "asyncio":
        return {"loop_factory": VirtualEventLoop}
    if backend == "trio":
        from trio.testing import MockClock

        return {"clock": MockClock(autojump_threshold=0)}
    raise ValueError(f"unknown backend {backend!r}")

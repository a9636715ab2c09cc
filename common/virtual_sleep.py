"""A blocking ``time.sleep`` on virtual time: it moves the run's clock.

A demo that calls ``time.sleep(1)`` (w8s2's famine, w8s6's timer) holds its
event loop for a second: on a virtual clock, that second must pass on the
clock, at once, for that run only.  :func:`blocking_sleep_moves_clock` does
it for the run's thread and context; ``time.sleep`` (and anyio's
``to_thread.run_sync``) are replaced only while at least one such run is
going on, and act as the real ones for every other caller.  The clocks
themselves are in :mod:`common.virtual`.
"""

from __future__ import annotations

import contextvars
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, SupportsIndex


class _SleepOnVirtualClock:
    """What a blocking ``time.sleep`` does in a run on virtual time: move that
    run's clock (``advance``), and with ``hold`` make a sleep sent to anyio's
    worker thread follow the loop's clock (see :func:`blocking_sleep_moves_clock`)."""

    def __init__(
        self, advance: Callable[[float], None], hold: Callable[[int], None] | None
    ) -> None:
        self.advance = advance
        self.hold = hold
        self.thread = threading.get_ident()


# The run whose code is running, if it is on virtual time: its tasks copy it.
_sleeping: contextvars.ContextVar[_SleepOnVirtualClock | None] = contextvars.ContextVar(
    "lessons_virtual_sleep", default=None
)
_real_sleep = time.sleep
_patch_lock = threading.Lock()
_patch_users = 0
_real_run_sync: Any = None


def _current_sleep() -> _SleepOnVirtualClock | None:
    """The virtual-time run of this context, if this is its own thread."""
    sleeping = _sleeping.get()
    return sleeping if sleeping is not None and sleeping.thread == threading.get_ident() else None


def _sleep(seconds: float | SupportsIndex) -> None:
    """``time.sleep`` while a run on virtual time is going on: that run's own
    thread moves its clock; every other thread (another run's, the user's)
    sleeps for real."""
    sleeping = _current_sleep()
    if sleeping is None:
        _real_sleep(seconds)
        return
    if float(seconds) < 0:
        raise ValueError("sleep length must be non-negative")
    sleeping.advance(float(seconds))


async def _run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``anyio.to_thread.run_sync`` while a run on virtual time is going on:
    ``run_sync(time.sleep, s)`` from that run sleeps ``s`` on its loop's clock."""
    sleeping = _current_sleep()
    if func is not _sleep or sleeping is None or sleeping.hold is None:
        return await _real_run_sync(func, *args, **kwargs)
    import anyio
    import anyio.from_thread

    hold = sleeping.hold

    async def sleep_on_loop(seconds: float) -> None:
        # Runs in the loop's thread, sent there by the worker: from the moment
        # its timer is set the clock may jump to it, not before.
        hold(-1)
        try:
            await anyio.sleep(seconds)
        finally:
            hold(+1)

    def sleep_in_worker(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        anyio.from_thread.run(sleep_on_loop, seconds)

    hold(+1)
    try:
        return await _real_run_sync(sleep_in_worker, *args, **kwargs)
    finally:
        hold(-1)


@contextmanager
def _patched() -> Iterator[None]:
    """``time.sleep`` (and ``anyio.to_thread.run_sync``, if anyio is in use)
    replaced while at least one run on virtual time is going on, put back
    when the last one ends.  The replacements act for the run of the calling
    context and thread only: for any other caller they are the real ones."""
    global _patch_users, _real_run_sync
    with _patch_lock:
        if _patch_users == 0:
            time.sleep = _sleep
            to_thread: Any = sys.modules.get("anyio.to_thread")
            if to_thread is not None:
                _real_run_sync = to_thread.run_sync
                to_thread.run_sync = _run_sync
        _patch_users += 1
    try:
        yield
    finally:
        with _patch_lock:
            _patch_users -= 1
            if _patch_users == 0:
                if time.sleep is _sleep:
                    time.sleep = _real_sleep
                to_thread = sys.modules.get("anyio.to_thread")
                if to_thread is not None and to_thread.run_sync is _run_sync:
                    to_thread.run_sync = _real_run_sync
                _real_run_sync = None


@contextmanager
def blocking_sleep_moves_clock(
    advance: Callable[[float], None] | None,
    hold: Callable[[int], None] | None = None,
) -> Iterator[None]:
    """While active, ``time.sleep(s)`` in this thread and context (the demo's
    code, its tasks) advances the virtual clock by ``s``.

    With ``hold`` (from :func:`virtual_hold`, inside a running anyio loop),
    ``anyio.to_thread.run_sync(time.sleep, s)`` also follows the virtual clock:
    the worker thread sleeps ``s`` on the loop's clock (a timer, so the loop
    runs meanwhile), and the clock is held still while the thread is on its
    way to that timer and back, so that nothing can jump over it.  Other work
    handed to a thread is left alone (holding the clock for it could wait for
    ever on a thread that itself waits for a virtual timer).

    With ``advance=None`` (a real clock), nothing is changed.
    """
    if advance is None:
        yield
        return
    if hold is not None:
        import anyio.to_thread  # noqa: F401 (so that _patched replaces its run_sync)
    token = _sleeping.set(_SleepOnVirtualClock(advance, hold))
    try:
        with _patched():
            yield
    finally:
        _sleeping.reset(token)

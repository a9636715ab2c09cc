"""Running a port demo: ``async`` code on anyio, on the chosen backend.

Port demos (``lessons_anyio``) are ``async`` functions.  :func:`run_port`
calls ``anyio.run`` on the chosen backend; :func:`run_port_here` runs the demo
in the event loop that is already running (a test's, a notebook's ``await``).
Either way the demo runs inside a cancel scope: the bound of a demo that runs
forever is its deadline, the user's Ctrl-C cancels it, and the demo, which
cannot tell the two from its own cancellations, asks
:func:`common.current.interrupted` where the seed says ``bye``.  A port demo
may also be a plain function that calls :func:`common.current.run_anyio`
itself (to show something about the run, as w8s5 does): :func:`run_plain`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TextIO

from common.clock import Clock, best_clock
from common.ctrl_c import Interrupt
from common.lesson import Demo
from common.record import Record, recording
from common.timer import Timer, use_timer
from common.virtual import virtual_advance, virtual_hold
from common.virtual_sleep import blocking_sleep_moves_clock


def run_port(
    demo: Demo,
    *,
    backend: str,
    backend_options: dict[str, Any],
    options: dict[str, Any],
    duration: float | None,
    echo: bool,
    interrupt: Interrupt,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Record:
    """``anyio.run`` the demo on ``backend``, in this thread."""
    import anyio

    async def main() -> Record:
        return await run_port_here(
            demo,
            options=options,
            duration=duration,
            echo=echo,
            interrupt=interrupt,
            stdout=stdout,
            stderr=stderr,
        )

    return anyio.run(main, backend=backend, backend_options=backend_options)


def _call_soon_threadsafe() -> Callable[[Callable[[], Any]], Any]:
    """The running loop's thread- and signal-safe way to schedule a call."""
    try:
        return asyncio.get_running_loop().call_soon_threadsafe
    except RuntimeError:
        import trio

        return trio.lowlevel.current_trio_token().run_sync_soon


async def run_port_here(
    demo: Demo,
    *,
    options: dict[str, Any],
    duration: float | None = None,
    echo: bool = True,
    interrupt: Interrupt | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Record:
    """Run a port demo in the running event loop.

    Times are read from the running loop's clock; a demo that runs forever is
    bounded by a cancel scope's deadline (``duration``, else its default
    bound); ``interrupt.press()`` (Ctrl-C) cancels the same scope.
    """
    import anyio

    clock = best_clock()
    interrupt = interrupt if interrupt is not None else Interrupt()
    bound = demo.bound(duration)
    with (
        use_timer(Timer(clock)),
        recording(clock, echo=echo, stdout=stdout, stderr=stderr) as record,
        blocking_sleep_moves_clock(virtual_advance(), virtual_hold()),
        anyio.CancelScope() as scope,
    ):
        # the bound is the scope's deadline: its cancellation is the video's
        # Ctrl-C, as the user's is (interrupted() is True for both)
        if bound is not None:
            scope.deadline = anyio.current_time() + bound
            interrupt.scope = scope
        call_soon = _call_soon_threadsafe()
        interrupt.wake = lambda: call_soon(scope.cancel)
        if interrupt.requested:
            scope.cancel()
        try:
            async with demo.async_setup(options) as extra:
                await demo.func(**demo.kwargs({**options, **extra}))
        finally:
            interrupt.wake = None
            interrupt.bound = bound is not None and scope.cancel_called and not interrupt.requested
            interrupt.scope = None
    record.stopped = interrupt.stopped()
    return record


def run_plain(
    demo: Demo,
    *,
    options: dict[str, Any],
    echo: bool,
    clock: Clock = time.monotonic,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Record:
    """A port demo that is a plain function (it calls ``run_anyio`` itself)."""
    with (
        use_timer(Timer(clock)),
        recording(clock, echo=echo, stdout=stdout, stderr=stderr) as record,
    ):
        demo.func(**demo.kwargs(options))
    return record

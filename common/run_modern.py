"""Running a modern demo: plain stdlib asyncio, as written today.

Modern demos (``lessons_asyncio.modern``) are ``async`` functions on asyncio
alone.  They run as ``asyncio.run`` would run them, in an
:class:`asyncio.Runner` on a loop from ``loop_factory`` (a virtual one in the
tests), in debug mode if asked.  The bound of a demo that runs forever and
the user's Ctrl-C both cancel the demo's main task, as ``asyncio.run``'s own
Ctrl-C does: the demo sees ``CancelledError`` at its ``await`` (``except
asyncio.CancelledError: print("bye"); raise`` says bye to both), and
:func:`common.current.interrupted` is ``True``.  Nothing here imports anyio.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any, TextIO

from common.collecting import collecting_what_it_drops
from common.ctrl_c import Interrupt
from common.lesson import Demo
from common.record import Record, recording
from common.timer import Timer, use_timer
from common.virtual import VirtualEventLoop
from common.virtual_sleep import blocking_sleep_moves_clock


def run_modern(
    demo: Demo,
    *,
    options: dict[str, Any],
    duration: float | None,
    echo: bool,
    interrupt: Interrupt,
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
    debug: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Record:
    """Run ``demo`` in an ``asyncio.Runner``, in this thread."""
    with asyncio.Runner(debug=debug or None, loop_factory=loop_factory) as runner:
        loop = runner.get_loop()
        advance = loop.advance if isinstance(loop, VirtualEventLoop) else None
        bound = demo.bound(duration)

        async def main() -> None:
            task = asyncio.current_task()
            assert task is not None

            def press_for_the_bound() -> None:
                if not interrupt.requested:
                    interrupt.bound = True
                    task.cancel()

            stopper = loop.call_later(bound, press_for_the_bound) if bound is not None else None

            def wake() -> None:
                loop.call_soon_threadsafe(task.cancel)

            interrupt.wake = wake
            try:
                if interrupt.requested:
                    task.cancel()
                async with demo.async_setup(options) as extra:
                    await demo.func(**demo.kwargs({**options, **extra}))
            finally:
                interrupt.wake = None
                if stopper is not None:
                    stopper.cancel()

        with (
            use_timer(Timer(loop.time)),
            recording(loop.time, echo=echo, stdout=stdout, stderr=stderr) as record,
            collecting_what_it_drops(),
            blocking_sleep_moves_clock(advance),
        ):
            try:
                # the run's context (its timer, its recording), not the one
                # the Runner copied when it made its loop, before them
                runner.run(main(), context=contextvars.copy_context())
            except asyncio.CancelledError:
                # the runner's own cancellation (Ctrl-C, the bound) came out
                # of the demo, as it should: the demo is stopped, not failed
                if not (interrupt.requested or interrupt.bound):
                    raise
            finally:
                # what the demo left running is cancelled and finishes inside
                # the recording; so do the reports of what it dropped
                runner.close()
    record.stopped = interrupt.stopped()
    return record

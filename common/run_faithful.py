"""Running a faithful demo: the video's code, on a loop the runner owns.

Faithful demos (``lessons_asyncio``) are plain functions that use
``asyncio.get_event_loop()``, ``run_until_complete`` and ``run_forever`` as
the videos do.  The runner creates a fresh loop for each demo (a virtual one
in the tests) and sets it as current in the demo's thread, so
``get_event_loop()`` finds it without the deprecation warning of Python 3.12+
(and the error of 3.14).  The bound of a demo that runs forever, like the
user's Ctrl-C, raises ``KeyboardInterrupt`` out of ``run_forever()``, where
the seed's ``except`` prints ``bye``.  At the end the runner cancels what is
left, lets it finish, and closes the loop.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TextIO

from common.collecting import collecting_what_it_drops
from common.ctrl_c import Interrupt
from common.lesson import Demo
from common.record import Record, recording
from common.timer import Timer, use_timer
from common.virtual import VirtualEventLoop
from common.virtual_sleep import blocking_sleep_moves_clock


def run_faithful(
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
    """Run ``demo`` on a new loop from ``loop_factory``, in this thread."""
    loop = loop_factory()
    if debug:
        loop.set_debug(True)
    asyncio.set_event_loop(loop)
    bound = demo.bound(duration)
    stopper = loop.call_later(bound, _press_ctrl_c, interrupt) if bound is not None else None
    advance = loop.advance if isinstance(loop, VirtualEventLoop) else None
    with (
        use_timer(Timer(loop.time)),
        recording(loop.time, echo=echo, stdout=stdout, stderr=stderr) as record,
        collecting_what_it_drops(),
    ):
        try:
            with blocking_sleep_moves_clock(advance):
                try:
                    # Ctrl-C interrupts the demo, not the lesson's setup around
                    # it (w8s4's server, started and stopped in a thread, would
                    # be left half-started): during the setup it is only noted,
                    # and raised as the demo starts.
                    with demo.setup(options) as extra:
                        try:
                            with _interruptible(loop, interrupt):
                                demo.func(**demo.kwargs({**options, **extra}))
                        finally:
                            # what the demo left running ends before its setup
                            # does: w8s4's server, stopped first, would cut the
                            # downloads short (an error, where Ctrl-C means a
                            # cancellation)
                            _cancel_leftovers(loop)
                except KeyboardInterrupt as exc:
                    if not (interrupt.requested or interrupt.bound):
                        raise
                    _drop_what_ctrl_c_cut_short(exc)
        finally:
            if stopper is not None:
                stopper.cancel()
            _close_loop(loop)
    record.stopped = interrupt.stopped()
    return record


def _press_ctrl_c(interrupt: Interrupt) -> None:
    """The bound, a loop callback: what the video's Ctrl-C gives the demo,
    a ``KeyboardInterrupt`` out of ``run_forever()``."""
    if interrupt.requested:
        return  # the user's Ctrl-C came first
    interrupt.bound = True
    raise KeyboardInterrupt


def _drop_what_ctrl_c_cut_short(exc: KeyboardInterrupt) -> None:
    """Free the frames that Ctrl-C interrupted, without their sockets' warning.

    Raised in the middle of a library call (w8s4's ``requests.get``, in
    urllib3's ``connect()``), the interrupt leaves the socket being connected
    to the garbage collector, unclosed: Python warns ``ResourceWarning:
    unclosed <socket…>`` (shown with ``-W always``).  That socket was the
    library's, cut short by the user, not a leak of the lesson's; the
    interrupted frames go now, with that one warning silenced.  So does a
    coroutine that the interrupt caught between its creation and its
    scheduling (``ensure_future(job(i, window))``): "never awaited", because
    Ctrl-C came first, not because the lesson forgot it.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "unclosed <socket", ResourceWarning)
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        exc.__traceback__ = None
        gc.collect()


@contextmanager
def _interruptible(loop: asyncio.AbstractEventLoop, interrupt: Interrupt) -> Iterator[None]:
    """Ctrl-C raises ``KeyboardInterrupt`` in the faithful code, at a safe point.

    Raised from inside a task, the interrupt would be stored in that task (and
    in a ``gather`` waiting for it) and reported again as "never retrieved".
    While the loop runs, it is raised from a loop callback instead: it leaves
    ``run_forever()`` cleanly, where the seed's ``except KeyboardInterrupt:
    print("bye")`` catches it.  Outside the loop it is raised at once if the
    press comes from the demo's own thread (the command line's signal
    handler), to cut short a blocking call; from another thread (a
    notebook's, waiting for the demo), or while the demo's thread is inside
    asyncio itself (making a task: raised there, it would leave one half
    made, never scheduled, that says "Task was destroyed but it is
    pending"), at the next entry into the loop.
    """
    armed = False
    demo_thread = threading.get_ident()

    def raise_interrupt() -> None:
        nonlocal armed
        if armed:
            armed = False
            raise KeyboardInterrupt

    def wake() -> None:
        nonlocal armed
        if loop.is_running() or threading.get_ident() != demo_thread or _in_asyncio():
            armed = True
            loop.call_soon_threadsafe(raise_interrupt)
        else:
            raise KeyboardInterrupt

    interrupt.wake = wake
    try:
        if interrupt.requested:
            raise KeyboardInterrupt
        yield
    finally:
        interrupt.wake = None
        armed = False


_ASYNCIO = os.path.dirname(asyncio.__file__) + os.sep


def _in_asyncio() -> bool:
    """Is this thread running asyncio's own code (a signal handler, called
    between two of its bytecodes, sees it below itself)?"""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.startswith(_ASYNCIO):
            return True
        frame = frame.f_back
    return False


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what the demo left running, let it finish, close the loop."""
    try:
        _cancel_leftovers(loop)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks the demo left in ``loop`` and let them finish."""
    if loop.is_closed():
        return
    loop.set_exception_handler(_quiet_about_cancelled)
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception while the runner closed the loop",
                    "exception": task.exception(),
                    "task": task,
                }
            )


def _quiet_about_cancelled(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The loop's exception handler from the runner's cleanup on.

    Cancelling a task that a ``gather`` waits for leaves the gather's future
    holding a ``CancelledError`` that nobody reads: asyncio would report it as
    "_GatheringFuture exception was never retrieved".  The runner did that
    cancelling, not the lesson, so that report is dropped; every other one
    (a lesson's lost exception, say) goes to asyncio's default handler.
    """
    if isinstance(context.get("exception"), asyncio.CancelledError):
        return
    loop.default_exception_handler(context)

"""Ctrl-C, and the bound that presses it for the user.

The videos stop the demos that run forever with Ctrl-C, and the lessons catch
it (``except KeyboardInterrupt: print("bye")``).  The runner gives each run an
:class:`Interrupt`: the command line's SIGINT handler presses it, so does a
notebook's kernel interrupt (``common.api.run`` catches the
``KeyboardInterrupt`` in the thread that waits for the demo), so do tests; the
bound of a demo that runs forever presses it too, as the video's user did.
How the press reaches the demo depends on its flavour (``wake``): a
``KeyboardInterrupt`` out of the faithful loop, the cancellation of the main
task (modern asyncio, as ``asyncio.run`` does) or of the port's cancel scope.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any


@dataclass
class Interrupt:
    """One run's Ctrl-C: pressed by the user (``requested``) or by the bound."""

    #: The user pressed Ctrl-C (or interrupted the kernel).
    requested: bool = False
    #: The bound of a demo that runs forever pressed it (the video's Ctrl-C).
    bound: bool = False
    #: How to stop the running demo, set by the runner while it can be
    #: stopped; called at most once, from a signal handler or any thread.
    wake: Callable[[], None] | None = None
    #: The port's cancel scope, whose deadline is the bound.
    scope: Any = None

    def press(self) -> None:
        """What Ctrl-C does: note it at once and ask the demo to stop at a
        safe point; a second press (during the cleanup) changes nothing."""
        first = not self.requested
        self.requested = True
        if first and self.wake is not None:
            self.wake()

    @property
    def pressed(self) -> bool:
        """By the user, or by the bound (for the port, as its deadline passes)."""
        scope = self.scope
        return self.requested or self.bound or (scope is not None and scope.cancel_called)

    def stopped(self) -> str | None:
        """What :attr:`common.record.Record.stopped` says of the run."""
        return "interrupt" if self.requested else "bound" if self.bound else None


@contextmanager
def handling_sigint(interrupt: Interrupt) -> Iterator[None]:
    """The command line's Ctrl-C, for one demo: SIGINT presses ``interrupt``.

    The handler runs between two bytecodes of the main thread, even during a
    blocking ``time.sleep``: it only presses, which hands the real work to the
    event loop through its thread-safe entry (``call_soon_threadsafe``,
    ``run_sync_soon``), as asyncio.Runner and trio do for their own Ctrl-C.
    Installed for the run only, and only in the main thread (elsewhere
    Python cannot install one: nothing is done).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        interrupt.press()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

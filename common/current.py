"""What a demo may ask about the run it is part of.

The runner sets these for each run, in a context variable that the demo's
tasks (and the threads ``to_thread`` starts) copy: two runs at once, in two
threads, each see their own.  Outside a run: asyncio, real time, no Ctrl-C.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from common.ctrl_c import Interrupt

T = TypeVar("T")


@dataclass(frozen=True)
class RunSettings:
    backend: str = "asyncio"
    virtual: bool = False
    debug: bool = False
    interrupt: Interrupt = field(default_factory=Interrupt)


_settings: contextvars.ContextVar[RunSettings | None] = contextvars.ContextVar(
    "lessons_run_settings", default=None
)
_OUTSIDE_THE_RUNNER = RunSettings()


@contextmanager
def running(settings: RunSettings) -> Iterator[RunSettings]:
    """``settings`` are the current run's, in this context, while active."""
    token = _settings.set(settings)
    try:
        yield settings
    finally:
        _settings.reset(token)


def current() -> RunSettings:
    """The settings of the run in progress (defaults outside the runner)."""
    return _settings.get() or _OUTSIDE_THE_RUNNER


def current_backend() -> str:
    """The backend chosen for the demo being run (``asyncio`` outside the runner)."""
    return current().backend


def interrupted() -> bool:
    """``True`` once Ctrl-C, or the bound of a demo that runs forever (which
    presses Ctrl-C for the user, as the video's user did), has asked the
    running demo to stop.

    The runner stops a port demo by cancelling its scope, so the demo's
    cleanup cannot tell that cancellation from one of its own (a task group
    that a task cancels) by itself.  Where the seed catches
    ``KeyboardInterrupt`` (its ``bye``), the port asks this, and prints what
    the seed prints on the same occasion.  Faithful demos get the
    ``KeyboardInterrupt`` itself; this tells shared code that runs in their
    tasks while they are torn down (w8s4's downloads, cut short by Ctrl-C, do
    not report a failure).  ``False`` outside a demo.
    """
    settings = _settings.get()
    return settings is not None and settings.interrupt.pressed


def anyio_options(backend: str, virtual: bool, debug: bool = False) -> dict[str, Any]:
    """``backend_options`` for ``anyio.run``: a virtual clock if asked, and
    asyncio's debug mode (trio has none)."""
    from common.virtual import backend_options

    options = backend_options(backend, virtual=virtual)
    if debug and backend == "asyncio":
        options["debug"] = True
    return options


def run_anyio(func: Callable[..., Awaitable[T]], *args: Any) -> T:
    """``anyio.run`` on the backend (and clock) of the demo being run.

    For port demos written as plain functions; outside the runner: asyncio.
    """
    import anyio

    settings = current()
    return anyio.run(
        func,
        *args,
        backend=settings.backend,
        backend_options=anyio_options(settings.backend, settings.virtual, settings.debug),
    )

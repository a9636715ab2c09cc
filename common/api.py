"""Running a demo from Python: ``from common import run``, wherever you are.

::

    from common import run
    from lessons_anyio import w8s2

    record = run(w8s2.lesson["gather"], backend="trio")   # or run(w8s2.gather, …)
    record = run("w8s8", "window")                          # the faithful version
    record = run("w8s8", "window", flavour="anyio", duration=2)

:func:`run` works in a script, the REPL, IPython, a Jupyter kernel (where an
asyncio loop already runs in the main thread), inside ``asyncio.run``,
``trio.run`` or ``anyio.run``, and in a worker thread: the demo always runs in
a thread of its own, with its own loop (the faithful demos must own theirs),
while the caller waits.  What it prints appears as it is printed, on the
caller's ``sys.stdout`` (in a kernel, the cell's output).  Ctrl-C (a kernel
interrupt) while the caller waits stops the demo as on the command line: the
seed's ``bye`` where the lesson catches it, its cleanup runs, and then
:func:`run` raises ``KeyboardInterrupt``, so a notebook cell shows it was
interrupted; what the demo printed up to then is on the exception, as
``.record`` (``stopped == "interrupt"``).  A demo that fails raises its
exception, with ``.record`` too.

:func:`arun` is the same for code that is already ``async``: a port demo runs
in the caller's own loop when the backend matches (``backend=None``: the
caller's), anything else in a thread, without blocking the caller's loop.

:func:`run_demo` is the one way underneath, in the calling thread, where no
loop may be running: the command line, the views and the tests use it.
"""

from __future__ import annotations

import asyncio
import math
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from common.ctrl_c import Interrupt
from common.current import RunSettings, anyio_options, running
from common.lesson import BACKENDS, Demo, find_demo
from common.record import Record
from common.virtual import VirtualEventLoop, virtual_from_env

#: The longest bound accepted: past some 1e7 s (virtual time) the clock's
#: float cannot tell ``t`` from ``t + 1e-9`` any more, and a timer that far
#: would never fire; a million seconds is eleven days of demo.
MAX_DURATION = 1e6


def check_duration(duration: float | None) -> None:
    """A bound is a finite number of seconds, > 0 and ≤ :data:`MAX_DURATION`."""
    if duration is None:
        return
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        raise TypeError(f"duration must be a number of seconds, not {duration!r}")
    if not math.isfinite(duration) or not 0 < duration <= MAX_DURATION:
        raise ValueError(f"duration must be > 0 and <= {MAX_DURATION:g} s, not {duration!r}")


def _no_time_passes() -> float:
    return 0.0


def check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")


def default_loop_factory(virtual: bool) -> Callable[[], asyncio.AbstractEventLoop]:
    """The asyncio loop the runner makes for a demo (faithful, modern, or a
    port on asyncio) when none is given: the one place that chooses it."""
    return VirtualEventLoop if virtual else asyncio.new_event_loop


def run_demo(
    demo: Demo,
    *,
    backend: str = "asyncio",
    virtual: bool = False,
    duration: float | None = None,
    echo: bool = True,
    options: dict[str, Any] | None = None,
    debug: bool = False,
    interrupt: Interrupt | None = None,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
    clock: Any = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Record:
    """Run one demo in this thread, as the command line does, and return what
    it printed, when.

    ``virtual=True`` runs it on a virtual clock: the recorded times are exact
    and no time is waited.  ``backend`` is the port's (faithful and modern
    demos run on asyncio).  ``debug=True`` runs asyncio in debug mode (slow
    callbacks are logged, …); trio has no such mode.  ``interrupt`` is the
    run's Ctrl-C, for a caller that presses it (the command line's SIGINT
    handler, a test).  ``loop_factory`` makes the asyncio loop (instead of a
    new one, or a :class:`~common.virtual.VirtualEventLoop` if virtual);
    ``clock`` is trio's clock for a port on trio.  ``stdout``/``stderr``: where
    the output goes as it is printed (default: this thread's streams).
    """
    check_backend(backend)
    check_duration(duration)
    if demo.lesson.flavour != "anyio":
        backend = "asyncio"  # the faithful and modern versions: asyncio only
    interrupt = interrupt if interrupt is not None else Interrupt()
    options = options or {}
    factory = loop_factory or default_loop_factory(virtual)
    common: dict[str, Any] = dict(options=options, echo=echo, stdout=stdout, stderr=stderr)
    with running(RunSettings(backend, virtual, debug, interrupt)):
        if demo.lesson.flavour == "asyncio":
            from common.run_faithful import run_faithful

            return run_faithful(
                demo, duration=duration, interrupt=interrupt, loop_factory=factory, debug=debug,
                **common,
            )  # fmt: skip
        if demo.lesson.flavour == "modern" and demo.is_async:
            from common.run_modern import run_modern

            return run_modern(
                demo, duration=duration, interrupt=interrupt, loop_factory=factory, debug=debug,
                **common,
            )  # fmt: skip
        if not demo.is_async:
            from common.run_port import run_plain

            # A plain function runs no loop of the runner's: on virtual time
            # no time passes for it (its lines all at 0 s, whatever the
            # machine's load); on real time, the monotonic clock.
            clock = _no_time_passes if virtual else time.monotonic
            return run_plain(demo, clock=clock, **common)
        from common.run_port import run_port

        backend_options = anyio_options(backend, virtual, debug)
        if backend == "asyncio":
            backend_options["loop_factory"] = factory
        if clock is not None and backend == "trio":
            backend_options["clock"] = clock
        return run_port(
            demo, backend=backend, backend_options=backend_options, duration=duration,
            interrupt=interrupt, **common,
        )  # fmt: skip


def _prepare(
    demo: object, name: str | None, flavour: str, backend: str, kwargs: dict[str, Any]
) -> Demo:
    """The demo meant, with its options checked before anything starts."""
    found = find_demo(demo, name, flavour)
    check_backend(backend)
    if backend != "asyncio" and found.lesson.flavour != "anyio":
        port = f"lessons_anyio.{found.lesson.name}"
        raise ValueError(
            f"{found.lesson.module} runs on asyncio only; for {backend} run the port"
            f" ({port}, or flavour='anyio')"
        )
    check_duration(kwargs.get("duration"))
    return found


#: How long the caller waits at a time for the demo's end: a Ctrl-C that did
#: not wake the wait is acted on within this (seconds).
_LOOK = 0.1


class _Worker(threading.Thread):
    """A demo's own thread: runs :func:`run_demo`, keeps its outcome."""

    def __init__(self, demo: Demo, kwargs: dict[str, Any]) -> None:
        super().__init__(name=f"lesson {demo.lesson.name} {demo.name}")
        self.demo, self.kwargs = demo, kwargs
        self.record: Record | None = None
        self.error: BaseException | None = None
        #: Set when the outcome is known.  Waited on instead of ``join()``:
        #: on Python 3.11 and 3.12 a ``join()`` interrupted by Ctrl-C marks the
        #: thread finished while it still runs (CPython gh-90882), and the
        #: next ``join()`` returns at once, before the demo's cleanup.
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.record = run_demo(self.demo, **self.kwargs)
        except BaseException as exc:  # handed to the caller, who raises it
            self.error = exc
        finally:
            self.done.set()

    def wait(self) -> None:
        """Wait for the demo to end.  Not ``join()``: on Python 3.11, a join
        that Ctrl-C interrupts marks the thread as stopped while it runs on.
        In short waits: Ctrl-C wakes a wait that has begun to block, but one
        that lands just before (or ``_thread.interrupt_main()``, which sends
        no signal) only sets Python's flag, which the next wait looks at."""
        while not self.done.wait(_LOOK):
            pass
        self.join()

    def outcome(self, interrupt: Interrupt, own: bool) -> Record:
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        assert self.record is not None
        if own and interrupt.requested:
            stopped = KeyboardInterrupt()
            stopped.record = self.record  # type: ignore[attr-defined]
            raise stopped
        return self.record


def _worker(
    demo: Demo, interrupt: Interrupt, virtual: bool | None, kwargs: dict[str, Any]
) -> _Worker:
    kwargs = {
        **kwargs,
        "virtual": virtual_from_env() if virtual is None else virtual,
        "interrupt": interrupt,
        # the streams given, else the caller's, now: from the worker, output
        # goes there live
        "stdout": sys.stdout if kwargs.get("stdout") is None else kwargs["stdout"],
        "stderr": sys.stderr if kwargs.get("stderr") is None else kwargs["stderr"],
    }
    return _Worker(demo, kwargs)


def run(
    demo: object,
    name: str | None = None,
    /,
    *,
    flavour: str = "asyncio",
    backend: str = "asyncio",
    virtual: bool | None = None,
    interrupt: Interrupt | None = None,
    **kwargs: Any,
) -> Record:
    """Run a demo and return its :class:`~common.record.Record` (see the module).

    ``demo``: a :class:`~common.lesson.Demo` (``w8s2.lesson["gather"]``), a
    demo's function (``w8s2.gather``), or a lesson's name and the demo's
    (``run("w8s8", "window", flavour="anyio")``; ``flavour``: ``asyncio``, the
    video's code, ``anyio``, the port, or ``modern``).  ``virtual=None``:
    virtual time if ``LESSONS_VIRTUAL_TIME`` says so.  Other keywords as
    :func:`run_demo` (``duration``, ``echo``, ``options``, ``debug``,
    ``loop_factory``, ``clock``, ``stdout``, ``stderr``: the output's streams,
    this thread's by default).  With an ``interrupt`` of your own, you press
    it, and a run it stopped returns its record instead of raising.
    """
    found = _prepare(demo, name, flavour, backend, kwargs)
    own = interrupt is None
    interrupt = interrupt if interrupt is not None else Interrupt()
    worker = _worker(found, interrupt, virtual, {**kwargs, "backend": backend})
    try:
        worker.start()
        worker.wait()
    except KeyboardInterrupt:
        # Ctrl-C, or the kernel's interrupt, in the waiting thread: the demo's
        if worker.ident is None:
            raise  # it came before the demo's thread started: nothing to stop
        interrupt.press()
        _join_through_ctrl_c(worker)
    return worker.outcome(interrupt, own)


def _join_through_ctrl_c(worker: _Worker) -> None:
    """Wait for the demo's cleanup; more Ctrl-C changes nothing (as on the
    command line): the demo is already stopping."""
    while True:
        try:
            worker.wait()
            return
        except KeyboardInterrupt:
            continue


def _running_backend() -> str | None:
    try:
        asyncio.get_running_loop()
        return "asyncio"
    except RuntimeError:
        pass
    trio = sys.modules.get("trio")
    if trio is not None and trio.lowlevel.in_trio_run():
        return "trio"
    return None


async def arun(
    demo: object,
    name: str | None = None,
    /,
    *,
    flavour: str = "asyncio",
    backend: str | None = None,
    virtual: bool | None = None,
    interrupt: Interrupt | None = None,
    **kwargs: Any,
) -> Record:
    """:func:`run` for ``async`` code: ``await arun(demo, ...)``.

    A port demo runs in the caller's loop if ``backend`` is the caller's (or
    ``None``), on the caller's clock (``virtual`` and ``loop_factory`` do not
    apply); anything else runs in a thread of its own while the caller's loop
    goes on.  Cancelling the caller stops the demo as Ctrl-C does, waits for
    its cleanup, and lets the cancellation go on.
    """
    import anyio
    import anyio.to_thread

    caller = _running_backend()
    found = find_demo(demo, name, flavour)
    if backend is None:  # the port on the caller's backend; the others on asyncio
        backend = (caller or "asyncio") if found.lesson.flavour == "anyio" else "asyncio"
    chosen = backend
    found = _prepare(found, None, flavour, chosen, kwargs)
    own = interrupt is None
    interrupt = interrupt if interrupt is not None else Interrupt()
    if found.lesson.flavour == "anyio" and found.is_async and chosen == caller:
        from common.run_port import run_port_here

        settings = RunSettings(chosen, virtual=False, debug=False, interrupt=interrupt)
        with running(settings):
            return await run_port_here(
                found,
                options=kwargs.get("options") or {},
                duration=kwargs.get("duration"),
                echo=kwargs.get("echo", True),
                interrupt=interrupt,
                stdout=kwargs.get("stdout"),
                stderr=kwargs.get("stderr"),
            )
    worker = _worker(found, interrupt, virtual, {**kwargs, "backend": chosen})
    worker.start()
    try:
        await anyio.to_thread.run_sync(worker.wait, abandon_on_cancel=True)
    except anyio.get_cancelled_exc_class():
        interrupt.press()
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(worker.wait)
        raise
    return worker.outcome(interrupt, own)

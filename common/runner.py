"""The lesson runner: one command line and one way to run a demo, for every lesson.

A lesson module registers its demos, in the order of the video, on a
:class:`Lesson`, and hands them to :meth:`Lesson.main` when run as a script::

    lesson = Lesson(__name__)

    @lesson.demo
    def gather():
        "two morceaux interleaved"
        ...

    if __name__ == "__main__":
        lesson.main()

The runner owns the event loop.

* Faithful demos (``lessons_asyncio``) are plain functions that use
  ``asyncio.get_event_loop()``, ``run_until_complete`` and ``run_forever`` as
  the videos do.  The runner creates a fresh loop for each demo (a virtual one
  in the tests) and sets it as current, so ``get_event_loop()`` finds it
  without the deprecation warning of Python 3.12+ (and the error of 3.14);
  it bounds ``run_forever`` with a timed ``loop.stop()``; at the end it cancels
  what is left, lets it finish, and closes the loop.
* Port demos (``lessons_anyio``) are ``async`` functions; the runner calls
  ``anyio.run`` on the chosen backend and bounds demos that run forever with a
  cancel scope.  A port demo may also be a plain function that calls
  :func:`run_anyio` itself (to show something about the run, as w8s5 does).

Ctrl-C stops the current demo at its next ``await``, lets its cleanup run,
prints one line and exits with 130.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import gc
import inspect
import math
import os
import signal
import sys
import warnings
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    contextmanager,
    nullcontext,
)
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

from common.record import Record, recording
from common.timer import Timer, use_timer
from common.virtual import (
    VirtualEventLoop,
    backend_options,
    blocking_sleep_moves_clock,
    virtual_advance,
    virtual_from_env,
    virtual_hold,
)

if TYPE_CHECKING:
    pass

BACKENDS = ("asyncio", "trio")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class DemoFailed(Exception):
    """Raised by a demo that failed for a reason outside the lesson (network…).

    The runner prints its message on one line and ends with exit code 1.
    ``said=True``: the demo has already said what went wrong, one line per
    problem as it happened (w8s4's failed downloads); the runner adds no line
    of its own, only the exit code.
    """

    def __init__(self, message: str, *, said: bool = False) -> None:
        super().__init__(message)
        self.said = said


@dataclass(frozen=True)
class Demo:
    """A named, runnable unit of a lesson."""

    name: str
    func: Callable[..., Any]
    lesson: Lesson
    #: For demos that run forever: the default bound, in seconds.
    forever: float | None = None
    #: A teaching addition that exists only in the port.
    port_only: bool = False
    #: ``False`` for a demo the project adds, which the video does not show.
    in_video: bool = True

    @property
    def description(self) -> str:
        doc = inspect.getdoc(self.func) or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


class Lesson:
    """The demos of one lesson module, in the order of the video."""

    def __init__(self, module_name: str) -> None:
        if module_name == "__main__":
            spec = getattr(sys.modules["__main__"], "__spec__", None)
            module_name = spec.name if spec is not None else module_name
        self.module = module_name
        package, _, self.name = module_name.rpartition(".")
        #: "asyncio" for the faithful versions, "modern" for asyncio as
        #: written today (``lessons_asyncio.modern``), "anyio" for the ports.
        if package.endswith("anyio"):
            self.flavour = "anyio"
        elif package.endswith(".modern"):
            self.flavour = "modern"
        else:
            self.flavour = "asyncio"
        self.demos: dict[str, Demo] = {}
        self._arguments: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self._setup: Callable[[Demo, dict[str, Any]], Any] | None = None

    @overload
    def demo(self, func: F) -> F: ...
    @overload
    def demo(
        self,
        *,
        name: str | None = None,
        forever: float | None = None,
        port_only: bool = False,
        in_video: bool = True,
    ) -> Callable[[F], F]: ...

    def demo(
        self,
        func: F | None = None,
        *,
        name: str | None = None,
        forever: float | None = None,
        port_only: bool = False,
        in_video: bool = True,
    ) -> F | Callable[[F], F]:
        """Register a demo; its docstring's first line describes it in ``--list``.

        ``in_video=False`` marks a demo that the project adds (the video does
        not show it); ``port_only=True`` implies it."""

        def register(f: F) -> F:
            demo_name = name or f.__name__
            if demo_name in self.demos:
                raise ValueError(f"{self.module}: demo {demo_name!r} registered twice")
            self.demos[demo_name] = Demo(
                demo_name, f, self, forever, port_only, in_video and not port_only
            )
            return f

        return register(func) if func is not None else register

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        """A lesson-specific command-line option; demos that take a parameter
        of the same name receive its value.

        An option whose ``dest`` is ``debug`` (a lesson's ``--debug`` flag) also
        runs asyncio in debug mode (see :func:`run_demo`)."""
        self._arguments.append((args, kwargs))

    def setup(self, func: F) -> F:
        """Register what is set up around each demo (w8s4: its HTTP server).

        Before each demo, ``func(demo, options)`` is called with all the
        options (the command line's, or ``run_demo(options=...)``).  It returns
        a context manager, an async one for the port's ``async`` demos, that
        the runner enters around the demo, inside its recording and its cancel
        scope; the dict it yields adds arguments for the demo, passed by
        parameter name as options are.  Not for port demos that are plain
        functions.
        """
        self._setup = func
        return func

    def names(self) -> list[str]:
        return list(self.demos)

    def __getitem__(self, name: str) -> Demo:
        return self.demos[name]

    def main(self, argv: Sequence[str] | None = None) -> NoReturn:
        sys.exit(main(self, argv))


# --------------------------------------------------------------------------
# Running one demo


@dataclass
class _RunSettings:
    backend: str
    virtual: bool
    debug: bool = False


_settings: contextvars.ContextVar[_RunSettings | None] = contextvars.ContextVar(
    "lessons_run_settings", default=None
)
_OUTSIDE_THE_RUNNER = _RunSettings("asyncio", False)


@dataclass
class _Interrupt:
    """Shared between the command line's SIGINT handler and the demo it stops."""

    #: Ctrl-C was pressed (by the user).
    requested: bool = False
    #: The bound of a demo that runs forever pressed it (the video's Ctrl-C).
    bound: bool = False
    #: The port's cancel scope, whose deadline is the bound.
    scope: Any = None
    #: How to stop the running demo, called from the signal handler; ``None``
    #: while no demo can be stopped (then the flag alone is set).
    wake: Callable[[], None] | None = None


#: The Ctrl-C state of the port demo being run (see :func:`interrupted`).
_current_interrupt: contextvars.ContextVar[_Interrupt | None] = contextvars.ContextVar(
    "lessons_interrupt", default=None
)


@contextmanager
def _handling_sigint(interrupt: _Interrupt) -> Iterator[None]:
    """Ctrl-C sets a flag at once and asks the demo to stop at a safe point.

    The handler runs between two bytecodes of the main thread, even during a
    blocking ``time.sleep``: it only sets the flag and calls ``wake``, which
    hands the real work to the event loop through its thread-safe entry
    (``call_soon_threadsafe``, ``run_sync_soon``), as asyncio.Runner and trio
    do for their own Ctrl-C.  A second Ctrl-C during the cleanup changes nothing.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        first = not interrupt.requested
        interrupt.requested = True
        if first and interrupt.wake is not None:
            interrupt.wake()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _kwargs_for(func: Callable[..., Any], options: dict[str, Any] | None) -> dict[str, Any]:
    if not options:
        return {}
    params = inspect.signature(func).parameters
    return {k: v for k, v in options.items() if k in params}


def _bound(demo: Demo, duration: float | None) -> float | None:
    if demo.forever is None:
        return None
    return duration if duration is not None else demo.forever


def run_demo(
    demo: Demo,
    *,
    backend: str = "asyncio",
    virtual: bool = False,
    duration: float | None = None,
    echo: bool = True,
    options: dict[str, Any] | None = None,
    debug: bool = False,
    _interrupt: _Interrupt | None = None,
) -> Record:
    """Run one demo as the command line does, and return what it printed, when.

    ``virtual=True`` runs it on a virtual clock: the recorded times are exact
    and no time is waited.  ``backend`` is ignored by faithful demos (asyncio).
    ``debug=True`` runs asyncio in debug mode (slow callbacks are logged, …):
    the faithful loop's ``set_debug(True)``, anyio's ``debug`` backend option
    on asyncio; trio has no such mode.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    if demo.lesson.flavour == "modern":
        backend = "asyncio"  # asyncio as written today: async demos, on asyncio only
    kwargs = _kwargs_for(demo.func, options)
    token = _settings.set(_RunSettings(backend, virtual, debug))
    try:
        if demo.lesson.flavour == "asyncio":
            return _run_faithful(demo, options or {}, virtual, duration, echo, _interrupt, debug)
        if demo.is_async:
            return _run_port(
                demo, options or {}, backend, virtual, duration, echo, _interrupt, debug
            )
        return _run_plain(demo, kwargs, echo)
    finally:
        _settings.reset(token)


def _setup(demo: Demo, options: dict[str, Any]) -> AbstractContextManager[dict[str, Any]]:
    """The lesson's setup around a faithful demo (see :meth:`Lesson.setup`)."""
    if demo.lesson._setup is None:
        return nullcontext({})
    return demo.lesson._setup(demo, options)  # type: ignore[no-any-return]


def _async_setup(
    demo: Demo, options: dict[str, Any]
) -> AbstractAsyncContextManager[dict[str, Any]]:
    """The lesson's setup around a port demo (see :meth:`Lesson.setup`)."""
    if demo.lesson._setup is None:
        return nullcontext({})
    return demo.lesson._setup(demo, options)  # type: ignore[no-any-return]


def _run_plain(demo: Demo, kwargs: dict[str, Any], echo: bool) -> Record:
    """A port demo that is a plain function (it calls :func:`run_anyio` itself)."""
    import time

    timer = Timer(time.monotonic)
    with use_timer(timer), recording(time.monotonic, echo=echo) as record:
        demo.func(**kwargs)
    return record


# -- faithful: the runner owns an asyncio loop --------------------------------


def _run_faithful(
    demo: Demo,
    options: dict[str, Any],
    virtual: bool,
    duration: float | None,
    echo: bool,
    interrupt: _Interrupt | None,
    debug: bool = False,
) -> Record:
    loop: asyncio.AbstractEventLoop = VirtualEventLoop() if virtual else asyncio.new_event_loop()
    if debug:
        loop.set_debug(True)
    asyncio.set_event_loop(loop)
    timer = Timer(loop.time)
    interrupt = interrupt if interrupt is not None else _Interrupt()
    bound = _bound(demo, duration)
    stopper = loop.call_later(bound, _press_ctrl_c, interrupt) if bound is not None else None
    advance = loop.advance if isinstance(loop, VirtualEventLoop) else None
    # the demo's tasks copy the context: interrupted() is theirs too, teardown included
    interrupt_token = _current_interrupt.set(interrupt)
    with use_timer(timer), recording(loop.time, echo=echo) as record:
        try:
            with blocking_sleep_moves_clock(advance):
                try:
                    # Ctrl-C interrupts the demo, not the lesson's setup around
                    # it (w8s4's server, started and stopped in a thread, would
                    # be left half-started): during the setup it is only noted,
                    # and raised as the demo starts.
                    with (
                        _setup(demo, options) as extra,
                        _interruptible(loop, interrupt),
                    ):
                        demo.func(**_kwargs_for(demo.func, {**options, **extra}))
                except KeyboardInterrupt as exc:
                    if not (interrupt.requested or interrupt.bound):
                        raise
                    _drop_what_ctrl_c_cut_short(exc)
        finally:
            if stopper is not None:
                stopper.cancel()
            _close_loop(loop)
            # Tasks and futures dropped by the demo report what they held
            # ("Task exception was never retrieved") when collected: now,
            # while the recording still runs, rather than at some later point.
            gc.collect()
            _current_interrupt.reset(interrupt_token)
    if interrupt.requested:
        record.stopped = "interrupt"
    elif interrupt.bound:
        record.stopped = "bound"
    return record


def _press_ctrl_c(interrupt: _Interrupt) -> None:
    """The bound of a faithful demo that runs forever, a loop callback: what
    the video's Ctrl-C gives the demo, a ``KeyboardInterrupt`` out of
    ``run_forever()`` (where the seed's ``except`` prints ``bye``)."""
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
    interrupted frames go now, with that one warning silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "unclosed <socket", ResourceWarning)
        exc.__traceback__ = None
        gc.collect()


@contextmanager
def _interruptible(loop: asyncio.AbstractEventLoop, interrupt: _Interrupt | None) -> Iterator[None]:
    """Ctrl-C raises ``KeyboardInterrupt`` in the faithful code, at a safe point.

    Raised from inside a task, the interrupt would be stored in that task (and
    in a ``gather`` waiting for it) and reported again as "never retrieved".
    While the loop runs, it is raised from a loop callback instead: it leaves
    ``run_forever()`` cleanly, where the seed's ``except KeyboardInterrupt:
    print("bye")`` catches it.  Outside the loop it is raised at once.
    """
    if interrupt is None:
        yield
        return
    armed = False

    def raise_interrupt() -> None:
        nonlocal armed
        if armed:
            armed = False
            raise KeyboardInterrupt

    def wake() -> None:
        nonlocal armed
        if loop.is_running():
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


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what the demo left running, let it finish, close the loop."""
    loop.set_exception_handler(_quiet_about_cancelled)
    try:
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
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        asyncio.set_event_loop(None)
        loop.close()


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


# -- port: anyio.run on the chosen backend ------------------------------------


def _run_port(
    demo: Demo,
    options: dict[str, Any],
    backend: str,
    virtual: bool,
    duration: float | None,
    echo: bool,
    interrupt: _Interrupt | None,
    debug: bool = False,
) -> Record:
    import anyio

    async def main() -> Record:
        return await run_async_demo(
            demo, duration=duration, echo=echo, options=options, _interrupt=interrupt
        )

    return anyio.run(
        main, backend=backend, backend_options=_backend_options(backend, virtual, debug)
    )


def _backend_options(backend: str, virtual: bool, debug: bool) -> dict[str, Any]:
    options = backend_options(backend, virtual=virtual)
    if debug and backend == "asyncio":
        options["debug"] = True
    return options


def _call_soon_threadsafe() -> Callable[[Callable[[], Any]], Any]:
    """The running loop's thread- and signal-safe way to schedule a call."""
    try:
        return asyncio.get_running_loop().call_soon_threadsafe
    except RuntimeError:
        import trio

        return trio.lowlevel.current_trio_token().run_sync_soon


async def run_async_demo(
    demo: Demo,
    *,
    duration: float | None = None,
    echo: bool = True,
    options: dict[str, Any] | None = None,
    _interrupt: _Interrupt | None = None,
) -> Record:
    """Run a port demo in the running event loop (the tests' own, for instance).

    Times are read from the running loop's clock; a demo that runs forever is
    bounded by a cancel scope (``duration``, else its default bound); Ctrl-C
    from the command line cancels the same scope.
    """
    import anyio

    from common.clock import best_clock

    clock = best_clock()
    options = options or {}
    bound = _bound(demo, duration)
    interrupt = _interrupt if _interrupt is not None else _Interrupt()
    with (
        use_timer(Timer(clock)),
        recording(clock, echo=echo) as record,
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
        interrupt_token = _current_interrupt.set(interrupt)
        try:
            async with _async_setup(demo, options) as extra:
                await demo.func(**_kwargs_for(demo.func, {**options, **extra}))
        finally:
            _current_interrupt.reset(interrupt_token)
            interrupt.wake = None
            interrupt.bound = bound is not None and scope.cancel_called and not interrupt.requested
            interrupt.scope = None
    if interrupt.requested:
        record.stopped = "interrupt"
    elif interrupt.bound:
        record.stopped = "bound"
    return record


def run_anyio(func: Callable[..., Awaitable[T]], *args: Any) -> T:
    """``anyio.run`` on the backend (and clock) of the demo being run.

    For port demos written as plain functions; outside the runner: asyncio.
    """
    import anyio

    settings = _settings.get() or _OUTSIDE_THE_RUNNER
    return anyio.run(
        func,
        *args,
        backend=settings.backend,
        backend_options=_backend_options(settings.backend, settings.virtual, settings.debug),
    )


def current_backend() -> str:
    """The backend chosen for the demo being run (``asyncio`` outside the runner)."""
    return (_settings.get() or _OUTSIDE_THE_RUNNER).backend


def interrupted() -> bool:
    """``True`` once Ctrl-C, or the bound of a demo that runs forever (which
    presses Ctrl-C for the user, as the video does), has asked the running
    demo to stop.

    The runner stops a port demo by cancelling its scope, so the demo's
    cleanup cannot tell that cancellation from one of its own (a task group
    that a task cancels) by itself.  Where the seed catches
    ``KeyboardInterrupt`` (its ``bye``), the port asks this, and prints what
    the seed prints on the same occasion.  Faithful demos get the ``KeyboardInterrupt`` itself; this
    tells shared code that runs in their tasks while they are torn down (w8s4's
    downloads, cut short by Ctrl-C, do not report a failure).  ``False``
    outside a demo.
    """
    interrupt = _current_interrupt.get()
    if interrupt is None:
        return False
    scope = interrupt.scope
    return interrupt.requested or interrupt.bound or (scope is not None and scope.cancel_called)


def run(demo: Demo | Callable[..., Any], **kwargs: Any) -> Record:
    """Run a demo from Python (a notebook, a script): ``run(w8s2.lesson["gather"])``."""
    if not isinstance(demo, Demo):
        demo = _find_demo(demo)
    return run_demo(demo, **kwargs)


def _find_demo(func: Callable[..., Any]) -> Demo:
    module = sys.modules.get(getattr(func, "__module__", ""), None)
    lesson = getattr(module, "lesson", None)
    if isinstance(lesson, Lesson):
        for demo in lesson.demos.values():
            if demo.func is func:
                return demo
    raise ValueError(f"{func!r} is not a registered demo")


# --------------------------------------------------------------------------
# The command line


def _port_only_demos(module: str) -> list[str]:
    """The port-only demos of the port ``module`` (for a faithful command line
    given one of them; imports the port, on this error path only)."""
    import importlib

    try:
        lesson = getattr(importlib.import_module(module), "lesson", None)
    except ImportError:
        return []
    if not isinstance(lesson, Lesson):
        return []
    return [demo.name for demo in lesson.demos.values() if demo.port_only]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (and exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def positive_seconds(text: str) -> float:
    """argparse type: a finite number of seconds, > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, not {text!r}")
    return value


def build_parser(lesson: Lesson) -> argparse.ArgumentParser:
    port = lesson.flavour == "anyio"
    what = {
        "anyio": "structured-concurrency port (anyio)",
        "modern": "asyncio as written today",
        "asyncio": "faithful asyncio version",
    }[lesson.flavour]
    parser = _Parser(
        prog=f"python -m {lesson.module}",
        description=f"Lesson {lesson.name}, {what}: run its demos in the order of the video.",
    )
    parser.add_argument(
        "demo", nargs="*", metavar="DEMO", help="demos to run (default: all, in order)"
    )
    parser.add_argument("--list", action="store_true", help="list the demos and exit")
    parser.add_argument(
        "--duration",
        type=positive_seconds,
        metavar="S",
        help="bound, in seconds, for the demos that run forever",
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="after each demo, a chart of when each activity ran",
    )
    parser.add_argument(
        "--backend",
        metavar="{asyncio,trio}",
        help="event loop for the port (default: asyncio)" if port else argparse.SUPPRESS,
    )
    for args, kwargs in lesson._arguments:
        parser.add_argument(*args, **kwargs)
    return parser


def main(lesson: Lesson, argv: Sequence[str] | None = None) -> int:
    """The command line of every lesson module; returns the exit code."""
    try:
        return _main(lesson, argv)
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BaseExceptionGroup as group:
        # trio delivers a Ctrl-C that arrives outside the demo's signal
        # receiver as a KeyboardInterrupt, possibly inside a task group.
        if group.subgroup(KeyboardInterrupt) is None:
            raise
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as a Unix tool does.
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        # The runner's own output failed (``> /dev/full``, a full disk): a
        # demo's failures are caught in _main, so this one is the output's.
        _silence_stdout()
        print(f"error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED


def _silence_stdout() -> None:
    """Send what is left of stdout nowhere, so that the interpreter's last
    flush at exit does not fail again (with a traceback of its own)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _main(lesson: Lesson, argv: Sequence[str] | None) -> int:
    parser = build_parser(lesson)
    args = parser.parse_args(argv)
    port_module = "lessons_anyio." + lesson.name
    if args.backend is not None:
        if lesson.flavour != "anyio":
            # point to a command that works: the backend given, if the port has it
            backend = args.backend if args.backend in BACKENDS else "trio"
            which = "faithful version" if lesson.flavour == "asyncio" else "modern asyncio version"
            parser.exit(
                EXIT_USAGE,
                f"{parser.prog}: error: this is the {which}, it runs on asyncio only;"
                f" for another backend run the port: python -m {port_module}"
                f" --backend {backend}\n",
            )
        if args.backend not in BACKENDS:
            parser.error(f"unknown backend {args.backend!r} (choose from {', '.join(BACKENDS)})")
    unknown = [name for name in args.demo if name not in lesson.demos]
    if unknown:
        if lesson.flavour != "anyio" and unknown[0] in _port_only_demos(port_module):
            parser.error(
                f"{unknown[0]!r} is a demo of the port only: python -m {port_module} {unknown[0]}"
            )
        parser.error(f"unknown demo {unknown[0]!r} (choose from {', '.join(lesson.names())})")
    if args.list:
        width = max(map(len, lesson.names()), default=0)
        for demo in lesson.demos.values():
            extra = (
                " [port only]"
                if demo.port_only
                else " [not in the video]"
                if not demo.in_video
                else ""
            )
            print(f"{demo.name:<{width}}  {demo.description}{extra}")
        return EXIT_OK

    backend = args.backend or "asyncio"
    options = {
        k: v
        for k, v in vars(args).items()
        if k not in ("demo", "list", "duration", "backend", "timeline")
    }
    selected = [lesson.demos[name] for name in args.demo] or list(lesson.demos.values())
    on = f" on {backend}" if lesson.flavour == "anyio" else ""
    status = EXIT_OK
    for demo in selected:
        print(f"=== {lesson.name} {demo.name}{on}: {demo.description}", flush=True)
        interrupt = _Interrupt()
        try:
            with _handling_sigint(interrupt):
                record = run_demo(
                    demo,
                    backend=backend,
                    virtual=virtual_from_env(),
                    duration=args.duration,
                    options=options,
                    debug=bool(options.get("debug")),
                    _interrupt=interrupt,
                )
        except BrokenPipeError:
            raise  # the reader left: not the demo's failure (see main)
        except DemoFailed as exc:
            if not exc.said:
                print(f"error: {demo.name}: {exc}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        except Exception as exc:  # a bug, not a lesson: say it in one line
            print(f"error: {demo.name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        output = record.text()
        if output and not output.endswith("\n"):
            # a demo stopped in the middle of a line (dots printed with
            # end=""): what the runner says next starts on a line of its own
            print()
        sys.stdout.flush()
        if record.stopped == "interrupt" or interrupt.requested:
            print(f"interrupted (Ctrl-C): {demo.name} stopped, its cleanup ran", file=sys.stderr)
            return EXIT_INTERRUPTED
        if record.stopped == "bound":
            bound = _bound(demo, args.duration)
            # the demo runs forever: the video stops it with Ctrl-C, so does the bound
            print(f"(Ctrl-C pressed by the bound after {bound:g} s; --duration S changes it)")
        if args.timeline:
            from common.timeline import print_timeline  # rich: only when asked for

            print_timeline(record, title=f"{demo.name}{on}")
    return status

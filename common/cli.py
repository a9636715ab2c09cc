"""The command line of every lesson module: ``python -m lessons_anyio.w8s8 …``.

Each demo runs in the main thread (:func:`common.api.run_demo`), with the
command line's SIGINT handler (:func:`common.ctrl_c.handling_sigint`) for
that demo only: Ctrl-C stops the current demo at its next ``await``, lets its
cleanup run, prints one line and exits with 130.  The bound of a demo that
runs forever presses Ctrl-C for the user (exit 0, one line says so).

Exit codes: 0 done (also when the reader of the output went away, ``| head``);
1 a demo failed, or the output cannot be written (``>&-``, a full disk);
2 a usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from common.api import MAX_DURATION, run_demo
from common.ctrl_c import Interrupt, handling_sigint
from common.lesson import BACKENDS, DemoFailed, Lesson
from common.virtual import ENV_VAR, virtual_from_env

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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
    """argparse type: a finite number of seconds, > 0 and at most what the
    clocks can count in (:data:`common.api.MAX_DURATION`)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, not {text!r}")
    if value > MAX_DURATION:
        raise argparse.ArgumentTypeError(f"at most {MAX_DURATION:g} seconds, not {text!r}")
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
        help=f"bound, in seconds (at most {MAX_DURATION:g}), for the demos that run forever",
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


def _is_ctrl_c(group: BaseExceptionGroup[BaseException]) -> bool:
    return group.subgroup(KeyboardInterrupt) is not None


def _only_broken_pipes(group: BaseExceptionGroup[BaseException]) -> bool:
    return group.split(BrokenPipeError)[1] is None


def main(lesson: Lesson, argv: Sequence[str] | None = None) -> int:
    """The command line of every lesson module; returns the exit code."""
    _usable_streams()
    try:
        return _main(lesson, argv)
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BaseExceptionGroup as group:
        # trio delivers a Ctrl-C that arrives outside the demo's signal
        # receiver as a KeyboardInterrupt, possibly inside a task group.
        if _is_ctrl_c(group):
            print("interrupted (Ctrl-C)", file=sys.stderr)
            return EXIT_INTERRUPTED
        if _only_broken_pipes(group):
            _silence_stdout()
            return EXIT_OK
        raise
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


def _usable_streams() -> None:
    """The streams the command line writes to, made safe to write to.

    Any output encoding: what it cannot say is escaped (the demos' ``é`` on an
    ASCII terminal is ``\\xe9``), not a traceback.  No stream at all (``>&-``
    closes it, and Python leaves ``sys.stdout`` as ``None``): the output goes
    nowhere, as if its reader had gone away, and the demos run as usual.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 (until exit)
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Send what is left of stdout nowhere, so that the interpreter's last
    flush at exit does not fail again (with a traceback of its own)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _main(lesson: Lesson, argv: Sequence[str] | None) -> int:
    parser = build_parser(lesson)
    args = parser.parse_args(argv)
    try:
        virtual = virtual_from_env()
    except ValueError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {exc}\n")
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
        interrupt = Interrupt()
        try:
            with handling_sigint(interrupt):
                record = run_demo(
                    demo,
                    backend=backend,
                    virtual=virtual,
                    duration=args.duration,
                    options=options,
                    debug=bool(options.get("debug")),
                    interrupt=interrupt,
                )
        except BrokenPipeError:
            raise  # the reader left: not the demo's failure (see main)
        except Exception as exc:
            if isinstance(exc, ExceptionGroup) and _only_broken_pipes(exc):
                raise  # the reader left, seen by a task group's task (see main)
            status = _failed(demo.name, exc)
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
            bound = demo.bound(args.duration)
            # the demo runs forever: the video stops it with Ctrl-C, so does the bound
            print(f"(Ctrl-C pressed by the bound after {bound:g} s; --duration S changes it)")
        if args.timeline:
            from common.timeline import print_timeline  # rich: only when asked for

            print_timeline(record, title=f"{demo.name}{on}")
    return status


def _failed(name: str, exc: BaseException) -> int:
    """A demo's failure: one line on stderr (unless it said it itself)."""
    if isinstance(exc, DemoFailed):
        if not exc.said:
            print(f"error: {name}: {exc}", file=sys.stderr)
    else:  # a bug, not a lesson: say it in one line
        print(f"error: {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return EXIT_FAILED


__all__ = ["ENV_VAR", "build_parser", "main", "positive_seconds"]

"""Recording a demo for the pages: on virtual time, quietly, the same on every build.

Each page shows four timelines per demo: the video's version and the modern
one on asyncio, the port on asyncio and on trio.  They are recorded on
virtual time, so that a page builds in seconds and is the same byte for byte
on every build (trio's scheduler is seeded for it:
:func:`common.virtual.repeatable_trio`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TextIO

from common.virtual import repeatable_trio

if TYPE_CHECKING:
    from common.record import Record
    from common.runner import Demo, Lesson

#: The timelines of a demo: (version, backend, caption).
TIMELINES = (
    ("video", "asyncio", "the video's asyncio"),
    ("modern", "asyncio", "asyncio today"),
    ("anyio", "asyncio", "anyio port on asyncio"),
    ("anyio", "trio", "anyio port on trio"),
)


def default_options(lesson: Lesson) -> dict[str, Any]:
    """The lesson's own command-line options at their defaults (as a bare run)."""
    from common.runner import build_parser

    args = vars(build_parser(lesson).parse_args([]))
    return {
        k: v
        for k, v in args.items()
        if k not in ("demo", "list", "duration", "backend", "timeline")
    }


def on_own_loop(demo: Demo) -> bool:
    """A demo of the port or the modern version written as a plain function:
    it runs its own event loop (``run_anyio``, ``asyncio.Runner``), which the
    runner does not put on virtual time."""
    return demo.lesson.flavour != "asyncio" and not demo.is_async


def record_demo(demo: Demo, backend: str) -> Record:
    """Run ``demo`` on virtual time, quietly, as a bare command line would.

    A demo that runs on its own loop (:func:`on_own_loop`) is recorded on the
    real clock: its lines are kept, in order, all at 0 s, so that the page
    does not change with the machine's speed.  Called where an event loop
    already runs (a Jupyter cell), the demo is recorded in a thread of its
    own, where it can have its loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # (not recorded in here: the demo's tracebacks would show this one)
    else:
        with ThreadPoolExecutor(1, thread_name_prefix="views-record") as pool:
            return pool.submit(_record, demo, backend).result()
    return _record(demo, backend)


#: One recording at a time in the process: what it sets for its time (the
#: warnings' filters and display, trio's repeatable scheduling, a log
#: handler) is process-wide, and two at once in two threads would restore
#: each other's settings in the wrong order.
_one_at_a_time = threading.Lock()


def _record(demo: Demo, backend: str) -> Record:
    from common.record import Chunk, Record
    from common.runner import run_demo

    with _one_at_a_time, warnings.catch_warnings():
        # As on the command line, warnings are shown (and so recorded), not
        # raised; "always", so that a second build records the same ones.
        warnings.simplefilter("always")
        # shown on stderr, where the record sees them, even under a host that
        # collects warnings itself (pytest, IPython)
        warnings.showwarning = _show_on_stderr
        with repeatable_trio(), _logging_on_stderr():
            record = run_demo(
                demo,
                backend=backend,
                virtual=True,
                echo=False,
                options=default_options(demo.lesson),
            )
    if on_own_loop(demo):
        chunks = [Chunk(0.0, c.text, c.stream) for c in record.chunks]
        return Record(chunks, duration=0.0, stopped=record.stopped)
    return record


def _show_on_stderr(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """What Python does with a warning it shows: a line on stderr."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


class _LastResort(logging.Handler):
    """What Python does with a log record that no handler takes (asyncio's
    "Task exception was never retrieved"): its message on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # pragma: no cover - as logging's own handlers do
            self.handleError(record)


@contextlib.contextmanager
def _logging_on_stderr() -> Iterator[None]:
    """Log records go to stderr, where the record sees them, as in a script
    that sets up no logging (Python's last resort, from warnings up), even
    under a host that collects them itself (pytest does): else the page
    made there would lack the lines a script shows.  (The handler is the
    process's while the demo runs: what another thread logs meanwhile goes
    to stderr too.)"""
    handler = _LastResort(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)

"""What the lessons import from the runner, in one place.

``from common.runner import Lesson, DemoFailed, interrupted, current_backend,
run_anyio, run`` — the lesson registry and what a demo may ask about its run
are imported at once (they are light); running machinery (``run``,
``run_demo``, the command line) only when asked for, so that a lesson's
start-up imports no more than it needs.  Where each part lives:

* :mod:`common.lesson` — :class:`Lesson`, :class:`Demo`, :class:`DemoFailed`;
* :mod:`common.current` — :func:`interrupted`, :func:`current_backend`,
  :func:`run_anyio`;
* :mod:`common.api` — :func:`run`, :func:`arun` (from Python, anywhere) and
  :func:`run_demo` (in this thread: the command line, the views, the tests);
* :mod:`common.cli` — :func:`main`, :func:`build_parser`,
  :func:`positive_seconds`;
* :mod:`common.ctrl_c` — :class:`Interrupt`, the command line's SIGINT handler;
* :mod:`common.run_faithful`, :mod:`common.run_port`, :mod:`common.run_modern`
  — running each flavour of demo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from common.current import current_backend, interrupted, run_anyio
from common.lesson import BACKENDS, Demo, DemoFailed, Lesson

if TYPE_CHECKING:
    from common.api import MAX_DURATION, arun, run, run_demo
    from common.cli import (
        EXIT_FAILED,
        EXIT_INTERRUPTED,
        EXIT_OK,
        EXIT_USAGE,
        build_parser,
        main,
        positive_seconds,
    )
    from common.ctrl_c import Interrupt

_LAZY = {
    "run": "common.api",
    "arun": "common.api",
    "run_demo": "common.api",
    "MAX_DURATION": "common.api",
    "main": "common.cli",
    "build_parser": "common.cli",
    "positive_seconds": "common.cli",
    "EXIT_OK": "common.cli",
    "EXIT_FAILED": "common.cli",
    "EXIT_USAGE": "common.cli",
    "EXIT_INTERRUPTED": "common.cli",
    "Interrupt": "common.ctrl_c",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "BACKENDS",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_DURATION",
    "Demo",
    "DemoFailed",
    "Interrupt",
    "Lesson",
    "arun",
    "build_parser",
    "current_backend",
    "interrupted",
    "main",
    "positive_seconds",
    "run",
    "run_anyio",
    "run_demo",
]

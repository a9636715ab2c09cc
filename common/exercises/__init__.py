"""Exercises graded by their schedule, on virtual time, on asyncio and trio.

From a terminal::

    python -m common.exercises list
    python -m common.exercises start w8s8_window [--dir D] [--force]
    python -m common.exercises check w8s8_window w8s8_window.py
    python -m common.exercises solution w8s8_window

From Python (a notebook)::

    from common.exercises import check
    check("w8s8_window", main)        # the entry function, or the module
    check("w8s8_window", "my.py")     # or a file

``check`` returns a :class:`~common.exercises.grader.Result`: true when every
backend passed; printed, the report; displayed in a notebook, the expected
and actual timelines.  It runs the code in this process (a notebook's
function cannot move to another one), so its budgets are softer than the
command line's, which grades in a subprocess with hard limits: see
:mod:`common.exercises.driver`.  Its real-time limits are
:class:`~common.exercises.watchdog.Limits` (``limits=``; the defaults unless
given).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from common.exercises.grader import Result
    from common.exercises.watchdog import Limits


def check(name: str, code: Any, *, limits: Limits | None = None) -> Result:
    """Grade ``code`` (a module, the entry function, or a file's path) as ``name``."""
    from common.exercises import driver, grader, learner
    from common.exercises.catalogue import get
    from common.exercises.model import Run

    exercise = get(name)
    if isinstance(code, str | Path):
        path = Path(code)
        try:
            source = learner.read_source(path)
            learner.compile_source(source, str(path))
        except learner.NotGradable as exc:
            runs = [
                Run(b, problem=exc.kind, message=exc.message, details=exc.details)
                for b in exercise.backends
            ]
            return grader.result(exercise, runs)
        loaded: list[learner.Code] = []

        def load(top: Any) -> learner.Code:
            loaded.append(learner.from_file(path, top))
            return loaded[0]

        return grader.result(exercise, driver.runs_here_loading(exercise, load, str(path), limits))
    try:
        loaded_code = learner.from_object(code, exercise.entry)
    except learner.NotGradable as exc:
        runs = [Run(b, problem=exc.kind, message=exc.message) for b in exercise.backends]
        return grader.result(exercise, runs)
    return grader.result(exercise, driver.runs_here(exercise, loaded_code, limits))


__all__ = ["check"]

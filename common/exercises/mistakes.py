"""Detectors the exercises share: each reads a run and says, in plain words,
what it did wrong, or ``None``.  Each is a function returning a detector."""

from __future__ import annotations

import re
from collections.abc import Callable

from common.exercises.compare import seconds
from common.exercises.model import Detector, Run


def _clean(run: Run) -> bool:
    """Shapes are judged on runs that neither blocked nor forgot an await."""
    return not run.blocking and not run.unawaited


def at_once(run: Run, start: str, end: str) -> tuple[int, float]:
    """The most activities running at once (lines matching ``start`` then
    ``end``, regexes), and the first instant it happened.  Ends count before
    starts at the same instant."""
    events = []
    for t, line in run.schedule:
        if re.fullmatch(start, line):
            events.append((t, 1))
        elif re.fullmatch(end, line):
            events.append((t, -1))
    running, most, when = 0, 0, 0.0
    for t, delta in sorted(events):
        running += delta
        if running > most:
            most, when = running, t
    return most, when


def too_many(start: str, end: str, limit: int, what: str) -> Detector:
    def found(run: Run) -> str | None:
        most, when = at_once(run, start, end)
        if most > limit and _clean(run):
            return f"at {seconds(when)}, {most} {what} ran at once (limit {limit})"
        return None

    return found


def too_few(start: str, end: str, limit: int, what: str) -> Detector:
    def found(run: Run) -> str | None:
        most, _ = at_once(run, start, end)
        if 0 < most < limit and _clean(run) and run.problem is None:
            if most == 1:
                return f"your {what} ran one after the other, never two at once"
            return f"never more than {most} {what} ran at once, where {limit} could"
        return None

    return found


def first_time(run: Run, line: str) -> float | None:
    return next((t for t, other in run.schedule if other == line), None)


def when(condition: Callable[[Run], bool], says: Callable[[Run], str]) -> Detector:
    """A detector from a condition and what to say when it holds."""

    def found(run: Run) -> str | None:
        return says(run) if condition(run) else None

    return found


def raised(error: str, containing: str = "") -> Callable[[Run], bool]:
    def condition(run: Run) -> bool:
        return run.problem == "exception" and run.error == error and containing in run.message

    return condition


def clean(run: Run) -> bool:
    return _clean(run)

"""Judge each run: passed or not, the first difference, the mistake and its hint.

A run passes when it ran to its end, printed the expected schedule (instant
by instant), held the loop nowhere and left no coroutine unawaited.  The
mistake is the first of the exercise's own detectors that recognises the
run, then the general ones below; its hint is the one shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.exercises import compare
from common.exercises.model import Exercise, Mistake, Run


def _blocking(run: Run) -> str | None:
    if run.problem == "held":
        return f"blocking call: {run.message}"
    if not run.blocking:
        return None
    b = run.blocking[0]
    return f"blocking call at {compare.seconds(b.time)}: {b.what} ({b.where})"


def _unawaited(run: Run) -> str | None:
    if not run.unawaited:
        return None
    names = ", ".join(f"{name}()" for name in run.unawaited)
    return f"a coroutine was never awaited: {names} was called but never ran"


def _problem(kind: str) -> Any:
    return lambda run: run.message if run.problem == kind else None


GENERAL = (
    Mistake(
        "endless loop",
        "Something never ends and never waits: a `while True` without an await that"
        " lets time pass? Every loop needs a way out.",
        _problem("cpu"),
    ),
    Mistake(
        "blocking call",
        "A blocking call (time.sleep, a long computation) keeps the event loop:"
        " nothing else runs meanwhile. Await the library's sleep instead"
        " (`await asyncio.sleep(…)`, `await anyio.sleep(…)`), or send the work to a thread.",
        _blocking,
    ),
    Mistake(
        "never awaited",
        "Calling a coroutine function runs nothing: it makes a coroutine. Put `await`"
        " before the call, or hand the coroutine function to a task group (or gather).",
        _unawaited,
    ),
    Mistake(
        "syntax", "Fix the syntax error at the line shown, then check again.", _problem("syntax")
    ),
    Mistake(
        "unreadable",
        "Give the path of a readable UTF-8 text file (your .py file).",
        _problem("unreadable"),
    ),
    Mistake(
        "missing name",
        "Keep the function the starter file asks for, under its name and with its"
        " `async def` or `def` (`python -m common.exercises start NAME` shows it).",
        _problem("missing"),
    ),
    Mistake(
        "runs too long",
        "Your code kept going long after the expected end: an endless loop with"
        " sleeps, or a task that nobody stops?",
        _problem("virtual"),
    ),
    Mistake(
        "waits for ever",
        "Every task is waiting for something that will never happen: a loop never"
        " stopped, a stream never closed, an event never set, a lock never released?",
        _problem("idle"),
    ),
    Mistake(
        "asyncio on trio",
        "On trio, asyncio's functions (asyncio.sleep, asyncio.gather…) find no asyncio"
        " loop: in an anyio exercise use anyio's (anyio.sleep, a task group…), which run"
        " on both.",
        lambda run: (
            "your code called asyncio on trio, where no asyncio loop runs"
            if run.backend == "trio" and run.problem == "exception" and "asyncio" in run.details
            else None
        ),
    ),
    Mistake(
        "exception",
        "Your code raised an exception: its traceback (your lines only) says where.",
        _problem("exception"),
    ),
    Mistake(
        "nothing yet",
        "Fill in the `...` of the starter file: the statement is in its docstring.",
        lambda run: (
            "your code printed nothing" if run.problem is None and not run.schedule else None
        ),
    ),
)

FALLBACK = "Compare the two timelines below: the first line marked ≠ is where yours departs."


@dataclass
class Outcome:
    """The judgement of one backend's run."""

    run: Run
    passed: bool
    difference: str
    mistake: str | None
    explanation: str
    hint: str


def judge(exercise: Exercise, run: Run) -> Outcome:
    difference = compare.first_difference(exercise.expected, run.schedule) or ""
    clean = run.problem is None and not run.blocking and not run.unawaited
    if clean and not difference:
        return Outcome(run, True, "", None, "", "")
    for mistake in (*exercise.mistakes, *GENERAL):
        try:
            found = mistake.found(run)
        except Exception:  # a detector must never be the one that fails
            found = None
        if found:
            return Outcome(run, False, difference, mistake.key, found, mistake.hint)
    return Outcome(run, False, difference, None, "", FALLBACK)


@dataclass
class Result:
    """What :func:`common.exercises.check` returns: one outcome per backend."""

    exercise: Exercise
    outcomes: list[Outcome]

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        from common.exercises.report import text

        return text(self)

    def __repr__(self) -> str:
        # what a notebook shows where it cannot show the HTML
        return str(self)

    def _repr_html_(self) -> str:
        from common.exercises.report import html

        return html(self)


def result(exercise: Exercise, runs: list[Run]) -> Result:
    return Result(exercise, [judge(exercise, run) for run in runs])

"""w8s7 — collect the results of tasks, and handle the one that fails."""

from __future__ import annotations

from common.exercises.compare import seconds
from common.exercises.mistakes import clean, first_time, when
from common.exercises.model import Exercise, Mistake, Run

EXPECTED = [
    (1.0, "compute(1) -> 1"),
    (1.5, "fail() raises"),
    (2.0, "compute(2) -> 4"),
    (3.0, "compute(3) -> 9"),
    (3.0, "results: [1, 4, 9]"),
    (3.0, "failed: ValueError('boom')"),
]


def _cancelled(run: Run) -> bool:
    return (
        not run.blocking
        and first_time(run, "fail() raises") == 1.5
        and first_time(run, "compute(2) -> 4") is None
    )


def _sequential(run: Run) -> bool:
    last = first_time(run, "compute(3) -> 9")
    return clean(run) and last is not None and last > 3


def _early(run: Run) -> str | None:
    early = [(t, line) for t, line in run.schedule if line.startswith("results") and t < 3]
    if early and clean(run) and first_time(run, "compute(3) -> 9") == 3:
        return f"you printed {early[0][1]!r} at {seconds(early[0][0])}, before the tasks ended"
    return None


def _mistakes(keep: str) -> tuple[Mistake, ...]:
    return (
        Mistake(
            "others cancelled",
            f"One failure must not stop the others: {keep}",
            when(
                _cancelled,
                lambda run: (
                    "when fail() raised at 1.5 s, compute(2) and compute(3) were"
                    " cancelled or left behind: they never finished"
                ),
            ),
        ),
        Mistake(
            "sequential",
            "Awaited one after the other, the tasks take 1 + 2 + 1.5 + 3 s: run them"
            " at the same time, and collect what each one gives.",
            when(
                _sequential,
                lambda run: (
                    "compute(3) ended at"
                    f" {seconds(first_time(run, 'compute(3) -> 9') or 0)}: the tasks ran one"
                    " after the other"
                ),
            ),
        ),
        Mistake(
            "results too early",
            "Print the results once every task is done: after the task group's block.",
            _early,
        ),
    )


EXERCISES = [
    Exercise(
        "w8s7_results",
        "w8s7",
        "asyncio",
        "collect the results of four tasks, one of which fails (asyncio)",
        EXPECTED,
        _mistakes(
            "`asyncio.gather(..., return_exceptions=True)` waits for every task and"
            " gives back each result or exception; plain gather raises the first"
            " exception, and a TaskGroup cancels the other tasks."
        ),
    ),
    Exercise(
        "w8s7_results_anyio",
        "w8s7",
        "anyio",
        "collect the results of four tasks in a task group, one of which fails (anyio)",
        EXPECTED,
        _mistakes(
            "a task group cancels all its tasks when one raises. Catch the exception"
            " inside the task (a small wrapper that keeps the result or the error)."
        ),
    ),
]

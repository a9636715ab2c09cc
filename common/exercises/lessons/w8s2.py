"""w8s2 — two coroutines, interleaved at their awaits."""

from __future__ import annotations

from common.exercises.compare import seconds
from common.exercises.mistakes import clean, first_time, when
from common.exercises.model import Exercise, Mistake, Run

RESULTS = "['run1 par morceaux', 'run2 par morceaux']"
EXPECTED = [
    (0.0, "run1 début"),
    (0.0, "run2 début"),
    (0.5, "run1 milieu"),
    (0.5, "run2 milieu"),
    (1.5, "run1 fin"),
    (1.5, "run2 fin"),
    (1.5, RESULTS),
]


def _sequential(run: Run) -> bool:
    start = first_time(run, "run2 début")
    return clean(run) and start is not None and start > 0


def _printed_early(run: Run) -> str | None:
    early = [(t, line) for t, line in run.schedule if line.startswith("[") and t < 1.5]
    if early and clean(run):
        t, line = early[0]
        return f"you printed the results ({line}) at {seconds(t)}, before the coroutines ended"
    return None


SEQUENTIAL = Mistake(
    "sequential",
    "Awaiting one coroutine, then the other, runs them one after the other: run"
    " them together (asyncio.gather, a task group) and wait for both.",
    when(
        _sequential,
        lambda run: (
            f"run2 began at {seconds(first_time(run, 'run2 début') or 0)},"
            " once run1 was over: the two ran one after the other"
        ),
    ),
)

EXERCISES = [
    Exercise(
        "w8s2_gather",
        "w8s2",
        "asyncio",
        "run two morceaux() at once and print their results (asyncio)",
        EXPECTED,
        (
            SEQUENTIAL,
            Mistake(
                "not waited",
                "asyncio.gather() starts the coroutines and returns a future: `await` it,"
                " or main ends (and the loop with it) before they do.",
                when(
                    lambda run: (
                        clean(run)
                        and run.problem is None
                        and bool(run.schedule)
                        and first_time(run, "run1 fin") is None
                    ),
                    lambda run: "main ended before the coroutines did: nothing waited for them",
                ),
            ),
        ),
    ),
    Exercise(
        "w8s2_taskgroup",
        "w8s2",
        "anyio",
        "run two morceaux() in a task group and print their results (anyio)",
        EXPECTED,
        (
            SEQUENTIAL,
            Mistake(
                "results too early",
                "A task group waits for its tasks when its `async with` block ends:"
                " print the results after the block, not inside it.",
                _printed_early,
            ),
        ),
    ),
]

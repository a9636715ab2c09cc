"""w8s6 — a task that forks another, and stopping the loop at the right time."""

from __future__ import annotations

from common.exercises.compare import seconds
from common.exercises.mistakes import clean, first_time, when
from common.exercises.model import Exercise, Mistake, Run

EXPECTED = [
    (0.0, ">>> c1"),
    (1.0, "forking"),
    (1.0, ">>> c2"),
    (2.0, "<<< c1"),
    (3.0, "<<< c2"),
    (3.0, "done"),
]


def _awaited(run: Run) -> bool:
    ended = first_time(run, "<<< c1")
    return clean(run) and first_time(run, ">>> c2") == 1.0 and (ended is None or ended > 2)


def _early(run: Run) -> bool:
    done = first_time(run, "done")
    return clean(run) and done is not None and done < 3 and first_time(run, "<<< c2") is None


def _mistakes(stop: str, fork: str) -> tuple[Mistake, ...]:
    return (
        Mistake(
            "never stopped",
            f"Nothing stops on its own here: c2, the last to end, must stop it ({stop}).",
            when(
                lambda run: run.problem == "idle" and first_time(run, "<<< c2") is not None,
                lambda run: (
                    "everything was over at 3 s, and then nothing stopped the loop:"
                    " it waited for ever"
                ),
            ),
        ),
        Mistake(
            "stopped too early",
            f"Stop when the last task is done: c2 ends after c1, so c2 stops ({stop}).",
            when(
                _early,
                lambda run: (
                    f"it was all stopped at {seconds(first_time(run, 'done') or 0)},"
                    " before c2 could end"
                ),
            ),
        ),
        Mistake(
            "awaited, not forked",
            f"Awaiting c2 makes c1 wait for it: fork it instead ({fork}) so that both run.",
            when(_awaited, lambda run: "c1 did not end at 2 s: it waited for c2"),
        ),
    )


EXERCISES = [
    Exercise(
        "w8s6_fork_stop",
        "w8s6",
        "asyncio",
        "c1 forks c2, and c2 stops the loop when it is done (asyncio)",
        EXPECTED,
        _mistakes("loop.stop()", "asyncio.ensure_future or loop.create_task"),
        kind="loop",
    ),
    Exercise(
        "w8s6_fork_stop_anyio",
        "w8s6",
        "anyio",
        "c1 forks c2 into the task group, and c2 ends it (anyio)",
        EXPECTED,
        _mistakes("tg.cancel_scope.cancel()", "tg.start_soon(c2, tg)"),
    ),
]

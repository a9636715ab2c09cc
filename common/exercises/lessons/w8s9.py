"""w8s9 — find and fix: the call that blocks the loop, the missing ``await``."""

from __future__ import annotations

from common.exercises.compare import seconds
from common.exercises.mistakes import clean, first_time, when
from common.exercises.model import Exercise, Mistake, Run

WORKERS = ("a", "b", "c")
BLOCKING = [
    *((0.0, f"{name} starts") for name in WORKERS),
    *((1.0, f"{name} ends") for name in WORKERS),
]
AWAIT = [
    (0.0, "a tick"),
    (0.0, "b tick"),
    (1.0, "a tock"),
    (1.0, "b tock"),
    (1.0, "done"),
]


def _sequential(run: Run) -> bool:
    last = first_time(run, "c ends")
    return clean(run) and last is not None and last > 1


SEQUENTIAL = Mistake(
    "sequential",
    "The sleep is fixed, but the workers are awaited one after the other: run them"
    " together (asyncio.gather) so that they wait at the same time.",
    when(
        _sequential,
        lambda run: (
            f"c ended at {seconds(first_time(run, 'c ends') or 0)}: the workers"
            " ran one after the other"
        ),
    ),
)

EXERCISES = [
    Exercise(
        "w8s9_blocking",
        "w8s9",
        "asyncio",
        "find and fix the call that blocks the event loop (asyncio)",
        BLOCKING,
        (SEQUENTIAL,),
    ),
    Exercise(
        "w8s9_missing_await",
        "w8s9",
        "anyio",
        "find and fix the two missing awaits (anyio)",
        AWAIT,
    ),
]

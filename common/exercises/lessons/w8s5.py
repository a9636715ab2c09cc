"""w8s5 — an awaitable written by hand: ``__await__`` returns an iterator."""

from __future__ import annotations

from common.exercises.mistakes import clean, raised, when
from common.exercises.model import Exercise, Mistake, Run

EXPECTED = [(0.0, "3"), (1.0, "2"), (2.0, "1"), (3.0, "liftoff")]


def _bad_yield(run: Run) -> bool:
    message = run.message.lower()
    return run.problem == "exception" and "yield" in message and "coroutine" not in message


def _no_wait(run: Run) -> bool:
    return clean(run) and len(run.schedule) > 1 and all(t == 0 for t, _ in run.schedule)


def _mistakes(sleep: str) -> tuple[Mistake, ...]:
    return (
        Mistake(
            "__await__ returns a coroutine",
            "`__await__` must return an iterator: write it as a generator (with"
            f" `yield from`), e.g. `yield from {sleep}(1).__await__()`; an `async def`"
            " __await__, or one that returns a coroutine, is refused.",
            when(
                raised("TypeError", "__await__() returned"),
                lambda run: (
                    "your __await__ "
                    + run.message.split("__await__() ")[-1]
                    + ", where an iterator was expected"
                ),
            ),
        ),
        Mistake(
            "bad yield",
            "What `__await__` yields goes to the event loop, which understands only what"
            f" its own awaitables yield: delegate with `yield from {sleep}(1).__await__()`"
            " instead of yielding a value of your own.",
            when(
                _bad_yield,
                lambda run: (
                    "your __await__ yielded a value of its own to the event loop, which refused it"
                ),
            ),
        ),
        Mistake(
            "no waiting",
            f"Each step must wait one second on the loop's clock: `yield from {sleep}(1)"
            ".__await__()` between two prints.",
            when(_no_wait, lambda run: "everything was printed at 0 s: nothing waited"),
        ),
    )


EXERCISES = [
    Exercise(
        "w8s5_awaitable",
        "w8s5",
        "asyncio",
        "write an awaitable countdown by hand, with __await__ (asyncio)",
        EXPECTED,
        _mistakes("asyncio.sleep"),
    ),
    Exercise(
        "w8s5_awaitable_anyio",
        "w8s5",
        "anyio",
        "write an awaitable countdown by hand that runs on asyncio and trio (anyio)",
        EXPECTED,
        _mistakes("anyio.sleep"),
    ),
]

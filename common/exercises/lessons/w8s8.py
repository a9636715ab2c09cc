"""w8s8 — a window of tokens, and a producer/consumer that ends cleanly."""

from __future__ import annotations

from common.exercises.compare import seconds
from common.exercises.mistakes import clean, first_time, raised, too_few, too_many, when
from common.exercises.model import Exercise, Mistake, Run, Schedule

JOBS, TOKENS = 10, 4
START, END = r">>> job\d+", r"<<< job\d+"


def duration(i: int) -> int:
    return (i % 3) + 1


def window_schedule(count: int = JOBS, tokens: int = TOKENS) -> Schedule:
    """Jobs take a token in order (first come, first served) and hold it for
    their duration; a token given back at t is taken again at t."""
    schedule: Schedule = []
    waiting = list(range(count))
    running: list[tuple[float, int]] = []  # (end, job)
    now = 0.0
    while waiting or running:
        for end, i in [r for r in running if r[0] == now]:
            running.remove((end, i))
            schedule.append((now, f"<<< job{i}"))
        while waiting and len(running) < tokens:
            i = waiting.pop(0)
            running.append((now + duration(i), i))
            schedule.append((now, f">>> job{i}"))
        if running:
            now = min(end for end, _ in running)
    return schedule


def _out_of_order(run: Run) -> str | None:
    """The right number of jobs starts at each instant, but not the right ones."""
    expected = window_schedule()

    def counts(schedule: Schedule) -> list[tuple[float, int]]:
        times = sorted({t for t, line in schedule if line.startswith(">>>")})
        return [(t, sum(1 for u, s in schedule if u == t and s.startswith(">>>"))) for t in times]

    if clean(run) and counts(run.schedule) == counts(expected) and run.schedule != expected:
        for t, line in expected:
            if line.startswith(">>>") and first_time(run, line) != t:
                return (
                    f"the right number of jobs started at each instant, but not the right"
                    f" ones: {line.split()[1]} started at {seconds(first_time(run, line) or 0)},"
                    f" its turn was at {seconds(t)}"
                )
    return None


def _window_mistakes(limiter: str) -> tuple[Mistake, ...]:
    return (
        Mistake(
            "no limit",
            f"Every job must take a token from the same {limiter} (created once, in"
            " main, and handed to each job) before it starts, and give it back when it ends.",
            too_many(START, END, TOKENS, "jobs"),
        ),
        Mistake(
            "sequential",
            "Awaiting each job in turn runs them one after the other: start them all"
            " concurrently and let the tokens do the limiting.",
            too_few(START, END, 2, "jobs"),
        ),
        Mistake(
            "wrong window",
            f"The window has {TOKENS} tokens: {TOKENS} jobs at once, no fewer.",
            too_few(START, END, TOKENS, "jobs"),
        ),
        Mistake(
            "out of order",
            "Tasks started together start in any order on trio. Start each job with"
            " `await tg.start(job, …)` and call `task_status.started()` once it holds"
            " its token: the next job is started only then, so they queue in order.",
            _out_of_order,
        ),
    )


def _pipeline() -> Schedule:
    ticks = [(float(i - 1), f"{verb} tick{i}") for i in range(1, 6) for verb in ("sent", "got")]
    return [*ticks, (5.0, "consumer done"), (5.0, "done")]


PIPELINE_MISTAKES = (
    Mistake(
        "stream never closed",
        "The consumer's `async for` ends when the stream is closed: the producer must"
        " close its end when it is done (`async with send_stream:` around its loop).",
        when(
            lambda run: run.problem == "idle" and first_time(run, "got tick5") is not None,
            lambda run: (
                "the consumer got tick5, then waited for ever for another item:"
                " the producer never closed its end of the stream"
            ),
        ),
    ),
    Mistake(
        "receive after the end",
        "`receive()` on a closed, empty stream raises EndOfStream: iterate with"
        " `async for item in receive_stream:`, which stops there.",
        when(
            raised("EndOfStream"),
            lambda run: "the consumer asked for an item after the producer had closed the stream",
        ),
    ),
    Mistake(
        "not concurrent",
        "The producer and the consumer must run at the same time: start both in one"
        " task group. With a buffer of 0, a send waits for a receive.",
        when(
            lambda run: run.problem == "idle" and first_time(run, "got tick1") is None,
            lambda run: "the producer waited at its first send for a consumer that never started",
        ),
    ),
)

EXERCISES = [
    Exercise(
        "w8s8_window",
        "w8s8",
        "asyncio",
        "a window of 4 tokens over 10 jobs (asyncio.Semaphore)",
        window_schedule(),
        _window_mistakes("asyncio.Semaphore"),
    ),
    Exercise(
        "w8s8_window_anyio",
        "w8s8",
        "anyio",
        "a window of 4 tokens over 10 jobs, in order on trio too (anyio)",
        window_schedule(),
        _window_mistakes("anyio.Semaphore"),
    ),
    Exercise(
        "w8s8_pipeline",
        "w8s8",
        "anyio",
        "a producer and a consumer over a memory stream, ending cleanly (anyio)",
        _pipeline(),
        PIPELINE_MISTAKES,
    ),
]

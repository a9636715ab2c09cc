"""w8s4 — downloads from the embedded server: a limit, and a timeout per download.

Six documents, at most 2 at a time, each given 1.5 s; the server takes 1 s
per document, and never answers for the third (it hangs).  Downloads take a
slot in order, so (n0 … n5 the documents):

* 0 s: n0 and n1 start; 1 s: they arrive, n2 and n3 start;
* 2 s: n3 arrives, n4 starts; 2.5 s: n2 times out, n5 starts;
* 3 s: n4 arrives; 3.5 s: n5 arrives.
"""

from __future__ import annotations

from common.exercises.compare import seconds
from common.exercises.documents import LIMIT, NAMES, STALLED, TIMEOUT, document_size, served
from common.exercises.mistakes import first_time, too_few, too_many, when
from common.exercises.model import Exercise, Mistake, Run, Schedule


def done(name: str) -> str:
    return f"{name}: timed out" if name == STALLED else f"{name}: {document_size(name)} bytes"


def _expected() -> Schedule:
    n = NAMES
    starts = [0.0, 0.0, 1.0, 1.0, 2.0, 2.5]
    ends = [1.0, 1.0, 2.5, 2.0, 3.0, 3.5]
    schedule = [(t, f"fetching {name}") for t, name in zip(starts, n, strict=True)]
    schedule += [(t, done(name)) for t, name in zip(ends, n, strict=True)]
    return sorted(schedule, key=lambda item: item[0])


START, END = r"fetching .*", r".*: (\d+ bytes|timed out)"
#: when the last download ends
LAST = 3.5


def _no_timeout(run: Run) -> bool:
    # waits for ever, or until the client's own default timeout (aiohttp: 5 min)
    late = "Timeout" in run.error and run.end > LAST
    stuck = run.problem in ("idle", "virtual") or late
    return stuck and first_time(run, done(STALLED)) is None


def _one_timeout(run: Run) -> bool:
    return not run.blocking and run.end <= TIMEOUT and first_time(run, done(NAMES[3])) is None


def _mistakes(timeout: str, limit: str) -> tuple[Mistake, ...]:
    return (
        Mistake(
            "no limit",
            f"At most {LIMIT} downloads at a time: each takes a slot ({limit}, made once"
            " and shared) before it starts, and gives it back when it is done.",
            too_many(START, END, LIMIT, "downloads"),
        ),
        Mistake(
            "no timeout",
            f"A server may never answer: give each download {TIMEOUT:g} s ({timeout}"
            " around that download only), then print that it timed out.",
            when(
                _no_timeout,
                lambda run: (
                    f"the download of {STALLED} never ended in time: without a timeout of"
                    " your own, a server that does not answer holds its slot"
                    + (f" (here until {seconds(run.end)})" if run.problem == "exception" else "")
                ),
            ),
        ),
        Mistake(
            "one timeout for all",
            f"The timeout is per download: put {timeout} inside the task, around its"
            " request, not around the whole batch.",
            when(
                _one_timeout,
                lambda run: (
                    f"everything stopped at {seconds(run.end)}: the timeout covered"
                    " all the downloads, not each one"
                ),
            ),
        ),
        Mistake(
            "sequential",
            "Downloads awaited one after the other never overlap: start them all, and"
            " let the slots do the limiting.",
            too_few(START, END, LIMIT, "downloads"),
        ),
    )


EXERCISES = [
    Exercise(
        "w8s4_fetch",
        "w8s4",
        "asyncio",
        "download 6 documents, 2 at a time, 1.5 s each at most (asyncio, aiohttp)",
        _expected(),
        _mistakes("asyncio.timeout", "an asyncio.Semaphore"),
        arguments=served,
    ),
    Exercise(
        "w8s4_fetch_anyio",
        "w8s4",
        "anyio",
        "download 6 documents, 2 at a time, 1.5 s each at most (anyio, httpx)",
        _expected(),
        _mistakes("anyio.fail_after or move_on_after", "an anyio.Semaphore"),
        arguments=served,
    ),
]

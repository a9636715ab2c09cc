"""``window`` at scale: N jobs of zero duration, at most 4 at a time.

The lessons' ``job`` prints two timer lines and sleeps ``(i % 3) + 1``
seconds, so it cannot be run 100,000 times as it is.  The variants below are
the lessons' code with the duration set to 0 and the two ``show_timer``
lines left out (200,000 lines would measure the terminal, not the window);
everything else is structurally the lesson's, line for line:

* faithful (``lessons_asyncio/w8s8.py``): a queue of size 4 is the window;
  every job is a task from the start (``ensure_future`` in a loop), takes a
  token with ``put(None)``, sleeps its duration, gives the token back with
  ``get()``.  The video then calls ``run_forever()``; here the loop runs
  until every job is done (``run_until_complete(asyncio.wait(tasks))``), so
  that the run ends and can be timed;
* port (``lessons_anyio/w8s8.py``): a ``CapacityLimiter(4)``; each job holds
  a token with ``async with`` and says ``task_status.started()``; the parent
  starts them one at a time with ``await tg.start(job, i, window)``, so at
  most 5 tasks exist at once (4 working, 1 waiting).

``await sleep(0)`` is kept: it is the job's "work", a checkpoint at which the
job holds its token and the others run, as the lesson's sleep is.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio

from benchmarks.report import Log, Section, Table, median, megabytes

VARIANTS = {
    "faithful-asyncio": "faithful (queue of tokens), asyncio",
    "port-asyncio": "port (CapacityLimiter + tg.start), asyncio",
    "port-trio": "port (CapacityLimiter + tg.start), trio",
}
WINDOW = 4


# -- faithful: lessons_asyncio/w8s8.py's job and window demo, duration 0 -------


async def faithful_job(i: int, window: asyncio.Queue[None]) -> None:
    # prendre un jeton dans la queue (take a token: wait while the queue is full)
    await window.put(None)
    duration = 0
    # (the lesson's show_timer(">>>", message) is left out)
    await asyncio.sleep(duration)
    # (the lesson's show_timer("<<<", message) is left out)
    # libérer le jeton (give the token back)
    await window.get()


def faithful_window(jobs: int) -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        window: asyncio.Queue[None] = asyncio.Queue(maxsize=WINDOW)
        tasks = [asyncio.ensure_future(faithful_job(i, window)) for i in range(jobs)]
        # the lesson's run_forever(), until every job is done
        loop.run_until_complete(asyncio.wait(tasks))
    finally:
        asyncio.set_event_loop(None)
        loop.close()


# -- port: lessons_anyio/w8s8.py's job and window demo, duration 0 -------------


async def port_job(
    i: int, window: anyio.CapacityLimiter, *, task_status: Any = anyio.TASK_STATUS_IGNORED
) -> None:
    # prendre un jeton (take a token: wait until one of the 4 is free)
    async with window:
        task_status.started()
        duration = 0
        # (the lesson's show_timer(">>>", message) is left out)
        await anyio.sleep(duration)
        # (the lesson's show_timer("<<<", message) is left out)


async def port_demo_window(jobs: int) -> None:
    window = anyio.CapacityLimiter(WINDOW)
    async with anyio.create_task_group() as tg:
        for i in range(jobs):
            await tg.start(port_job, i, window)


def port_window(jobs: int, backend: str) -> None:
    anyio.run(port_demo_window, jobs, backend=backend)


# -- one measurement (in a fresh process: see benchmarks.worker) ---------------


def _run(variant: str, jobs: int) -> None:
    if variant == "faithful-asyncio":
        faithful_window(jobs)
    elif variant in ("port-asyncio", "port-trio"):
        port_window(jobs, variant.split("-", 1)[1])
    else:
        raise ValueError(f"unknown variant {variant!r}")


def _maxrss_bytes() -> int:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def measure(
    variant: str, jobs: int, *, trace: bool = False, collect: bool = True
) -> dict[str, Any]:
    """Time (perf_counter) and memory of one run of ``variant`` with ``jobs`` jobs.

    Without ``trace``: the time, and how much the peak resident set grew
    during the run.  With ``trace``: tracemalloc's peak of Python allocations
    during the run (it slows the run down, so its time is not reported).
    ``collect=False`` turns the cyclic garbage collector off for the run.
    """
    # imports and the backend's first-use costs are paid before the clock
    # starts: a tiny run of the same variant
    _run(variant, 8)
    if not collect:
        gc.disable()
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        _run(variant, jobs)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"peak_bytes": peak - base}
    rss_before = _maxrss_bytes()
    with _gc_watch() as collections:
        start = time.perf_counter()
        _run(variant, jobs)
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rss_growth_bytes": _maxrss_bytes() - rss_before,
        "gc_seconds": collections["seconds"],
        "gc_full": collections["full"],
    }


@contextmanager
def _gc_watch() -> Iterator[dict[str, float]]:
    """How long the cyclic garbage collector ran, and how many full collections."""
    seen = {"seconds": 0.0, "full": 0}
    started = 0.0

    def callback(phase: str, info: dict[str, int]) -> None:
        nonlocal started
        if phase == "start":
            started = time.perf_counter()
        else:
            seen["seconds"] += time.perf_counter() - started
            seen["full"] += info["generation"] == 2

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


# -- the section ----------------------------------------------------------------


def run(*, quick: bool, log: Log = print) -> Section:
    from benchmarks.worker import call_worker

    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    repeats = 1 if quick else 3
    section = Section(
        "5. `window` at scale",
        intro=[
            f"{sizes[-1]:,} jobs of zero duration through a window of {WINDOW}. *Faithful*:"
            " the queue-of-tokens pattern of `lessons_asyncio/w8s8.py`, every job a task"
            " from the start; *port*: the `CapacityLimiter` of `lessons_anyio/w8s8.py`,"
            " jobs started one at a time with `await tg.start(job, i, window)`, so at most"
            f" {WINDOW + 1} tasks exist. Both are the lessons' `job` and `window` code with"
            " the duration set to 0 and the two `show_timer` lines left out"
            " (`benchmarks/window.py` shows them side by side with the lessons).",
            f"Each number comes from a fresh process. *Time*: `perf_counter` around the"
            f" run, median of {repeats}. *Peak memory*: `tracemalloc`'s peak of Python"
            " allocations during the run, in a separate run (tracemalloc slows the"
            " interpreter down, so it is never on while timing): it counts exactly what"
            " the pattern allocates (tasks, coroutine frames, futures, waiters), where"
            " `ru_maxrss` adds the interpreter and its modules and moves by whole pages."
            " *RSS growth*: how much `ru_maxrss` grew during the timed run, as a cross-check."
            " Imports and the backend's first use are paid before the clock starts (a run"
            " of 8 jobs).",
        ],
    )
    table = Table(
        [
            "variant",
            "jobs",
            "time (s)",
            "µs per job",
            "peak memory (MB)",
            "bytes per job",
            "RSS growth (MB)",
        ]
    )
    results: dict[tuple[str, int], tuple[float, int]] = {}
    gc_on: dict[int, tuple[float, float, float]] = {}
    for variant, label in VARIANTS.items():
        for jobs in sizes:
            log(f"  window {variant} x {jobs:,}…")
            timed = [
                call_worker({"task": "window", "variant": variant, "jobs": jobs}, timeout=600)
                for _ in range(repeats)
            ]
            traced = call_worker(
                {"task": "window", "variant": variant, "jobs": jobs, "trace": True}, timeout=900
            )
            seconds = median(t["seconds"] for t in timed)
            rss = median(t["rss_growth_bytes"] for t in timed)
            peak = int(traced["peak_bytes"])
            results[variant, jobs] = (seconds, peak)
            if variant == "faithful-asyncio":
                gc_on[jobs] = (
                    seconds,
                    median(t["gc_seconds"] for t in timed),
                    median(t["gc_full"] for t in timed),
                )
            table.rows.append(
                [
                    label,
                    f"{jobs:,}",
                    f"{seconds:.3f}",
                    f"{seconds / jobs * 1e6:.1f}",
                    megabytes(peak),
                    f"{peak / jobs:,.0f}",
                    megabytes(rss),
                ]
            )
    section.tables.append(table)
    first, last = sizes[0], sizes[-1]
    growth = Table(
        ["variant", f"time x, {first:,} → {last:,} jobs", "peak memory x"],
        caption=f"How both grow from {first:,} to {last:,} jobs ({last // first}x the jobs):",
    )
    for variant, label in VARIANTS.items():
        (t0, m0), (t1, m1) = results[variant, first], results[variant, last]
        growth.rows.append([label, f"{t1 / t0:.0f}x", f"{m1 / m0:.1f}x"])
    section.tables.append(growth)
    versus = Table(
        ["jobs", "time: faithful ÷ port (asyncio)", "peak memory: faithful ÷ port (asyncio)"],
        caption="Faithful against port on the same backend (asyncio):",
    )
    for jobs in sizes:
        (tf, mf), (tp, mp) = results["faithful-asyncio", jobs], results["port-asyncio", jobs]
        versus.rows.append([f"{jobs:,}", f"{tf / tp:.2f}", f"{mf / mp:,.0f}"])
    section.tables.append(versus)
    (tf, mf), (tp, mp) = results["faithful-asyncio", last], results["port-asyncio", last]
    section.targets.append(
        [
            f"`window` at {last:,} jobs: time and peak memory reported",
            f"faithful {tf:.2f} s, {megabytes(mf)} MB; port (asyncio) {tp:.2f} s,"
            f" {megabytes(mp)} MB",
            "reported",
        ]
    )
    section.tables.append(gc_table(sizes, repeats, gc_on, log))
    return section


def gc_table(
    sizes: tuple[int, ...],
    repeats: int,
    gc_on: dict[int, tuple[float, float, float]],
    log: Log,
) -> Table:
    """Why the faithful pattern's time per job grows: the cyclic GC."""
    from benchmarks.worker import call_worker

    table = Table(
        [
            "jobs",
            "time, GC on (s)",
            "of which in the GC (s)",
            "full collections",
            "time, GC off (s)",
            "µs per job, GC on / off",
        ],
        caption=(
            "Why the faithful time per job grows with the jobs: the cyclic garbage"
            " collector, timed during the same runs (`gc.callbacks`), then the runs"
            f" again with it off (`gc.disable()`; medians of {repeats}). With every job"
            " a live task from the start, each full collection walks all of them, and"
            " the run's allocations trigger several: the work grows faster than the"
            f" jobs. The port never has more than {WINDOW + 1} tasks alive to walk."
        ),
    )
    for jobs in sizes:
        log(f"  window faithful-asyncio x {jobs:,}, GC off…")
        off = median(
            call_worker(
                {"task": "window", "variant": "faithful-asyncio", "jobs": jobs, "collect": False},
                timeout=600,
            )["seconds"]
            for _ in range(repeats)
        )
        on, in_gc, full = gc_on[jobs]
        table.rows.append(
            [
                f"{jobs:,}",
                f"{on:.3f}",
                f"{in_gc:.3f}",
                f"{full:g}",
                f"{off:.3f}",
                f"{on / jobs * 1e6:.1f} / {off / jobs * 1e6:.1f}",
            ]
        )
    return table

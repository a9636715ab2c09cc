"""The test suite: its time against a yardstick measured in the same run, and
the lesson time it simulates.

The yardstick is ``python -c "import asyncio, anyio, trio"``: what any run of
a lesson pays before it starts.  A ratio to it, rather than seconds, says how
heavy the suite is whatever the machine, and whatever else runs on it while
both are measured; the CPU time (user + system, the suite's subprocesses
included) says how much work it is, however many cores share it.
"""

from __future__ import annotations

import dataclasses
import os
import pkgutil
import re
import resource
import subprocess
import sys
import time
from collections.abc import Sequence

from benchmarks.report import Log, Section, Table, median, ratio, secs, verdict
from benchmarks.worker import ROOT, WorkerFailed, call_worker, worker_env

#: The whole suite, median of 3, in at most this many times the yardstick.
TARGET = 200.0
YARDSTICK = [sys.executable, "-c", "import asyncio, anyio, trio"]
SUMMARY = re.compile(r"^=*\s*(\d+ passed.*?) in ([0-9.]+)s", re.MULTILINE)
SLOWEST = re.compile(r"^([0-9.]+)s (call|setup|teardown)\s+(\S+)$", re.MULTILINE)


def lesson_modules() -> list[str]:
    """Every lesson module of the three flavours (faithful, modern, port), in order."""
    import lessons_anyio
    import lessons_asyncio
    import lessons_asyncio.modern

    return [
        f"{package.__name__}.{info.name}"
        for package in (lessons_asyncio, lessons_asyncio.modern, lessons_anyio)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name)
        # lessons_asyncio holds the modern subpackage: not a lesson
        if not info.ispkg
    ]


@dataclasses.dataclass(frozen=True)
class Timed:
    """How long a command took: wall-clock seconds, and CPU seconds (user +
    system, its own and its waited-for subprocesses')."""

    wall: float
    cpu: float


def timed(command: Sequence[str]) -> tuple[Timed, subprocess.CompletedProcess[str]]:
    """Run ``command`` from the project root, timed from outside."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        list(command), capture_output=True, text=True, cwd=ROOT, env=worker_env(), check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu), result


def middle(times: Sequence[Timed]) -> Timed:
    """The median wall time and the median CPU time (each on its own)."""
    return Timed(median(t.wall for t in times), median(t.cpu for t in times))


def yardstick(repeats: int = 3) -> Timed:
    """``python -c "import asyncio, anyio, trio"``, median of ``repeats``."""
    runs = []
    for _ in range(repeats):
        took, result = timed(YARDSTICK)
        if result.returncode != 0:
            raise RuntimeError(f"the yardstick failed: {result.stderr.strip()}")
        runs.append(took)
    return middle(runs)


def times_yardstick(suite: Timed, stick: Timed) -> Timed:
    """The suite's times as multiples of the yardstick's."""
    return Timed(suite.wall / stick.wall, suite.cpu / stick.cpu)


def pytest_once(args: list[str]) -> tuple[Timed, subprocess.CompletedProcess[str]]:
    """One ``python -m pytest -q`` in a subprocess, timed from outside."""
    return timed([sys.executable, "-m", "pytest", "-q", "--durations=5", *args])


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "-"


def simulated(log: Log) -> tuple[Table, float, list[str]]:
    """Run every demo of every lesson on each flavour/backend on virtual time."""
    table = Table(
        ["lesson module", "demo runs", "simulated lesson time"],
        caption=(
            "Lesson time: every demo of every lesson, faithful, modern and port, on every"
            " backend, run once on virtual time (`run_demo(..., virtual=True, echo=False)`)"
            " in a fresh process per module; the sum of `record.duration`. Demos that run"
            " forever count for their default bound. This is the demo time the suite"
            " covers: it runs each of these demos at least once, on the same clocks."
        ),
    )
    total = 0.0
    problems = []
    for module in lesson_modules():
        log(f"  simulating {module}…")
        try:
            runs = call_worker({"task": "simulate", "module": module}, timeout=300)["runs"]
        except (WorkerFailed, subprocess.TimeoutExpired) as exc:
            problems.append(f"{module}: could not be simulated: {exc}")
            table.rows.append([module, "-", "-"])
            continue
        seconds = sum(run.get("duration") or 0.0 for run in runs)
        problems.extend(
            f"{module} {run['demo']} on {run['backend']}: {run['error']}"
            for run in runs
            if "error" in run
        )
        total += seconds
        table.rows.append([module, len(runs), f"{seconds:.1f} s"])
    table.rows.append(["**total**", "", f"**{total:.1f} s**"])
    return table, total, problems


def run(*, quick: bool, log: Log = print) -> Section:
    repeats = 1 if quick else 3
    args = ["tests/test_w8s8.py"] if quick else []
    what = (
        "`python -m pytest -q tests/test_w8s8.py` (quick: one file)"
        if quick
        else "`python -m pytest -q`"
    )
    section = Section(
        "1. Test suite",
        intro=[
            f"{what} in a subprocess, from the project root, median of {repeats}, as a"
            ' multiple of `python -c "import asyncio, anyio, trio"` (median of 3) measured'
            f" just before each run (target ≤ {TARGET:g}×, wall time).  CPU time is user +"
            " system, the suite's subprocesses included: the work done, whatever the load."
        ],
    )
    suites, sticks, outputs = [], [], []
    loads = [load()]
    for i in range(repeats):
        log(f"  yardstick, then pytest run {i + 1}/{repeats}…")
        sticks.append(yardstick())
        took, result = pytest_once(args)
        loads.append(load())
        suites.append(took)
        outputs.append((took.wall, result))
        if result.returncode != 0:
            section.notes.append(
                f"pytest exited with {result.returncode}: "
                + " / ".join(result.stdout.strip().splitlines()[-3:])
            )
    suite, stick = middle(suites), middle(sticks)
    times = times_yardstick(suite, stick)
    met = None if quick else times.wall <= TARGET
    # the run whose wall time is the median: its summary and slowest tests
    _, middle_run = sorted(outputs, key=lambda pair: pair[0])[len(outputs) // 2]
    summary = SUMMARY.search(middle_run.stdout)
    sim_table, total, problems = simulated(log)
    table = Table(["", "value"])
    table.rows += [
        ["suite runs (wall)", " · ".join(f"{t.wall:.2f} s" for t in suites)],
        ["suite (median): wall / CPU", f"{secs(suite.wall)} s / {secs(suite.cpu)} s"],
        ["yardstick (median): wall / CPU", f"{secs(stick.wall, 3)} s / {secs(stick.cpu, 3)} s"],
        ["suite / yardstick: wall", f"{ratio(times.wall, 0)}×"],
        ["suite / yardstick: CPU", f"{ratio(times.cpu, 0)}×"],
        ["load average (1/5/15 min) before and after each run", " → ".join(loads)],
        ["pytest's summary (median run)", summary.group(1) if summary else "-"],
        ["lesson time simulated", f"{total:.1f} s"],
        ["simulated / wall", "-" if quick else f"{ratio(total / suite.wall, 1)}x"],
        [f"≤ {TARGET:g}× the yardstick", verdict(met)],
    ]
    section.tables.append(table)
    section.targets.append(
        [
            f"test suite ≤ {TARGET:g}× `import asyncio, anyio, trio` (median of 3)",
            f"{ratio(times.wall, 0)}× ({secs(suite.wall)} s / {secs(stick.wall, 3)} s)"
            f" for {total:.0f} s of lesson time",
            verdict(met),
        ]
    )
    slowest = SLOWEST.findall(middle_run.stdout)
    if slowest:
        section.tables.append(
            Table(
                ["test", "phase", "seconds"],
                [[name, phase, seconds] for seconds, phase, name in slowest],
                caption="The 5 slowest tests (`--durations=5`, median run):",
            )
        )
    section.tables.append(sim_table)
    section.notes.extend(problems)
    if quick:
        section.notes.append("Quick run: one test file, once; the target is not judged.")
    return section

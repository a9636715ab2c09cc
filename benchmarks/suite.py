"""The test suite: its wall time, and the lesson time it simulates (SPEC §7)."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
import time

from benchmarks.report import Log, Section, Table, median, ratio, secs, verdict
from benchmarks.worker import ROOT, WorkerFailed, call_worker, worker_env

TARGET = 30.0  # SPEC §7: the whole suite, median of 3, in at most 30 s
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


def pytest_once(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """One ``python -m pytest -q`` in a subprocess, timed from outside."""
    env = worker_env()
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--durations=5", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    return time.perf_counter() - start, result


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
        else ("`python -m pytest -q`")
    )
    section = Section(
        "1. Test suite",
        intro=[
            f"Wall time of {what} in a subprocess, from the project root, median of"
            f" {repeats} (target ≤ {TARGET:g} s, SPEC §7)."
        ],
    )
    walls = []
    outputs = []
    for i in range(repeats):
        log(f"  pytest run {i + 1}/{repeats}…")
        wall, result = pytest_once(args)
        walls.append(wall)
        outputs.append((wall, result))
        if result.returncode != 0:
            section.notes.append(
                f"pytest exited with {result.returncode}: "
                + " / ".join(result.stdout.strip().splitlines()[-3:])
            )
    wall = median(walls)
    # the run whose wall time is the median: its summary and slowest tests
    _, middle = sorted(outputs, key=lambda pair: pair[0])[len(outputs) // 2]
    summary = SUMMARY.search(middle.stdout)
    sim_table, total, problems = simulated(log)
    table = Table(["", "value"])
    table.rows += [
        ["runs", " · ".join(f"{w:.2f} s" for w in walls)],
        ["wall time (median)", f"{secs(wall)} s"],
        ["pytest's summary (median run)", summary.group(1) if summary else "-"],
        ["lesson time simulated", f"{total:.1f} s"],
        ["simulated / wall", "-" if quick else f"{ratio(total / wall, 1)}x"],
        [f"≤ {TARGET:g} s", verdict(None if quick else wall <= TARGET)],
    ]
    section.tables.append(table)
    section.targets.append(
        [
            f"test suite ≤ {TARGET:g} s (median of 3)",
            f"{secs(wall)} s for {total:.0f} s of lesson time",
            verdict(None if quick else wall <= TARGET),
        ]
    )
    slowest = SLOWEST.findall(middle.stdout)
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

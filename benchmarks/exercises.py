"""Exercises: how long grading one exercise takes, on every backend it is graded on.

For each exercise its reference solution is graded, as a learner would:

* ``python -m common.exercises check NAME FILE`` (the command line): the
  whole command, from outside, in a fresh process, which itself starts the
  grading subprocess: two interpreters, the imports, every backend;
* ``check(NAME, FILE)`` in a warm process (a notebook after its first
  check): the grading alone.

The target is the command line's time.  The references pass (the tests say
so); a run that did not pass is reported as a failure of the section.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

from benchmarks.report import Log, Section, Table, median, secs, verdict
from benchmarks.worker import ROOT, worker_env

TARGET = 1.0  # grading one exercise, on both backends, in at most 1 s of wall time
TITLE = "7. Exercises: grading time"


def cli_once(name: str, path: str) -> tuple[float, float]:
    """Wall time, and the processor time of the command and its children."""
    env = worker_env()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "common.exercises", "check", name, path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"the reference of {name} did not pass:\n{result.stdout}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def in_process_once(name: str, path: str) -> float:
    from common.exercises import check

    start = time.perf_counter()
    result = check(name, path)
    elapsed = time.perf_counter() - start
    if not result.passed:
        raise RuntimeError(f"the reference of {name} did not pass:\n{result}")
    return elapsed


def run(*, quick: bool, log: Log = print) -> Section:
    from common.exercises.catalogue import exercises, reference_path

    runs = 1 if quick else 5
    table = Table(
        ["exercise", "backends", "command line (s)", "its processor time (s)", "in process (s)"],
        caption=(
            f"Median of {runs} gradings of each reference solution. Command line:"
            " `python -m common.exercises check NAME FILE`, timed from outside."
            " Its processor time: user + system of the command and of the grading"
            " subprocess (what the wall time would be on an idle machine, as grading"
            " waits for nothing real). In process: `check(NAME, FILE)` after a first,"
            " unmeasured, one."
        ),
    )
    cli_times, cpu_times, warm_times = [], [], []
    for name, exercise in exercises().items():
        log(f"  {name}…")
        path = str(reference_path(name))
        in_process_once(name, path)  # imports, and the first run's one-time costs
        measured = [cli_once(name, path) for _ in range(runs)]
        cli = median(wall for wall, _ in measured)
        cpu = median(cpu for _, cpu in measured)
        cpu_times.append(cpu)
        warm = median(in_process_once(name, path) for _ in range(runs))
        cli_times.append(cli)
        warm_times.append(warm)
        backends = " and ".join(exercise.backends)
        table.rows.append([name, backends, secs(cli), secs(cpu), secs(warm)])
    ordered = sorted(cli_times)
    spread = Table(
        ["grading time over all exercises", "min", "median", "max"],
        [
            ["command line (s)", secs(ordered[0]), secs(median(ordered)), secs(ordered[-1])],
            [
                "its processor time (s)",
                secs(min(cpu_times)),
                secs(median(cpu_times)),
                secs(max(cpu_times)),
            ],
            [
                "in process (s)",
                secs(min(warm_times)),
                secs(median(warm_times)),
                secs(max(warm_times)),
            ],
        ],
    )
    met = ordered[-1] <= TARGET
    section = Section(TITLE, tables=[spread, table])
    section.targets.append(
        [
            f"grading one exercise on every backend ≤ {TARGET:g} s (command line, slowest)",
            f"{secs(ordered[-1])} s (median over exercises {secs(median(ordered))} s;"
            f" processor time {secs(max(cpu_times))} s at most; in process"
            f" {secs(max(warm_times))} s at most)",
            verdict(met),
        ]
    )
    return section


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv, log=lambda m: print(m, file=sys.stderr)).markdown())

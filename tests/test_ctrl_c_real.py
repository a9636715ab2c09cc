"""Ctrl-C on real time: every demo that lasts, in subprocesses, all at once.

Each run is a real process that gets a real SIGINT (this file is the named
set of real-process tests for Ctrl-C on every demo, flavour and backend).
They are forked by one interpreter that has made the lessons' imports
(:class:`tests.harness.ForkServer`): a process each, one interpreter start-up
for all; ``python -m``'s own start-up is tests/test_cli_processes.py's.

SIGINT as soon as the demo has printed a seeded-random number of lines (its
header, then at least one of the lines it prints in its first second): exit
code 130, the ``interrupted (Ctrl-C)`` line, no traceback, no "Task was
destroyed but it is pending", no "never retrieved" (but for the faithful
``boom``, which shows it on purpose), no ``ResourceWarning``.  Waiting for a
line, not for a delay, the test presses Ctrl-C while the demo runs, however
busy the machine.

The seed: see tests/ctrl_c_cases.py.
"""

import dataclasses
import random

import pytest

from tests.ctrl_c_cases import (
    REAL_HORIZON,
    REAL_MOMENTS,
    SEED,
    SHOWS_NEVER_RETRIEVED,
    Case,
    all_cases,
    lasting,
    never_awaited,
)
from tests.harness import Lines

# -- real time: SIGINT in subprocesses, all at once ---------------------------------


@dataclasses.dataclass(frozen=True)
class RealJob:
    case: Case
    #: Ctrl-C once this many lines are printed: the header, then the demo's
    lines: int

    def command(self):
        case = self.case
        module = f"lessons_{case.flavour}.{case.name}"
        backend = ["--backend", case.backend] if case.flavour == "anyio" else []
        # the demo twice: should the chosen line be the last before its end,
        # Ctrl-C still finds a demo running (or the runner between two)
        return [module, case.demo, case.demo, *backend]

    def replay(self):
        command = " ".join(self.command())
        replay = f"LESSONS_CTRL_C_SEED={SEED} python -m pytest tests/test_ctrl_c_real.py"
        return f"{command}: Ctrl-C after {self.lines} line(s) (replay: {replay})"


def real_jobs(left_alone):
    jobs = []
    for case in lasting(all_cases(), left_alone):
        record = left_alone(case).record
        rng = random.Random(f"{SEED}:real:{case.id}")
        # the lines it prints in its first second (not those printed as it ends)
        printed = sum(
            text.count("\n")
            for time, text, stream in record.writes()
            if stream == "stdout" and time < record.duration and time <= REAL_HORIZON
        )
        # after the header and at least one of the demo's own lines (pressed
        # as the demo starts, Ctrl-C is for the runner, see below)
        jobs += [
            RealJob(case, 1 + rng.randint(min(1, printed), printed)) for _ in range(REAL_MOMENTS)
        ]
    return jobs


def check_real_run(job, finished):
    case, where = job.case, f"{job.replay()}\n{finished}"
    assert finished.out.startswith(f"=== {case.name} {case.demo}"), where
    assert finished.pressed, f"the demos ended before Ctrl-C: {where}"
    assert finished.code == 130, where
    *rest, last = finished.err.splitlines()
    # Ctrl-C stops the demo, or the runner between two demos
    assert last in (
        f"interrupted (Ctrl-C): {case.demo} stopped, its cleanup ran",
        "interrupted (Ctrl-C)",
    ), where
    for bad in ("Task was destroyed but it is pending", "ResourceWarning", "Exception ignored"):
        assert bad not in finished.err, where
    if never_awaited(case):
        # the demo's pitfall: Python's warning (3 lines) for each demo that
        # made its unrun coroutine and ended, or (port) was cancelled
        started = finished.out.count("=== ")
        warned = [line for line in rest if never_awaited(case)[0] in line]
        assert len(rest) == 3 * len(warned), where
        assert started - 1 <= len(warned) <= started, where
    elif (case.name, case.flavour, case.demo) not in SHOWS_NEVER_RETRIEVED:
        assert rest == [], where
    else:
        # only what the demo shows on purpose: the lost exception of boom(0)
        assert all("never retrieved" in line for line in rest if line.startswith("Task ")), where


def test_ctrl_c_on_real_time(left_alone, fork_server, subtests):
    if REAL_MOMENTS == 0:
        pytest.skip("LESSONS_CTRL_C_REAL=0: no real-time run asked for")
    jobs = real_jobs(left_alone)
    assert jobs
    # all at once (they mostly wait); each child's reader presses Ctrl-C the
    # moment its line comes
    children = [fork_server.spawn(*job.command()).ctrl_c_when(Lines(job.lines)) for job in jobs]
    try:
        finished = [child.finish() for child in children]
    finally:
        for child in children:
            child.close()
    for job, run in zip(jobs, finished, strict=True):
        with subtests.test(msg=job.case.id):
            check_real_run(job, run)

"""``python -m common.exercises``: the commands, their exit codes, and learner
code of every kind, graded in the command line's subprocess.

The commands run in this process through :func:`common.exercises.cli.main`
(the ``cli`` fixture), as ``python -m common.exercises`` runs it; ``check``
grades in its subprocess all the same, which is where the learner's code is
confined.  A few tests run the real command, as a user does, for what only a
real process shows: the exit codes as a shell sees them.

Each case of bad learner code must end with a clear message and exit code 1,
in bounded time, with no traceback of the grader's own (their frames only).
"""

import os
import re
import subprocess

import pytest

from common.exercises.catalogue import exercises, reference_path, starter_path
from common.exercises.cli import main
from common.exercises.watchdog import Limits
from tests.exercises import STOP_SOON
from tests.harness import ROOT, run_cli

MODULE = "common.exercises"
#: a grading that hangs fails the test after this, instead of blocking the suite
BOUNDED = Limits(wall=30.0)


@pytest.fixture
def cli(capsys):
    """``cli(*args, limits=BOUNDED)``: ``python -m common.exercises args`` in
    this process (a usage error exits as argparse does, with 2): its exit code
    and what it printed."""

    def run(*args, limits=BOUNDED):
        try:
            code = main([str(arg) for arg in args], limits=limits)
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def grader_is_quiet(result):
    """Nothing of the grader's own: no traceback header, none of its files."""
    both = result.stdout + result.stderr
    assert "Traceback (most recent call last)" not in both
    assert f"common{os.sep}exercises" not in both


# --------------------------------------------------------------------------
# As a user runs it: real processes, their exit codes


def test_a_real_usage_error_exits_2():
    result = run_cli(MODULE, "check", "nope", "x.py")
    assert result.returncode == 2
    assert result.stdout == "" and "error: no exercise 'nope'" in result.stderr.splitlines()[-1]
    grader_is_quiet(result)


def test_check_a_reference_passes_on_both_backends():
    result = run_cli(MODULE, "check", "w8s8_window_anyio", reference_path("w8s8_window_anyio"))
    assert result.returncode == 0, result.stdout
    assert "w8s8_window_anyio on asyncio and trio: passed" in result.stdout


def test_check_a_wrong_solution_says_what_and_where(tmp_path):
    # the window with no limit: all ten jobs at once
    source = reference_path("w8s8_window").read_text().replace("Semaphore(4)", "Semaphore(10)")
    path = tmp_path / "mine.py"
    path.write_text(source)
    result = run_cli(MODULE, "check", "w8s8_window", path)
    assert result.returncode == 1
    assert "at 0 s, 10 jobs ran at once (limit 4)" in result.stdout
    assert "your '>>> job4' came at 0 s, expected at 1 s" in result.stdout
    assert "hint:" in result.stdout and "≠" in result.stdout
    grader_is_quiet(result)


# --------------------------------------------------------------------------
# The limits learners get


def test_learners_get_the_documented_limits():
    # what the watchdog's fields say, which tests never use for code meant to
    # be stopped: 2 s of processor time, a loop held 0.8 s (0.2 s of
    # processor time) is a blocking call, idle for 1 s waits for ever, 1 s
    # between asking a run to stop and stopping it
    learners = Limits()
    assert (learners.cpu, learners.held, learners.held_cpu) == (2.0, 0.8, 0.2)
    assert (learners.idle, learners.busy, learners.grace, learners.tick) == (1.0, 0.1, 1.0, 0.02)
    # the README: a notebook's `check` gives up on code it cannot stop after 60 s
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"`check` says so after {learners.wall:g} s" in readme
    # and the command line and check() grade with them unless told otherwise
    from inspect import signature

    from common.exercises import check

    assert signature(main).parameters["limits"].default is None
    assert signature(check).parameters["limits"].default is None


def test_the_grading_loads_neither_pytest_nor_trio_testing(cli, tmp_path):
    # trio.testing would import pytest where it is installed (as here), some
    # 0.15 s of each grading's start-up: trio's virtual clock comes without
    path = tmp_path / "mine.py"
    path.write_text(
        "import sys\n\n\nasync def main():\n"
        "    print('loaded:', *sorted({'pytest', 'trio.testing'} & set(sys.modules)))\n"
    )
    result = cli("check", "w8s8_window_anyio", path)
    assert result.returncode == 1  # not the window: graded all the same
    assert "w8s8_window_anyio on asyncio and trio: not yet" in result.stdout
    assert "printed 'loaded:' at 0 s" in result.stdout


# --------------------------------------------------------------------------
# list, start, solution, usage


def test_list_names_every_exercise_with_its_lesson(cli):
    result = cli("list")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(exercises())
    for line, exercise in zip(lines, exercises().values(), strict=True):
        assert line.split()[:2] == [exercise.name, exercise.lesson]


def test_start_writes_the_starter_and_never_overwrites(cli, tmp_path):
    target = tmp_path / "w8s8_window.py"
    first = cli("start", "w8s8_window", "--dir", tmp_path)
    assert first.returncode == 0, first.stderr
    assert target.read_text() == starter_path("w8s8_window").read_text()
    assert os.listdir(tmp_path) == ["w8s8_window.py"]

    target.write_text("# my work\n")
    again = cli("start", "w8s8_window", "--dir", tmp_path)
    assert again.returncode == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert len(again.stderr.splitlines()) == 1
    assert target.read_text() == "# my work\n"

    forced = cli("start", "w8s8_window", "--dir", tmp_path, "--force")
    assert forced.returncode == 0
    assert target.read_text() == starter_path("w8s8_window").read_text()


def test_solution_prints_the_reference_and_a_spoiler_notice(cli):
    result = cli("solution", "w8s2_gather")
    assert result.returncode == 0
    assert result.stdout == reference_path("w8s2_gather").read_text()
    assert len(result.stderr.splitlines()) == 1 and "spoiler" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("check", "nope", "x.py"), ("start", "nope"), ("solution",), ("check", "w8s2_gather"), ()],
    ids=["unknown-check", "unknown-start", "missing-name", "missing-file", "no-command"],
)
def test_usage_errors_exit_2(cli, args):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == "" and "error:" in result.stderr.splitlines()[-1]
    grader_is_quiet(result)


# --------------------------------------------------------------------------
# Any learner code: a clear message, exit 1, never a hang

MAIN = "import asyncio\n\n\nasync def main():\n"
CASES = {
    "syntax": ("async def main(:\n    pass\n", "syntax error, line 1"),
    "exception": (MAIN + "    await asyncio.sleep(1)\n    1 / 0\n", "line 6, in main"),
    # held for the budget of processor time, or of real time on a busy machine
    "endless-no-await": (
        MAIN + "    while True:\n        pass\n",
        "(line 5, in main: while True:)",
    ),
    "endless-sleep-0": (MAIN + "    while True:\n        await asyncio.sleep(0)\n", "processor"),
    "endless-sleep-1": (
        MAIN + "    while True:\n        await asyncio.sleep(1)\n",
        "still running at 10 s of virtual time",
    ),
    "blocking-sleep": (
        MAIN + "    import time\n    time.sleep(5)\n",
        "blocking call at 0 s: time.sleep(5) (line 6, in main",
    ),
    # longer than a hold that is a blocking call, shorter than the budget
    "busy-loop": (
        MAIN + "    import time\n    end = time.perf_counter() + 0.3\n"
        "    while time.perf_counter() < end:\n        pass\n",
        "blocking call at 0 s: your code kept the loop, without an await",
    ),
    "never-awaited": (MAIN + "    asyncio.sleep(1)\n", "sleep() was called but never ran"),
    "huge-output": (
        MAIN + "    import sys, os\n    print('x' * 10**7)\n    sys.stderr.write('e' * 10**7)\n"
        "    os.write(1, b'y' * 10**6)\n    os.write(2, b'z' * 10**6)\n",
        "your output was cut",
    ),
    "no-main": ("async def mian():\n    pass\n", "your code defines no `main`"),
    "not-async": ("def main():\n    pass\n", "`main` must be written `async def main(…)`"),
    "top-level-loop": ("while True:\n    pass\n", "processor time"),
    "top-level-exit": ("import sys\nsys.exit(3)\n", "SystemExit"),
    "writes-a-file": (MAIN + "    open('written.txt', 'w')\n", "no file to be written"),
    "a-process": (MAIN + "    import os\n    os.system('touch x')\n", "no other process"),
    "a-thread-left-running": (
        MAIN + "    import threading\n"
        "    threading.Thread(target=threading.Event().wait).start()\n",
        "'a starts' was expected at 0 s and never came",
    ),
    "network": (
        MAIN + "    import socket\n    socket.create_connection(('example.com', 80))\n",
        "no network access",
    ),
}
#: The cases that only a real-time limit stops, or notes, graded with small
#: ones (the defaults take seconds); the others keep the defaults.
LIMITS = {
    "endless-no-await": STOP_SOON,
    "endless-sleep-0": STOP_SOON,
    "top-level-loop": STOP_SOON,
    # a hold of 0.1 s is a blocking call (the default needs 0.8 s)
    "busy-loop": Limits(held=0.1, held_cpu=0.05, wall=30.0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_any_code_gets_a_clear_message(cli, case, tmp_path):
    source, says = CASES[case]
    path = tmp_path / "mine.py"
    path.write_text(source)
    limits = LIMITS.get(case, BOUNDED)
    result = cli("check", "w8s9_blocking", path, limits=limits)
    assert result.returncode == 1, result.stdout
    assert says in result.stdout, result.stdout
    assert result.stderr == ""
    assert len(result.stdout) < 20_000
    grader_is_quiet(result)
    # nothing written beside the learner's file
    assert os.listdir(tmp_path) == ["mine.py"]
    # the limits stopped it: the message names the budget it was given
    if limits is STOP_SOON:
        assert re.search(rf"\b{STOP_SOON.cpu:g} s\b", result.stdout), result.stdout


@pytest.mark.parametrize("case", ["missing", "directory", "not-text"])
def test_a_file_that_cannot_be_read(cli, case, tmp_path):
    path = tmp_path / "mine.py"
    if case == "directory":
        path.mkdir()
    elif case == "not-text":
        path.write_bytes(b"\xff\xfe\x00binary")
    result = cli("check", "w8s9_blocking", path)
    assert result.returncode == 1
    assert f"cannot read {path}" in result.stdout
    grader_is_quiet(result)

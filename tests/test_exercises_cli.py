"""``python -m common.exercises``: the commands, their exit codes, and learner
code of every kind, graded in the command line's subprocess.

Each case of bad learner code must end with a clear message and exit code 1,
in bounded time, with no traceback of the grader's own (their frames only).
"""

import os
import sys

import pytest

from common.exercises.catalogue import exercises, reference_path, starter_path
from tests.harness import run_cli

MODULE = "common.exercises"


def cli(*args, **kwargs):
    return run_cli(MODULE, *args, **kwargs)


def grader_is_quiet(result):
    """Nothing of the grader's own: no traceback header, none of its files."""
    both = result.stdout + result.stderr
    assert "Traceback (most recent call last)" not in both
    assert f"common{os.sep}exercises" not in both


# --------------------------------------------------------------------------
# list, start, solution, usage


def test_list_names_every_exercise_with_its_lesson():
    result = cli("list")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(exercises())
    for line, exercise in zip(lines, exercises().values(), strict=True):
        assert line.split()[:2] == [exercise.name, exercise.lesson]


def test_start_writes_the_starter_and_never_overwrites(tmp_path):
    target = tmp_path / "w8s8_window.py"
    first = cli("start", "w8s8_window", "--dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert target.read_text() == starter_path("w8s8_window").read_text()
    assert os.listdir(tmp_path) == ["w8s8_window.py"]

    target.write_text("# my work\n")
    again = cli("start", "w8s8_window", "--dir", str(tmp_path))
    assert again.returncode == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert len(again.stderr.splitlines()) == 1
    assert target.read_text() == "# my work\n"

    forced = cli("start", "w8s8_window", "--dir", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert target.read_text() == starter_path("w8s8_window").read_text()


def test_solution_prints_the_reference_and_a_spoiler_notice():
    result = cli("solution", "w8s2_gather")
    assert result.returncode == 0
    assert result.stdout == reference_path("w8s2_gather").read_text()
    assert len(result.stderr.splitlines()) == 1 and "spoiler" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("check", "nope", "x.py"), ("start", "nope"), ("solution",), ("check", "w8s2_gather"), ()],
    ids=["unknown-check", "unknown-start", "missing-name", "missing-file", "no-command"],
)
def test_usage_errors_exit_2(args):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == "" and "error:" in result.stderr.splitlines()[-1]
    grader_is_quiet(result)


# --------------------------------------------------------------------------
# check: passed, not yet


def test_check_a_reference_passes_on_both_backends():
    result = cli("check", "w8s8_window_anyio", str(reference_path("w8s8_window_anyio")))
    assert result.returncode == 0, result.stdout
    assert "w8s8_window_anyio on asyncio and trio: passed" in result.stdout


def test_check_a_wrong_solution_says_what_and_where(tmp_path):
    # the window with no limit: all ten jobs at once
    source = reference_path("w8s8_window").read_text().replace("Semaphore(4)", "Semaphore(10)")
    path = tmp_path / "mine.py"
    path.write_text(source)
    result = cli("check", "w8s8_window", str(path))
    assert result.returncode == 1
    assert "at 0 s, 10 jobs ran at once (limit 4)" in result.stdout
    assert "your '>>> job4' came at 0 s, expected at 1 s" in result.stdout
    assert "hint:" in result.stdout and "≠" in result.stdout
    grader_is_quiet(result)


# --------------------------------------------------------------------------
# Any learner code: a clear message, exit 1, never a hang

MAIN = "import asyncio\n\n\nasync def main():\n"
CASES = {
    "syntax": ("async def main(:\n    pass\n", "syntax error, line 1"),
    "exception": (MAIN + "    await asyncio.sleep(1)\n    1 / 0\n", "line 6, in main"),
    # held for 2 s of processor time, or of real time on a busy machine
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
    "busy-loop": (
        MAIN + "    import time\n    end = time.perf_counter() + 1.2\n"
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


@pytest.mark.parametrize("case", list(CASES))
def test_any_code_gets_a_clear_message(case, tmp_path):
    source, says = CASES[case]
    path = tmp_path / "mine.py"
    path.write_text(source)
    result = cli("check", "w8s9_blocking", str(path), timeout=30)
    assert result.returncode == 1, result.stdout
    assert says in result.stdout, result.stdout
    assert result.stderr == ""
    assert len(result.stdout) < 20_000
    grader_is_quiet(result)
    # nothing written beside the learner's file
    assert os.listdir(tmp_path) == ["mine.py"]


@pytest.mark.parametrize("case", ["missing", "directory", "not-text"])
def test_a_file_that_cannot_be_read(case, tmp_path):
    path = tmp_path / "mine.py"
    if case == "directory":
        path.mkdir()
    elif case == "not-text":
        path.write_bytes(b"\xff\xfe\x00binary")
    result = cli("check", "w8s9_blocking", str(path))
    assert result.returncode == 1
    assert f"cannot read {path}" in result.stdout
    grader_is_quiet(result)


def test_the_python_api_reports_a_function_and_its_timelines():
    from common.exercises import check

    namespace = {}
    exec(reference_path("w8s2_taskgroup").read_text(), namespace)
    saved = sys.stdout, sys.stderr
    good = check("w8s2_taskgroup", namespace["main"])
    assert (sys.stdout, sys.stderr) == saved  # the run's streams are put back
    assert good and "passed" in str(good)

    async def main():  # the sequential mistake, written in a notebook cell
        morceaux = namespace["morceaux"]
        print([await morceaux("run1"), await morceaux("run2")])

    main.__globals__.update(morceaux=namespace["morceaux"])
    bad = check("w8s2_taskgroup", main)
    assert not bad
    assert [o.mistake for o in bad.outcomes] == ["sequential", "sequential"]
    html = bad._repr_html_()
    assert html.count("<svg") == 2 and "expected" in html and "yours" in html


def test_the_python_api_stops_code_that_holds_the_loop():
    from common.exercises import check

    async def main():
        while True:
            pass

    result = check("w8s9_blocking", main)
    (outcome,) = result.outcomes
    assert outcome.mistake in ("endless loop", "blocking call")
    assert "in main: while True:" in outcome.explanation

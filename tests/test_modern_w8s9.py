"""w8s9, asyncio as written today: the pitfalls on virtual time; the blocking
and breathing timetables are the video's exactly; boom fails at once in its
task group instead of being logged."""

import pytest

from common.runner import run_demo
from tests.harness import faithful_record, lesson, modern_record, run_main
from tests.test_w8s9 import (
    AWAIT_SYNC,
    COROUTINE_OBJECT,
    NEVER_AWAITED,
    SCENARIOS,
    at_zero,
    check_quiet,
)
from tests.test_w8s9_blocking import BLOCKING, BREATHING, lines_of
from tests.test_w8s9_cli import SLOW
from tests.w8s9_support import asyncio_logs_on_stderr  # noqa: F401 (a fixture: asyncio's log on stderr)


@pytest.mark.parametrize(
    "demo, expected",
    [
        ("coroutine_object", COROUTINE_OBJECT),
        ("scenarios", SCENARIOS),
        ("never_awaited", NEVER_AWAITED),
        ("await_sync", AWAIT_SYNC),
    ],
)
def test_pitfall_one_modern(demo, expected):
    record = modern_record("w8s9", demo)
    assert record.schedule() == at_zero(expected)
    assert "dans coro" not in record.text()
    check_quiet(record)


@pytest.mark.parametrize("demo", ["blocking", "breathing"])
def test_same_dots_and_crosses_as_the_video(demo):
    modern = modern_record("w8s9", demo)
    assert modern.characters() == faithful_record("w8s9", demo).characters()


def test_blocking_modern():
    record = modern_record("w8s9", "blocking")
    assert lines_of(record) == [BLOCKING]
    assert round(record.duration, 6) == 1.0
    check_quiet(record)


def test_breathing_modern():
    record = modern_record("w8s9", "breathing")
    assert lines_of(record) == [BREATHING]
    assert round(record.duration, 6) == 0.85
    check_quiet(record)


def test_boom_modern():
    """The task group fails at 0 s with the ZeroDivisionError, caught by
    ``except*``; boom(1)'s result is kept; nothing is logged."""
    record = modern_record("w8s9", "boom")
    assert record.schedule() == at_zero(
        ["caught ZeroDivisionError('division by zero')", "boom(1) returned 1.0"]
    )
    assert record.stopped is None
    assert record.duration == 0
    check_quiet(record)
    # the faithful version only logs it, and runs on
    assert faithful_record("w8s9", "boom").text("stderr") != ""


def test_debug_modern_logs_the_blocking_step():
    demo = lesson("asyncio.modern", "w8s9")["blocking"]
    record = run_demo(demo, virtual=True, echo=False, debug=True)
    slow = SLOW.findall(record.text("stderr"))
    assert len(slow) == 1
    assert slow[0][1].startswith("compute() done")
    assert lines_of(record) == [BLOCKING]


def test_debug_modern_breathing_steps_are_short():
    demo = lesson("asyncio.modern", "w8s9")["breathing"]
    record = run_demo(demo, virtual=True, echo=False, debug=True)
    assert "Executing" not in record.text("stderr")


def test_cli_modern_all_demos():
    result = run_main("lessons_asyncio.modern.w8s9")
    assert (result.returncode, result.stderr) == (0, "")
    headers = [
        line.split(":")[0].split()[2]
        for line in result.stdout.splitlines()
        if line.startswith("=== ")
    ]
    assert headers == lesson("asyncio", "w8s9").names()
    assert ".xxxxxxxxxx.........." in result.stdout
    assert ".xxx.xxx.xxx.x......." in result.stdout

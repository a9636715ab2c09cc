"""Bad input on the lessons' command line (``python -m lessons_…``): demo
names, ``--duration``, ``--backend``, the other options, an output that takes
nothing; the modern versions' too.  How a row is run and checked:
tests/bad_input.py.  w8s4's rows: tests/test_bad_input_w8s4.py; the views':
tests/test_bad_input_sidebyside.py.

Real processes: the rows marked ``process=True`` (Python's own answer for a
module it cannot run, an output on ``/dev/full``); the others run in the
test's process.
"""

import sys

import pytest

from tests.bad_input import Bad, check, outcome, params, run_in_processes

W8S2 = "lessons_anyio.w8s2"

ROWS = [
    # -- the lessons: demo names ---------------------------------------------
    Bad(
        "port-unknown-demo",
        (W8S2, "nosuchdemo"),
        2,
        "unknown demo 'nosuchdemo' (choose from morceaux, gather, famine)",
    ),
    Bad("port-demo-wrong-case", (W8S2, "gather", "Gather"), 2, "unknown demo 'Gather'"),
    Bad(
        "faithful-unknown-demo",
        ("lessons_asyncio.w8s8", "tick"),
        2,
        "unknown demo 'tick' (choose from queue_help, producer_consumer, window)",
    ),
    Bad(
        "faithful-given-a-port-only-demo",
        ("lessons_asyncio.w8s5", "portable"),
        2,
        "'portable' is a demo of the port only: python -m lessons_anyio.w8s5 portable",
    ),
    Bad("empty-demo-name", ("lessons_anyio.w8s7", ""), 2, "unknown demo ''"),
    Bad(
        "demo-typed-as-an-option",
        ("lessons_anyio.w8s7", "-lifecycle"),
        2,
        "unrecognized arguments: -lifecycle",
    ),
    Bad(
        "list-with-an-unknown-demo",
        ("lessons_asyncio.w8s6", "--list", "nosuch"),
        2,
        "unknown demo 'nosuch'",
    ),
    # Python itself answers for a module that does not exist (exit 1)
    Bad(
        "unknown-lesson",
        ("lessons_anyio.w8s3",),
        1,
        "No module named lessons_anyio.w8s3",
        process=True,
    ),
    Bad(
        "package-not-a-lesson", ("lessons_asyncio",), 1, "cannot be directly executed", process=True
    ),
    # -- the lessons: --duration ---------------------------------------------
    Bad("duration-zero", (W8S2, "--duration", "0"), 2, "must be a finite number of seconds > 0"),
    Bad("duration-negative", (W8S2, "--duration", "-1"), 2, "must be a finite number"),
    Bad("duration-not-a-number", (W8S2, "--duration", "abc"), 2, "not a number of seconds: 'abc'"),
    Bad("duration-nan", (W8S2, "--duration", "nan"), 2, "must be a finite number of seconds > 0"),
    Bad("duration-inf", (W8S2, "--duration", "inf"), 2, "must be a finite number of seconds > 0"),
    Bad(
        "duration-minus-inf",
        ("lessons_asyncio.w8s9", "boom", "--duration=-inf"),
        2,
        "must be a finite number of seconds > 0, not '-inf'",
    ),
    Bad("duration-missing", (W8S2, "--duration"), 2, "argument --duration: expected one argument"),
    Bad("duration-empty", ("lessons_anyio.w8s6", "--duration="), 2, "not a number of seconds: ''"),
    Bad(
        "duration-decimal-comma",
        ("lessons_asyncio.w8s6", "fork", "--duration", "1,5"),
        2,
        "not a number of seconds: '1,5'",
    ),
    Bad(
        "duration-with-a-unit",
        ("lessons_anyio.w8s6", "fork", "--duration", "3s"),
        2,
        "not a number of seconds: '3s'",
    ),
    Bad(
        "duration-overflows-to-inf",
        ("lessons_anyio.w8s8", "--duration", "1e999"),
        2,
        "must be a finite number of seconds > 0, not '1e999'",
    ),
    Bad(
        "duration-underflows-to-zero",
        ("lessons_asyncio.w8s8", "--duration", "1e-400"),
        2,
        "must be a finite number of seconds > 0, not '1e-400'",
    ),
    # -- the lessons: --backend ----------------------------------------------
    Bad(
        "backend-unknown",
        (W8S2, "--backend", "curio"),
        2,
        "unknown backend 'curio' (choose from asyncio, trio)",
    ),
    Bad("backend-capitalised", ("lessons_anyio.w8s6", "--backend", "Trio"), 2, "'Trio'"),
    Bad(
        "backend-missing",
        ("lessons_anyio.w8s8", "--backend"),
        2,
        "argument --backend: expected one argument",
    ),
    Bad(
        "backend-trio-on-faithful",
        ("lessons_asyncio.w8s2", "gather", "--backend", "trio"),
        2,
        "runs on asyncio only; for another backend run the port:"
        " python -m lessons_anyio.w8s2 --backend trio",
    ),
    Bad(
        "backend-asyncio-on-faithful",
        ("lessons_asyncio.w8s7", "--list", "--backend", "asyncio"),
        2,
        "runs on asyncio only; for another backend run the port:"
        " python -m lessons_anyio.w8s7 --backend asyncio",
    ),
    # the hint is a command that works: not the unknown backend
    Bad(
        "backend-unknown-on-faithful",
        ("lessons_asyncio.w8s9", "--backend", "curio"),
        2,
        "runs on asyncio only; for another backend run the port:"
        " python -m lessons_anyio.w8s9 --backend trio",
        never="curio",
    ),
    # -- the lessons: other options ------------------------------------------
    Bad(
        "unknown-option",
        (W8S2, "--no-such-option"),
        2,
        "unrecognized arguments: --no-such-option",
    ),
    Bad(
        "debug-given-a-value",
        ("lessons_asyncio.w8s9", "blocking", "--debug=yes"),
        2,
        "argument --debug: ignored explicit argument 'yes'",
    ),
    Bad(
        "debug-on-a-lesson-without-it",
        ("lessons_anyio.w8s2", "--debug"),
        2,
        "unrecognized arguments: --debug",
    ),
    Bad(
        "ambiguous-abbreviation",
        ("lessons_anyio.w8s9", "--d", "1"),
        2,
        "ambiguous option: --d could match --duration, --debug",
    ),
    Bad(
        "timeline-given-a-value",
        ("lessons_asyncio.w8s2", "--timeline=yes"),
        2,
        "argument --timeline: ignored explicit argument 'yes'",
    ),
    # -- the lessons: an output that takes nothing (exit 1: outside the lesson)
    Bad(
        "stdout-is-full",
        (W8S2, "morceaux"),
        1,
        "error: cannot write the output: No space left on device",
        stdout="full",
        process=True,
    ),
    Bad(
        "list-to-a-full-stdout",
        ("lessons_asyncio.w8s5", "--list"),
        1,
        "error: cannot write the output: No space left on device",
        stdout="full",
        process=True,
    ),
    # -- the modern versions (lessons_asyncio.modern): the same command line
    Bad(
        "modern-unknown-demo",
        ("lessons_asyncio.modern.w8s8", "tick"),
        2,
        "unknown demo 'tick' (choose from queue_help, producer_consumer, window, shutdown,"
        " deadline)",
    ),
    Bad(
        "modern-given-a-port-only-demo",
        ("lessons_asyncio.modern.w8s5", "portable"),
        2,
        "'portable' is a demo of the port only: python -m lessons_anyio.w8s5 portable",
    ),
    Bad(
        "modern-duration-zero",
        ("lessons_asyncio.modern.w8s6", "fork", "--duration", "0"),
        2,
        "must be a finite number of seconds > 0",
    ),
    Bad(
        "backend-trio-on-modern",
        ("lessons_asyncio.modern.w8s8", "window", "--backend", "trio"),
        2,
        "this is the modern asyncio version, it runs on asyncio only; for another backend"
        " run the port: python -m lessons_anyio.w8s8 --backend trio",
    ),
    Bad(
        "modern-package-not-a-lesson",
        ("lessons_asyncio.modern",),
        1,
        "cannot be directly executed",
        process=True,
    ),
]


@pytest.fixture(scope="module")
def in_processes(tmp_path_factory):
    """This table's rows that need a process of their own, run at once."""
    return run_in_processes(ROWS, tmp_path_factory)


@pytest.mark.parametrize("row", params(ROWS))
def test_bad_input(row, request, tmp_path, monkeypatch, caplog):
    check(row, outcome(row, request, tmp_path, monkeypatch), caplog)


def test_the_tables_are_large_and_have_no_duplicate():
    from tests.test_bad_input_sidebyside import ROWS as SIDEBYSIDE_ROWS
    from tests.test_bad_input_w8s4 import ROWS as W8S4_ROWS

    rows = [*ROWS, *W8S4_ROWS, *SIDEBYSIDE_ROWS]
    assert len(rows) >= 25
    assert len({row.id for row in rows}) == len(rows)
    assert len({(*row.argv, row.stdout) for row in rows}) == len(rows)


# -- a demo that fails for an outside reason --------------------------------------


@pytest.mark.parametrize("said", [False, True])
def test_demo_failed_is_one_line_and_exit_1(said, capsys, monkeypatch):
    """``DemoFailed``: one line, the runner's, or none if the demo has said it
    (w8s4 says each failed download as it happens); exit code 1 either way,
    and the next demo still runs."""
    from common.runner import DemoFailed, Lesson, main

    lesson = Lesson("lessons_asyncio.fake")

    @lesson.demo
    def fetch():
        "a download"
        if said:
            print("http://x/ failed: connection refused", file=sys.stderr)
        raise DemoFailed("1 of 1 downloads failed", said=said)

    @lesson.demo
    def after():
        "the next demo"
        print("still here")

    monkeypatch.setenv("LESSONS_VIRTUAL_TIME", "1")
    assert main(lesson, []) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "still here"
    line = (
        "http://x/ failed: connection refused" if said else "error: fetch: 1 of 1 downloads failed"
    )
    assert err == line + "\n"

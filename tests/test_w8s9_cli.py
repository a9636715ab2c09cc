"""w8s9: boom (an exception nobody retrieves), --debug, the command line, Ctrl-C.

The command line runs in the test's process (:func:`tests.harness.run_main`)
but in ``test_ctrl_c_during_boom_prints_bye`` and
``test_ctrl_c_waits_for_the_blocking_crosses``, which need a real process: a
real SIGINT, on real time, pressed once a line is printed.
"""

import re

import pytest

from common.runner import run_demo
from tests.harness import (
    ctrl_c_after,
    faithful_record,
    lesson,
    port_record,
    run_main,
)
from tests.test_w8s9 import (
    AWAIT_SYNC,
    FOO_NEVER_AWAITED,
    NEVER_AWAITED,
    SCENARIOS,
    at_zero,
    check_quiet,
)
from tests.test_w8s9_blocking import BLOCKING, lines_of
from tests.w8s9_support import asyncio_logs_on_stderr  # noqa: F401 (a fixture: asyncio's log on stderr)

pytestmark = pytest.mark.anyio

# -- boom ---------------------------------------------------------------------

NEVER_RETRIEVED = "Task exception was never retrieved"
#: Python's warning for coroutine_object's unrun coroutine, as a script shows
#: it in the test's process (see tests.harness.run_main)
WARNING = r"\S+: " + re.escape(FOO_NEVER_AWAITED) + r"\n  .*\n"


def test_boom_faithful():
    """The error only shows as asyncio's log line, at 0 s: the finished task
    is freed at once (nothing keeps it); the loop goes on until the bound."""
    record = faithful_record("w8s9", "boom")
    # the bound is the video's Ctrl-C: the seed's except says bye
    assert record.schedule() == [(1.5, "bye")]
    assert record.stopped == "bound"
    assert round(record.duration, 6) == 1.5
    stderr = record.lines("stderr")
    assert stderr[0] == (0.0, NEVER_RETRIEVED)
    assert record.text("stderr").count(NEVER_RETRIEVED) == 1
    assert "coro=<boom() done" in record.text("stderr")
    assert stderr[-1] == (0.0, "ZeroDivisionError: division by zero")


def test_boom_faithful_duration():
    record = faithful_record("w8s9", "boom", duration=3)
    assert round(record.duration, 6) == 3
    assert record.lines("stderr")[0] == (0.0, NEVER_RETRIEVED)


async def test_boom_port():
    """The task group fails at 0 s with the ZeroDivisionError, caught by
    ``except*``; boom(1)'s result is kept; the bound is never reached."""
    record = await port_record("w8s9", "boom")
    assert record.schedule() == at_zero(
        ["caught ZeroDivisionError('division by zero')", "boom(1) returned 1.0"]
    )
    assert record.stopped is None
    assert record.duration == 0
    check_quiet(record)


# -- --debug: asyncio's slow-callback warning ---------------------------------

SLOW = re.compile(
    r"Executing <Task finished name='(?P<name>[^']+)' coro=<(?P<coro>[^>]+)>.*> took 0\.500 seconds"
)


def test_debug_faithful_logs_the_blocking_step():
    record = faithful_record("w8s9", "blocking", debug=True)
    slow = SLOW.findall(record.text("stderr"))
    assert len(slow) == 1
    assert slow[0][1].startswith("compute() done")
    # the same output on stdout, debug or not
    assert lines_of(record) == [BLOCKING]
    assert "Executing" not in faithful_record("w8s9", "blocking").text("stderr")


def test_debug_faithful_breathing_steps_are_short():
    # each step of the breathing compute holds the loop 0.05 s: under 0.1 s
    record = faithful_record("w8s9", "breathing", debug=True)
    assert "Executing" not in record.text("stderr")


def test_debug_port_on_asyncio():
    demo = lesson("anyio", "w8s9")["blocking"]
    record = run_demo(demo, backend="asyncio", virtual=True, echo=False, debug=True)
    slow = SLOW.findall(record.text("stderr"))
    assert [name for name, _ in slow] == ["lessons_anyio.w8s9.compute"]


def test_debug_port_on_trio_changes_nothing():
    demo = lesson("anyio", "w8s9")["blocking"]
    record = run_demo(demo, backend="trio", virtual=True, echo=False, debug=True)
    assert record.text("stderr") == ""
    assert lines_of(record) == [BLOCKING]


# -- command line -------------------------------------------------------------

DEMOS = [
    "coroutine_object",
    "scenarios",
    "never_awaited",
    "await_sync",
    "blocking",
    "breathing",
    "boom",
]


def headers(stdout):
    return [line.split()[2].rstrip(":") for line in stdout.splitlines() if line.startswith("=== ")]


def test_cli_faithful_all_demos():
    result = run_main("lessons_asyncio.w8s9")
    assert result.returncode == 0, result.stderr
    assert headers(result.stdout) == DEMOS
    for line in SCENARIOS + NEVER_AWAITED + AWAIT_SYNC:
        assert line in result.stdout.splitlines()
    assert ".xxxxxxxxxx..........\n" in result.stdout
    assert ".xxx.xxx.xxx.x.......\n" in result.stdout
    assert "bye\n(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)\n" in (
        result.stdout
    )
    # stderr: coroutine_object's warning (Python's), then boom's lost exception
    warning = re.match(WARNING, result.stderr)
    assert warning, result.stderr
    rest = result.stderr[warning.end() :]
    assert rest.startswith(NEVER_RETRIEVED)
    assert rest.count(NEVER_RETRIEVED) == 1
    assert "Warning" not in rest


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cli_port_all_demos(backend):
    result = run_main("lessons_anyio.w8s9", "--backend", backend)
    assert result.returncode == 0, result.stderr
    assert headers(result.stdout) == [*DEMOS, "start_soon_coro"]
    for line in SCENARIOS + NEVER_AWAITED + AWAIT_SYNC:
        assert line in result.stdout.splitlines()
    assert ".xxxxxxxxxx..........\n" in result.stdout
    assert "to_thread    ..x.x.x.x.x.x.x.x.x.x\n" in result.stdout
    assert "caught ZeroDivisionError('division by zero')" in result.stdout
    # stderr: only coroutine_object's warning (Python's)
    assert re.fullmatch(WARNING, result.stderr), result.stderr


@pytest.mark.parametrize(
    "module, extra",
    [("lessons_asyncio.w8s9", []), ("lessons_anyio.w8s9", ["--backend", "asyncio"])],
)
def test_cli_debug(module, extra):
    result = run_main(module, "blocking", "--debug", *extra)
    assert result.returncode == 0, result.stderr
    assert len(SLOW.findall(result.stderr)) == 1
    assert "--debug" in run_main(module, "--help").stdout


def test_cli_list_marks_the_port_only_demo():
    result = run_main("lessons_anyio.w8s9", "--list")
    assert result.stdout.splitlines()[-1].endswith("[port only]")
    assert result.stdout.splitlines()[-1].startswith("start_soon_coro")


def test_ctrl_c_during_boom_prints_bye(fork_server):
    """Real time: once asyncio has logged the lost exception the loop runs
    forever; Ctrl-C reaches the seed's ``except KeyboardInterrupt``."""
    # asyncio has logged the lost exception (its last line) on stderr
    stopped = ctrl_c_after(
        "lessons_asyncio.w8s9",
        "boom",
        "--duration",
        "5",
        server=fork_server,
        event=re.compile(r"^ZeroDivisionError.*\n", re.MULTILINE),
        stream="stderr",
    )
    stdout, stderr = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert stdout.splitlines()[-1] == "bye"
    assert "interrupted (Ctrl-C): boom stopped, its cleanup ran" in stderr
    assert stderr.count(NEVER_RETRIEVED) == 1
    # the one traceback is the one asyncio logs for boom(0)
    assert stderr.count("Traceback") == 1
    assert "was destroyed" not in stderr
    assert "ResourceWarning" not in stderr


@pytest.mark.parametrize(
    "module, extra",
    [
        ("lessons_asyncio.w8s9", []),
        ("lessons_anyio.w8s9", ["--backend", "asyncio"]),
        ("lessons_anyio.w8s9", ["--backend", "trio"]),
    ],
)
def test_ctrl_c_waits_for_the_blocking_crosses(module, extra, fork_server):
    """Real time: Ctrl-C right after the first dot, while compute holds the
    loop: the demo stops only after compute's ten crosses (0.5 s).

    The interrupt is handed to the loop (a callback, thread-safe) while
    compute blocks; asyncio runs it before the callback of countdown's timer,
    due meanwhile, so no dot follows.  trio runs the two in either order:
    countdown may print one more dot before its sleep is cancelled."""
    # Ctrl-C once countdown's first dot is printed, as compute starts; a
    # machine too busy to see the dot before compute has ended tries again
    for _ in range(3):
        stopped = ctrl_c_after(module, "blocking", *extra, event="\n.", server=fork_server)
        if stopped.pressed_after.rsplit("\n", 1)[-1].count("x") < 10:
            break  # pressed while compute held the loop
    else:
        pytest.fail(f"Ctrl-C came after compute ended, three times: {stopped}")
    assert stopped.code == 130, stopped
    last = stopped.out.splitlines()[-1]
    if "trio" in extra:
        assert last in (".xxxxxxxxxx", ".xxxxxxxxxx.")
    else:
        assert last == ".xxxxxxxxxx"
    assert stopped.err == "interrupted (Ctrl-C): blocking stopped, its cleanup ran\n"

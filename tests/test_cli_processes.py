"""The command line shared by every lesson, as real processes: only what a
process of its own shows (the rest runs in the test's process: tests/test_cli.py).

Each test here needs a real process, for the reason its group says:

* ``test_lazy_imports``, ``test_imported_otherwise_the_lessons_leave_ctrl_c_alone``:
  what a fresh interpreter imports (the test's process has imported everything);
  one child runs every command in turn and reports its ``sys.modules`` after each.
* ``test_ctrl_c_stops_cleanly``, ``test_ctrl_c_runs_no_further_demo``: a real
  SIGINT, pressed once a line is printed, on each flavour and backend (in
  processes forked by the session's :class:`tests.harness.ForkServer`).
* ``test_ctrl_c_during_the_imports_is_one_line``: how the interpreter itself
  ends on Ctrl-C (its exit status), before the command line runs.
* ``test_a_reader_that_leaves_early_is_no_error``, ``test_a_closed_stdout_is_no_error``,
  ``test_a_broken_pipe_seen_inside_a_task_group_is_a_reader_that_left``: the
  real file descriptor 1 (a pipe closed by its reader, no descriptor at all);
  the command line then redirects it, which it must never do to the tests';
  started by ``python -m``, as a user starts them.
* ``test_lessons_virtual_time_from_the_environment``: ``python -m`` reads the
  switch from the environment it is started with.
"""

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from tests.harness import ROOT, cli_env, ctrl_c_after, lesson, lesson_names, line

FAITHFUL = [f"lessons_asyncio.{name}" for name in lesson_names()]
PORTS = [f"lessons_anyio.{name}" for name in lesson_names()]
HTTP = {"aiohttp", "httpx", "requests"}

# -- what a fresh interpreter imports ------------------------------------------------

#: A child that runs each command of ``sys.argv[1]`` (JSON: [module, args…]) as
#: ``python -m`` runs it, output thrown away, and prints, for each, its exit
#: code and the modules imported so far.
CHILD = r"""
import contextlib, io, json, os, runpy, sys
hook = sys.excepthook
report = []
for module, *args in json.loads(sys.argv[1]):
    sys.argv = ["-c", *args]  # (not "-m": imported otherwise, see starting.py)
    out = io.StringIO()
    with open(os.devnull, "w") as sink:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(sink):
            try:
                runpy.run_module(module, run_name="__main__", alter_sys=True)
                code = 0
            except SystemExit as exit:
                code = exit.code
    first = out.getvalue().partition("\n")[0]
    report.append(
        {"command": [module, *args], "code": code, "first": first, "imported": sorted(sys.modules)}
    )
print(json.dumps({"steps": report, "excepthook kept": sys.excepthook is hook}))
"""

#: The commands, the strictest first: the modules imported only grow, so each
#: check below holds for a command if and only if it holds for the commands up to
#: it.  The faithful lessons but w8s4 (no anyio, no HTTP library, no trio), then
#: the ports but w8s4 and a real run of one on asyncio (no HTTP library, no trio),
#: then w8s4's (no trio).
COMMANDS = [
    [module, option]
    for group in (
        [m for m in FAITHFUL if "w8s4" not in m],
        [m for m in PORTS if "w8s4" not in m],
        [m for m in FAITHFUL + PORTS if "w8s4" in m],
    )
    for module in group
    for option in ("--list", "--help")
]
COMMANDS.insert(
    COMMANDS.index(["lessons_asyncio.w8s4", "--list"]), ["lessons_anyio.w8s2", "morceaux"]
)


@pytest.fixture(scope="module")
def imports():
    """The child's report: {"steps": [{command, code, imported}…], "excepthook kept"}."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(COMMANDS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=cli_env(virtual=True),
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return json.loads(result.stdout)


def test_lazy_imports(imports):
    """--list and --help, and a run on the asyncio backend, never import trio; no
    lesson but w8s4 imports an HTTP library; the other faithful lessons do not
    even import anyio."""
    steps = imports["steps"]
    assert [step["command"] for step in steps] == COMMANDS
    for step in steps:
        module, imported = step["command"][0], set(step["imported"])
        assert step["code"] == 0, step["command"]
        assert "trio" not in imported, step["command"]
        assert "anyio._backends._trio" not in imported, step["command"]
        if "w8s4" not in module:
            assert not imported & HTTP, step["command"]
            # (w8s4's faithful version needs anyio for its embedded server)
            if module.startswith("lessons_asyncio"):
                assert "anyio" not in imported, step["command"]
    # the checks can fail: each command ran (its first line), w8s4 imports an HTTP library
    for step in steps:
        module, args = step["command"][0], step["command"][1:]
        flavour, name = module.removeprefix("lessons_").split(".")
        expected = {
            ("--help",): f"usage: python -m {module} ",
            ("--list",): lesson(flavour, name).names()[0] + " ",
            ("morceaux",): "=== w8s2 morceaux on asyncio: ",
        }[tuple(args)]
        assert step["first"].startswith(expected), step
    assert HTTP & set(steps[-1]["imported"])


def test_imported_otherwise_the_lessons_leave_ctrl_c_alone(imports):
    assert imports["excepthook kept"] is True


@pytest.mark.parametrize("package", ["lessons_asyncio", "lessons_anyio"])
def test_ctrl_c_during_the_imports_is_one_line(package):
    """Ctrl-C in the first milliseconds of ``python -m lessons_…``, while the
    lesson's imports run: the command line's one line, no traceback, and the
    process ends as Ctrl-C ends it (SIGINT: 130 in a shell).  The interrupt is
    raised right after the package's import, as ``python -m`` does it."""
    code = f"import sys; sys.argv[0] = '-m'; import {package}; raise KeyboardInterrupt"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=cli_env(virtual=False),
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (-signal.SIGINT, "interrupted (Ctrl-C)\n")


def test_lessons_virtual_time_from_the_environment():
    """(The values it takes: tests/test_cli.py, in this process.)"""
    result = subprocess.run(
        [sys.executable, "-m", "lessons_asyncio.w8s2", "gather"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**cli_env(virtual=False), "LESSONS_VIRTUAL_TIME": "maybe"},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "python -m lessons_asyncio.w8s2: error: LESSONS_VIRTUAL_TIME='maybe':"
        " use 1 (or true, yes, on) or 0 (or false, no, off)"
    ]


# -- a real Ctrl-C -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("lessons_asyncio.w8s2", []),
        ("lessons_anyio.w8s2", ["--backend", "asyncio"]),
        ("lessons_anyio.w8s2", ["--backend", "trio"]),
    ],
    ids=["faithful", "port-asyncio", "port-trio"],
)
def test_ctrl_c_stops_cleanly(module, args, fork_server):
    # gather's tasks sleep 0.5 s after "début": the interrupt lands in that sleep
    stopped = ctrl_c_after(module, "gather", *args, event=line("run2 début"), server=fork_server)
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert err == "interrupted (Ctrl-C): gather stopped, its cleanup ran\n"
    # stopped at once: no later piece ran, and no further demo started
    assert "milieu" not in out and "fin" not in out
    assert out.count("=== ") == 1


def test_ctrl_c_runs_no_further_demo(fork_server):
    stopped = ctrl_c_after("lessons_asyncio.w8s2", event=line("run début"), server=fork_server)
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert "=== w8s2 gather" not in out
    assert "Traceback" not in err


# -- the real standard output: a pipe whose reader left, no descriptor at all -------------

#: Python's warning for the coroutine that w8s2's morceaux makes and drops:
#: from the line that dropped it, or, when it goes only as the interpreter
#: ends, from ``sys:1`` without a source line (seen once, both cores busy)
NEVER_AWAITED = (
    r"(\S+: RuntimeWarning: coroutine 'morceaux' was never awaited\n  .*\n"
    r"|sys:1: RuntimeWarning: coroutine 'morceaux' was never awaited\n)"
    r"RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n"
)


@pytest.mark.parametrize("module", ["lessons_asyncio.w8s2", "lessons_anyio.w8s2"])
def test_a_reader_that_leaves_early_is_no_error(module):
    """``python -m … | head -1``: the rest of the output has nowhere to go;
    the lesson stops quietly, as a Unix tool does."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=cli_env(virtual=True),
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=20) == 0
    assert first.startswith(b"=== w8s2 morceaux")
    # nothing, or the warning of morceaux's pitfall (Python's, 3 lines), if
    # its unrun coroutine was made before the pipe broke and went with the demo
    if err:
        assert re.fullmatch(NEVER_AWAITED, err.decode()), err


@pytest.mark.parametrize(
    "args", [("lessons_asyncio.w8s2",), ("lessons_anyio.w8s2", "--backend", "trio")]
)
def test_a_closed_stdout_is_no_error(args):
    """``python -m … >&-``: nowhere to write; the demos run, nothing fails."""
    result = subprocess.run(
        [sys.executable, "-m", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=cli_env(virtual=True),
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    # stderr holds only what the lesson means to show there: morceaux's
    # never-awaited warning, as IDLE shows it (no traceback, no error line)
    shown = re.sub(NEVER_AWAITED, "", result.stderr)
    assert (result.returncode, shown) == (0, "")
    assert "was never awaited" in result.stderr


def test_a_broken_pipe_seen_inside_a_task_group_is_a_reader_that_left():
    """A port's task writes to a pipe whose reader left: the BrokenPipeError
    comes out of the task group in an ExceptionGroup; still exit 0, quietly."""
    code = (
        "from common.lesson import Lesson\n"
        "fake = Lesson('lessons_anyio.fake')\n"
        "@fake.demo\n"
        "async def broken():\n"
        "    'a task group whose task found the pipe broken'\n"
        "    raise ExceptionGroup('tasks', [BrokenPipeError(32, 'Broken pipe')])\n"
        "fake.main([])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=cli_env(virtual=True),
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")

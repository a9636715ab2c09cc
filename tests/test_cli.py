"""The command line shared by every lesson (common/cli.py), in subprocesses."""

import os
import re
import signal
import subprocess
import sys

import pytest

from tests.harness import ROOT, ctrl_c_after, lesson, lesson_names, line, run_cli

MODULES = [
    f"lessons_{flavour}.{name}" for name in lesson_names() for flavour in ("asyncio", "anyio")
]


def assert_clean(result):
    for bad in ("Traceback", "Task was destroyed", "never retrieved", "ResourceWarning"):
        assert bad not in result.stderr, result.stderr
        assert bad not in result.stdout, result.stdout


@pytest.mark.parametrize("module", MODULES)
def test_list_names_every_demo_in_order(module):
    flavour, name = module.removeprefix("lessons_").split(".")
    result = run_cli(module, "--list")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == lesson(flavour, name).names()
    assert result.stderr == ""


@pytest.mark.parametrize("module", MODULES)
def test_help(module):
    result = run_cli(module, "--help")
    assert result.returncode == 0
    assert "--duration" in result.stdout
    assert ("--backend" in result.stdout) == module.startswith("lessons_anyio")


def test_faithful_runs_every_demo_under_a_header():
    result = run_cli("lessons_asyncio.w8s2")
    assert result.returncode == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if line.startswith("=== ")]
    assert [h.split()[2].rstrip(":") for h in headers] == ["morceaux", "gather", "famine"]
    assert "run2 fin" in result.stdout
    # only the warning that morceaux's pitfall shows (Python's, 3 lines)
    assert result.stderr.count("RuntimeWarning: coroutine 'morceaux' was never awaited") == 1
    assert len(result.stderr.splitlines()) == 3, result.stderr


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_port_runs_each_demo_on_each_backend(backend):
    for demo in lesson("anyio", "w8s2").names():
        result = run_cli("lessons_anyio.w8s2", demo, "--backend", backend)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"=== w8s2 {demo} on {backend}: ")
        # nothing but the warning that morceaux's pitfall shows (Python's, 3 lines)
        expected = 3 if demo == "morceaux" else 0
        assert len(result.stderr.splitlines()) == expected, result.stderr


def test_lazy_imports():
    """--list and the asyncio backend never import trio; no lesson but w8s4
    imports an HTTP library; the other faithful lessons do not even import anyio."""
    for module in MODULES:
        for args in (["--list"], ["--help"]):
            out = subprocess.run(
                [sys.executable, "-X", "importtime", "-m", module, *args],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert out.returncode == 0, out.stderr
            imported = {
                line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line
            }
            assert "trio" not in imported, module
            if "w8s4" not in module:
                assert not imported & {"aiohttp", "httpx", "requests"}, module
                # (w8s4's faithful version needs anyio for its embedded server)
                if module.startswith("lessons_asyncio"):
                    assert "anyio" not in imported, module
    # a real run on asyncio: trio is still not imported
    out = run_cli("lessons_anyio.w8s2", "morceaux", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert out.returncode == 0
    assert "| trio\n" not in out.stderr and "| anyio._backends._trio" not in out.stderr


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("lessons_asyncio.w8s2", []),
        ("lessons_anyio.w8s2", ["--backend", "asyncio"]),
        ("lessons_anyio.w8s2", ["--backend", "trio"]),
    ],
    ids=["faithful", "port-asyncio", "port-trio"],
)
def test_ctrl_c_stops_cleanly(module, args):
    # gather's tasks sleep 0.5 s after "début": the interrupt lands in that sleep
    stopped = ctrl_c_after(module, "gather", *args, event=line("run2 début"))
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert err == "interrupted (Ctrl-C): gather stopped, its cleanup ran\n"
    # stopped at once: no later piece ran, and no further demo started
    assert "milieu" not in out and "fin" not in out
    assert out.count("=== ") == 1


def test_ctrl_c_runs_no_further_demo():
    stopped = ctrl_c_after("lessons_asyncio.w8s2", event=line("run début"))
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert "=== w8s2 gather" not in out
    assert "Traceback" not in err


@pytest.mark.parametrize("module", ["lessons_asyncio.w8s2", "lessons_anyio.w8s2"])
def test_a_reader_that_leaves_early_is_no_error(module):
    """``python -m … | head -1``: the rest of the output has nowhere to go;
    the lesson stops quietly, as a Unix tool does."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LESSONS_VIRTUAL_TIME": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", module],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
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
        assert err.count(b"RuntimeWarning: coroutine 'morceaux' was never awaited") == 1
        assert len(err.splitlines()) == 3, err


def test_the_runner_finishes_a_line_the_demo_left_open(monkeypatch, capsys):
    """A demo stopped mid-line (dots printed with ``end=""``): the runner's
    next words start on a line of their own."""
    from common.runner import Lesson, main

    lesson = Lesson("lessons_asyncio.fake")

    @lesson.demo(forever=1.5)
    def dots():
        "dots forever"
        import asyncio

        async def forever():
            while True:
                print(".", end="", flush=True)
                await asyncio.sleep(1)

        asyncio.ensure_future(forever())  # noqa: RUF006 (the runner cancels it)
        asyncio.get_event_loop().run_forever()

    monkeypatch.setenv("LESSONS_VIRTUAL_TIME", "1")
    assert main(lesson, []) == 0
    # one dot at 0 s and one at 1 s, then the bound at 1.5 s
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "..",
        "(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)",
    ]


# -- output streams, environment, numbers past what the clocks hold ----------------------


#: Python's warning for the coroutine that w8s2's morceaux makes and drops
NEVER_AWAITED = (
    r"\S+: RuntimeWarning: coroutine 'morceaux' was never awaited\n  .*\n"
    r"RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n"
)


@pytest.mark.parametrize(
    "args", [("lessons_asyncio.w8s2",), ("lessons_anyio.w8s2", "--backend", "trio")]
)
def test_a_closed_stdout_is_no_error(args):
    """``python -m … >&-``: nowhere to write; the demos run, nothing fails."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LESSONS_VIRTUAL_TIME": "1"}
    result = subprocess.run(
        [sys.executable, "-m", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
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
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LESSONS_VIRTUAL_TIME": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(
    "args",
    [
        ("lessons_asyncio.w8s2", "gather"),
        ("lessons_anyio.w8s2", "gather", "--backend", "trio"),
        ("lessons_anyio.w8s2", "gather", "--timeline"),
    ],
)
def test_any_output_encoding(args):
    """On an ASCII terminal the lesson's ``é`` is escaped, not a traceback."""
    result = run_cli(*args, env={"PYTHONIOENCODING": "ascii"})
    assert (result.returncode, result.stderr) == (0, "")
    assert "run1 d\\xe9but" in result.stdout.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ("lessons_asyncio.w8s8",),
        ("lessons_anyio.w8s8", "--backend", "asyncio"),
        ("lessons_anyio.w8s8", "--backend", "trio"),
    ],
)
@pytest.mark.parametrize("duration", ["2e7", "1e35", "1000001"])
def test_a_bound_past_what_the_clock_counts_is_a_usage_error(args, duration):
    """On virtual time, past ~1e7 s, ``t + 1e-9 == t``: a timer that far would
    never fire and the run would spin for ever.  The maximum is 1e6 s."""
    result = run_cli(*args, "producer_consumer", "--duration", duration, timeout=20)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"python -m {args[0]}: error: argument --duration: at most 1e+06 seconds,"
        f" not {duration!r} (see --help)"
    ]


def test_the_longest_bound_is_accepted():
    result = run_cli("lessons_asyncio.w8s8", "--duration", "1e6", "--list")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("value", ["maybe", "2", "on please"])
def test_lessons_virtual_time_is_parsed_strictly(value):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LESSONS_VIRTUAL_TIME": value}
    result = subprocess.run(
        [sys.executable, "-m", "lessons_asyncio.w8s2", "gather"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"python -m lessons_asyncio.w8s2: error: LESSONS_VIRTUAL_TIME={value!r}:"
        " use 1 (or true, yes, on) or 0 (or false, no, off)"
    ]


@pytest.mark.parametrize(
    ("value", "virtual"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
        (None, False),
    ],
)
def test_lessons_virtual_time_values(value, virtual, monkeypatch):
    from common.virtual import virtual_from_env

    if value is None:
        monkeypatch.delenv("LESSONS_VIRTUAL_TIME", raising=False)
    else:
        monkeypatch.setenv("LESSONS_VIRTUAL_TIME", value)
    assert virtual_from_env() is virtual


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
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (-signal.SIGINT, "interrupted (Ctrl-C)\n")


def test_imported_otherwise_the_lessons_leave_ctrl_c_alone():
    code = "import sys; hook = sys.excepthook; import lessons_anyio; print(sys.excepthook is hook)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.stdout == "True\n", result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("lessons_asyncio.w8s6",),
        ("lessons_anyio.w8s6", "--backend", "asyncio"),
        ("lessons_anyio.w8s6", "--backend", "trio"),
    ],
    ids=["faithful", "port-asyncio", "port-trio"],
)
def test_the_bound_presses_ctrl_c_on_real_time(args):
    """On real time too, the bound is the video's Ctrl-C: fork's seed says
    bye, the exit code is 0, one line says the bound pressed it."""
    result = run_cli(*args, "fork", "--duration", "0.2", virtual=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-3:] == [
        "0s + 000ms >>> c1",
        "bye",
        "(Ctrl-C pressed by the bound after 0.2 s; --duration S changes it)",
    ]

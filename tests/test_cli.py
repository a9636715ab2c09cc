"""The command line shared by every lesson (common/runner.py), in subprocesses."""

import os
import signal
import subprocess
import sys

import pytest

from tests.harness import ROOT, lesson, lesson_names, run_cli

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
    assert result.stderr == ""


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_port_runs_each_demo_on_each_backend(backend):
    for demo in lesson("anyio", "w8s2").names():
        result = run_cli("lessons_anyio.w8s2", demo, "--backend", backend)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"=== w8s2 {demo} on {backend}: ")
        assert result.stderr == ""


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


def interrupt_after(module, *args, line, backend=None):
    """Start a real-time run, wait until ``line`` is printed, then Ctrl-C."""
    cmd = [sys.executable, "-m", module, *args]
    env = {k: v for k, v in os.environ.items() if k != "LESSONS_VIRTUAL_TIME"}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    seen = []
    try:
        for out_line in proc.stdout:
            seen.append(out_line)
            if out_line.rstrip("\n") == line:
                proc.send_signal(signal.SIGINT)
                break
        rest, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    return proc.returncode, "".join(seen) + rest, err


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
    code, out, err = interrupt_after(module, "gather", *args, line="run2 début")
    assert code == 130
    assert err == "interrupted (Ctrl-C): gather stopped, its cleanup ran\n"
    # stopped at once: no later piece ran, and no further demo started
    assert "milieu" not in out and "fin" not in out
    assert out.count("=== ") == 1


def test_ctrl_c_runs_no_further_demo():
    code, out, err = interrupt_after("lessons_asyncio.w8s2", line="run début")
    assert code == 130
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
    assert err == b""


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

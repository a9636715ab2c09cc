"""w8s4 and w8s4_limits from the command line: options, the runner's setup
hook, real-time runs of every flavour and backend, Ctrl-C."""

import re
from collections import Counter
from contextlib import asynccontextmanager, contextmanager

import anyio
import pytest

from common.runner import DemoFailed, Lesson, arun, run_demo
from common.w8s4.documents import VIDEO_DOCUMENTS, document
from common.w8s4.options import document_count, download_limit, non_negative_seconds
from tests.harness import ctrl_c_after, lesson, twin_demos

pytestmark = pytest.mark.anyio

NAMES = list(VIDEO_DOCUMENTS)
DEMOS = ["sequential", "concurrent", "lines"]

# --------------------------------------------------------------------------
# Options: a bad value is a one-line usage error, exit code 2


@pytest.mark.parametrize(
    "args",
    [
        ["--latency", "-1"],
        ["--latency", "inf"],
        ["--latency", "soon"],
        ["--count", "0"],
        ["--count", "2.5"],
        ["--count", "10001"],
        ["--limit", "0"],
        ["--timeout", "0"],
        ["--timeout", "nan"],
        ["--url"],
    ],
)
@pytest.mark.parametrize("flavour", ["asyncio", "anyio"])
def test_bad_option_is_a_usage_error(flavour, args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        lesson(flavour, "w8s4_limits").main(["concurrent", *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err


def test_option_types():
    assert non_negative_seconds("0") == 0.0
    assert non_negative_seconds("0.25") == 0.25
    assert document_count("1000") == 1000
    assert download_limit("100") == 100


def test_twins_have_the_same_demos():
    assert twin_demos("w8s4_limits") == DEMOS


# --------------------------------------------------------------------------
# The runner's setup hook (common/runner.py, Lesson.setup)


def test_setup_hook_faithful():
    events = []
    fake = Lesson("lessons_asyncio.fake_setup")

    @contextmanager
    def setup(demo, options):
        events.append(("enter", demo.name, dict(options)))
        try:
            yield {"given": 42}
        finally:
            events.append(("exit", demo.name))

    fake.setup(setup)

    @fake.demo
    def show(given, color):
        print(given, color)

    @fake.demo
    def fail():
        raise DemoFailed("no")

    record = run_demo(fake["show"], virtual=True, echo=False, options={"color": "red", "other": 1})
    assert record.schedule() == [(0.0, "42 red")]
    with pytest.raises(DemoFailed):
        run_demo(fake["fail"], virtual=True, echo=False)
    assert events == [
        ("enter", "show", {"color": "red", "other": 1}),
        ("exit", "show"),
        ("enter", "fail", {}),
        ("exit", "fail"),
    ]


async def test_setup_hook_port():
    events = []
    fake = Lesson("lessons_anyio.fake_setup")

    @asynccontextmanager
    async def setup(demo, options):
        events.append(("enter", demo.name, dict(options)))
        try:
            yield {"given": 42}
        finally:
            events.append(("exit", demo.name))

    fake.setup(setup)

    @fake.demo
    async def show(given, color):
        await anyio.sleep(1)
        print(given, color)

    record = await arun(fake["show"], echo=False, options={"color": "red"})
    assert record.schedule() == [(1.0, "42 red")]
    assert events == [("enter", "show", {"color": "red"}), ("exit", "show")]


# --------------------------------------------------------------------------
# The command line, on real time, with a small latency

REAL_LATENCY = "0.05"
RUNS = {
    "faithful": ["lessons_asyncio.w8s4_limits"],
    "asyncio": ["lessons_anyio.w8s4_limits", "--backend", "asyncio"],
    "trio": ["lessons_anyio.w8s4_limits", "--backend", "trio"],
}
FAILING = [
    "--url",
    "/pub/irs-pdf/f1040c.pdf",
    "--url",
    "/nope.pdf",
    "--url",
    "http://nothing.invalid/x",
]


#: every warning shown, as PYTHONWARNINGS=always does (a ResourceWarning would be seen)
SHOW_WARNINGS = ("-W", "always::Warning")


@pytest.fixture(scope="module")
def cli_runs(fork_server):
    """Every command-line run, real processes on real time, started together
    (they mostly wait)."""

    def start(args):
        return fork_server.spawn(*args, python=SHOW_WARNINGS)

    children = {}
    for name, args in RUNS.items():
        children[name, "all"] = start([*args, "--latency", REAL_LATENCY])
        children[name, "failing"] = start([*args, "--latency", REAL_LATENCY, *FAILING])
    try:
        return {key: child.finish() for key, child in children.items()}
    finally:
        for child in children.values():
            child.close()


@pytest.mark.parametrize("run", RUNS)
def test_command_line_real_time(run, cli_runs):
    finished = cli_runs[run, "all"]
    out, err = finished.out, finished.err
    assert finished.code == 0, finished
    assert err == ""  # no warning, no traceback, no failure
    lines = out.splitlines()
    on = "" if run == "faithful" else f" on {run}"
    headers = [line for line in lines if line.startswith("===")]
    assert [h.split(":")[0] for h in headers] == [f"=== w8s4_limits {demo}{on}" for demo in DEMOS]
    assert sum(line.endswith(" chars") for line in lines) == 4
    assert sum(line.startswith("fetching http://127.0.0.1:") for line in lines) == 4
    assert sum(line.endswith(" bytes") for line in lines) == 4
    assert sum(line.startswith("duration = ") and line.endswith("s") for line in lines) == 3
    digits = lines[lines.index(headers[2]) + 1]
    assert Counter(digits) == Counter(
        {str(i): document(name).count(b"\n") for i, name in enumerate(NAMES)}
    )


@pytest.mark.parametrize("run", RUNS)
def test_command_line_failures(run, cli_runs):
    finished = cli_runs[run, "failing"]
    out, err = finished.out, finished.err
    assert finished.code == 1, finished
    errors = err.splitlines()
    # one line per failed download, and nothing else (the exit code says the rest)
    assert sum(line.endswith("/nope.pdf' failed: HTTP 404 Not Found") for line in errors) == 3
    assert errors.count("'http://nothing.invalid/x' failed: unknown host") == 3
    assert len(errors) == 6
    assert (
        sum(
            line.endswith("/pub/irs-pdf/f1040c.pdf returned 93402 bytes")
            for line in out.splitlines()
        )
        == 1
    )
    assert (
        sum(
            line.endswith("/pub/irs-pdf/f1040c.pdf returned 93402 chars")
            for line in out.splitlines()
        )
        == 1
    )


@pytest.mark.parametrize(
    "args, wait_for",
    [
        (["lessons_asyncio.w8s4_limits", "sequential"], " chars\n"),
        # the first index after the header line
        (["lessons_anyio.w8s4_limits", "lines", "--backend", "trio"], "===[^\n]*\n[0-3]"),
    ],
    ids=["faithful-sequential", "trio-lines"],
)
def test_ctrl_c(args, wait_for, fork_server):
    # Ctrl-C once the demo prints (then the runner handles it)
    stopped = ctrl_c_after(
        *args,
        "--latency",
        "0.25",
        event=re.compile(wait_for),
        server=fork_server,
        python=SHOW_WARNINGS,
    )
    err = stopped.err
    assert stopped.code == 130, stopped
    assert f"interrupted (Ctrl-C): {args[1]} stopped, its cleanup ran" in err
    for bad in ("Traceback", "Task was destroyed", "never retrieved", "Warning", "Unclosed"):
        assert bad not in err

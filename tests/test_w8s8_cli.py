"""w8s8: the help page the video opens (queue_help), and the command line with
Ctrl-C, faithful and port.

The command line runs in the test's process (:func:`tests.harness.run_main`)
but in ``test_ctrl_c``, which needs a real process: a real SIGINT, pressed once
a line is printed.
"""

import asyncio
import re

import pytest

from common.helpsummary import help_summary
from tests.harness import (
    by_instant,
    ctrl_c_after,
    faithful_record,
    port_record,
    run_main,
    twin_demos,
)
from tests.test_w8s8 import ticks, window_schedule

pytestmark = pytest.mark.anyio


# --------------------------------------------------------------------------
# queue_help

QUEUE_LINES = [
    "Help on class Queue in module asyncio.queues:",
    "Queue(maxsize=0)",
    "    A queue, useful for coordinating producer and consumer coroutines.",
    "Methods and properties it defines:",
]
QUEUE_MEMBERS = [
    "async get()",
    "async put(item)",
    "get_nowait()",
    "put_nowait(item)",
    "qsize()",
    "full()",
    "empty()",
    "maxsize",
    "task_done()",
    "async join()",
]
STREAM_LINES = [
    "Help on class create_memory_object_stream in module anyio:",
    "create_memory_object_stream(max_buffer_size=0, item_type=None)",
    "    Create a memory object stream.",
    "Help on class MemoryObjectSendStream in module anyio.streams.memory:",
    "Help on class MemoryObjectReceiveStream in module anyio.streams.memory:",
]
STREAM_MEMBERS = [
    "async send(item)",
    "send_nowait(item)",
    "async receive()",
    "receive_nowait()",
    "clone()",
    "close()",
    "async aclose()",
    "statistics()",
]


def members(text):
    """The labels of the member lines, in every "Methods and properties" list."""
    labels, inside = set(), False
    for line in text.splitlines():
        if line == "Methods and properties it defines:":
            inside = True
        elif not line.startswith("    "):
            inside = False
        elif inside:
            labels.add(line.strip().split("  ")[0])
    return labels


@pytest.fixture
def no_pager(monkeypatch):
    import pydoc

    def pager(*args, **kwargs):
        raise AssertionError("a pager was opened")

    monkeypatch.setattr(pydoc, "pager", pager)


def test_queue_help_faithful(no_pager):
    text = faithful_record("w8s8", "queue_help").text()
    assert text == help_summary(asyncio.Queue) + "\n"
    lines = text.splitlines()
    assert all(line in lines for line in QUEUE_LINES)
    assert set(QUEUE_MEMBERS) <= members(text)
    # no dunders, no inherited loop plumbing, no method resolution order
    assert "__init__" not in text and "_get_loop" not in text and "resolution" not in text


async def test_queue_help_port(no_pager):
    text = (await port_record("w8s8", "queue_help")).text()
    lines = text.splitlines()
    assert all(line in lines for line in STREAM_LINES)
    assert set(STREAM_MEMBERS) <= members(text)
    # the dataclasses' generated docstrings are replaced by their bases' ones
    assert "_state:" not in text and "'T_contra'" not in text
    assert "    (docstring of its base class ObjectSendStream)" in lines


def test_queue_help_is_deterministic():
    """Same text whatever the terminal's width, and no pager, on a terminal
    or not (the subprocess's stdout is a pipe; PAGER would fail loudly)."""
    narrow = run_main("lessons_asyncio.w8s8", "queue_help", env={"COLUMNS": "20", "PAGER": "false"})
    wide = run_main("lessons_asyncio.w8s8", "queue_help", env={"COLUMNS": "300", "PAGER": "false"})
    assert narrow.returncode == wide.returncode == 0
    assert narrow.stdout == wide.stdout
    assert narrow.stdout.split("\n", 1)[1] == help_summary(asyncio.Queue) + "\n"


def test_help_summary_of_a_function():
    def f(a: int, *, b: str = "x") -> None:
        """One line.

        More."""

    assert help_summary(f, "f") == (
        f"Help on function f in module {__name__}:\n\nf(a, *, b='x')\n    One line.\n\n    More."
    )


# --------------------------------------------------------------------------
# command line and Ctrl-C


def test_twins_have_the_same_demos():
    assert twin_demos("w8s8") == ["queue_help", "producer_consumer", "window"]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cli_window_port(backend):
    result = run_main("lessons_anyio.w8s8", "window", "--backend", backend)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"=== w8s8 window on {backend}:")
    assert by_instant([(0, line) for line in lines[1:]]) == by_instant(
        [(0, line) for _, line in window_schedule()]
    )


@pytest.mark.parametrize(
    "module, args",
    [
        ("lessons_asyncio.w8s8", ()),
        ("lessons_anyio.w8s8", ("--backend", "trio")),
    ],
)
def test_cli_all_demos(module, args):
    """A bare run shows the three demos in the video's order, and ends."""
    result = run_main(module, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    headers = [
        line.split(":")[0].split()[2]
        for line in result.stdout.splitlines()
        if line.startswith("===")
    ]
    assert headers == ["queue_help", "producer_consumer", "window"]


@pytest.mark.parametrize(
    "module, args",
    [
        ("lessons_asyncio.w8s8", ()),
        ("lessons_anyio.w8s8", ("--backend", "asyncio")),
        ("lessons_anyio.w8s8", ("--backend", "trio")),
    ],
)
def test_cli_producer_consumer_duration_is_the_video_ctrl_c(module, args):
    """The bound presses Ctrl-C for the user: the seed's bye, exit code 0,
    one line from the runner saying so."""
    result = run_main(module, "producer_consumer", "--duration", "2.5", *args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:] == [line for _, line in ticks(2.5)] + [
        "bye",
        "(Ctrl-C pressed by the bound after 2.5 s; --duration S changes it)",
    ]


def test_cli_window_faithful_bound_says_bye():
    """The seed's bare except catches the bound's Ctrl-C as the video's."""
    result = run_main("lessons_asyncio.w8s8", "window")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-2:] == [
        "bye",
        "(Ctrl-C pressed by the bound after 5.5 s; --duration S changes it)",
    ]


CTRL_C = [
    pytest.param("lessons_asyncio", (), id="faithful"),
    pytest.param("lessons_anyio", ("--backend", "asyncio"), id="port-asyncio"),
    pytest.param("lessons_anyio", ("--backend", "trio"), id="port-trio"),
]


@pytest.mark.parametrize("package, args", CTRL_C)
@pytest.mark.parametrize("demo, after", [("producer_consumer", "got tick1"), ("window", ">>> job")])
def test_ctrl_c(package, args, demo, after, fork_server):
    # Ctrl-C once a whole line with ``after`` is printed
    stopped = ctrl_c_after(
        f"{package}.w8s8",
        demo,
        *args,
        server=fork_server,
        event=re.compile(re.escape(after) + ".*\n"),
        python=("-W", "always::ResourceWarning"),
    )
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert f"interrupted (Ctrl-C): {demo} stopped, its cleanup ran" in err
    for bad in ("Traceback", "Task was destroyed", "never retrieved", "ResourceWarning"):
        assert bad not in err
    lines = out.splitlines()
    assert "(Ctrl-C pressed by the bound" not in out
    # the seed's except clause says goodbye, and nothing comes after it; the
    # port says it when the runner's cancellation came from Ctrl-C
    assert lines[-1] == "bye"

"""The demos in a real Jupyter kernel (ipykernel), as a notebook user runs them.

The worker's kernel (``kernel``, see tests/conftest.py), on real time, runs
these tests one after the other, each from a new kernel's namespace; each
leaves it idle, with no demo running.  Virtual-time runs ask for it with
``virtual=True``.  What a cell prints is compared with what the same run
prints outside a kernel: a kernel changes where a demo runs (a worker thread,
since the kernel's own asyncio loop runs in the main thread), not what it
says.  The generated lesson notebooks run there too, on virtual time
(``LESSONS_VIRTUAL_TIME=1``, set by their first cell), through nbclient, as
``jupyter nbconvert --execute`` would.
"""

import re
from itertools import groupby

import nbformat
import pytest

from common.notebook import build as build_notebook
from tests import harness
from tests.kernel import VIRTUAL_TIME, Execution

IMPORTS = (
    "from common import run\n"
    "from lessons_asyncio import {name} as faithful\n"
    "from lessons_anyio import {name} as port\n"
)
SVG = "image/svg+xml"
TIMER = re.compile(r"\d+s \+ \d{3}ms|")  # a line without the timer: instant ""


def _by_instant(text):
    """The lines, those of one instant of the course's timer (``1s + 000ms``)
    sorted: trio does not order the tasks that wake at the same instant."""
    return [
        (instant, sorted(line for _, line in group))
        for instant, group in groupby(
            ((TIMER.match(line).group(0), line) for line in text.splitlines()),
            key=lambda item: item[0],
        )
    ]


@pytest.mark.parametrize(
    ("flavour", "name", "demo", "call", "first"),
    [
        (
            "asyncio",
            "w8s8",
            "window",
            'run(faithful.lesson["window"], virtual=True)',
            ["---------- zero", "0s + 000ms >>> job0 - duration 1"],
        ),
        (
            "anyio",
            "w8s2",
            "gather",
            'run(port.lesson["gather"], backend="asyncio", virtual=True)',
            ["run1 début", "run2 début"],
        ),
        (
            "anyio",
            "w8s8",
            "window",
            'run(port.lesson["window"], backend="trio", virtual=True)',
            ["---------- zero", "0s + 000ms >>> job0 - duration 1"],
        ),
    ],
    ids=["faithful", "port-asyncio", "port-trio"],
)
def test_a_cell_prints_what_the_command_line_prints_and_shows_the_timeline(
    kernel, record_of, flavour, name, demo, call, first
):
    backend = "trio" if "trio" in call else "asyncio"
    # the same run outside a kernel, on virtual time, as the command line runs
    # it (run once per session, shared with the lessons' tests)
    expected = record_of(flavour, name, demo, backend=backend)
    cell = kernel.execute(IMPORTS.format(name=name) + call)
    assert cell.error is None, cell.reply["content"]
    assert cell.lines()[: len(first)] == first
    if backend == "trio":
        assert _by_instant(cell.stream()) == _by_instant(expected.text())
    else:
        assert cell.stream() == expected.text()
    assert cell.stream("stderr") == ""
    # the cell's value is the Record: Jupyter draws it as the HTML page's SVG
    assert cell.data(SVG) == [expected._repr_svg_()]


def _wait_for_line(kernel, msg_id, text, timeout=60):
    """Read the request's messages until a stream message says ``text``;
    the messages read, in order.  Times out if it does not come."""
    seen = Execution()
    while True:
        arrived, message = kernel.next_message(msg_id, timeout)
        seen.messages.append((arrived, message))
        if message["msg_type"] == "stream" and text in seen.stream():
            return seen
        assert message["msg_type"] not in ("execute_result", "error"), message


@pytest.mark.parametrize(
    ("call", "first"),
    [
        ('run(faithful.lesson["producer_consumer"], virtual=False, duration=600)', "got tick1"),
        (
            'run(port.lesson["producer_consumer"], backend="trio", virtual=False, duration=600)',
            "got tick1",
        ),
    ],
    ids=["faithful", "port-trio"],
)
def test_the_kernels_interrupt_stops_a_lasting_demo_like_ctrl_c_and_the_kernel_runs_on(
    kernel, record_of, call, first
):
    msg_id = kernel.send(IMPORTS.format(name="w8s8") + call)
    # Live: the first tick is in the notebook while the demo still runs (it
    # would run 600 s; output kept until the end would never come in time).
    before = _wait_for_line(kernel, msg_id, first)
    kernel.interrupt()
    cell = kernel.collect(msg_id, done=before)
    zero, *ticks, bye = cell.lines()
    assert zero == "---------- zero"
    # one tick a second from the first: how many came before the interrupt
    # depends on the machine's load, not their order
    assert ticks[0].endswith(first)
    assert [t.split(" got ")[1] for t in ticks] == [f"tick{k}" for k in range(1, len(ticks) + 1)]
    # the lesson's own answer to Ctrl-C, last
    assert bye == "bye"
    assert cell.stream("stderr") == ""
    # run() re-raises the interrupt, so the cell shows it was interrupted;
    # the record of what the demo printed rides on the exception
    assert cell.error == "KeyboardInterrupt"
    assert cell.data("text/plain") == []
    stopped = kernel.execute("import sys\nsys.last_value.record.stopped")
    assert stopped.data("text/plain") == ["'interrupt'"]
    # the same kernel runs a demo again, from the start
    again = kernel.execute(IMPORTS.format(name="w8s2") + 'run(port.lesson["gather"], virtual=True)')
    assert again.error is None, again.reply["content"]
    assert again.stream() == record_of("anyio", "w8s2", "gather").text()


def test_runs_leave_no_thread_behind(kernel):
    count = "import threading\nthreading.active_count()"
    kernel.execute(
        IMPORTS.format(name="w8s8") + 'run(port.lesson["window"], backend="trio", virtual=True)'
    )
    before = kernel.execute(count).data("text/plain")
    for call in (
        'run(faithful.lesson["window"], virtual=True)',
        'run(port.lesson["window"], backend="trio", virtual=True)',
        'run(port.lesson["window"], backend="asyncio", virtual=True)',
    ):
        assert kernel.execute(call).error is None
    assert kernel.execute(count).data("text/plain") == before


# -- the generated notebooks ----------------------------------------------------------


@pytest.mark.parametrize("name", harness.lesson_names())
def test_a_generated_lesson_notebook_runs_top_to_bottom(kernel, name):
    notebook = build_notebook(name)
    # The kernel starts from a new kernel's namespace (the fixture empties it
    # of what an earlier notebook left, and checks it).  The test's own cells:
    # first, virtual time, as if Jupyter were started with
    # LESSONS_VIRTUAL_TIME=1 (the notebook reads it when its setup cell runs);
    # last, did the notebook's switch see it?
    notebook.cells.insert(
        0, nbformat.v4.new_code_cell(f"%env {VIRTUAL_TIME}=1", id="test-virtual-time")
    )
    notebook.cells.append(nbformat.v4.new_code_cell("VIRTUAL", id="test-virtual"))
    kernel.notebook(notebook)
    runs = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("run(")]
    assert runs
    for cell in runs:
        # each run ends with its timeline, drawn inline
        result = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(result) == 1 and SVG in result[0].data, cell.source
        assert result[0].data[SVG].startswith("<svg "), cell.source
    assert notebook.cells[-1].outputs[0].data["text/plain"] == "True"

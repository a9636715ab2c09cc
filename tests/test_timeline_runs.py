"""Timelines of the lessons themselves: every demo charts, and the command line.

Every demo of every version is recorded on virtual time and drawn at several
widths (each line within the width, the SVG well-formed); the command line's
``--timeline`` is read back as a person reads the chart.
"""

import os
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from common.runner import run_demo
from common.timeline import build, chart, to_svg
from tests.harness import (
    ROOT,
    faithful_record,
    lesson,
    lesson_names,
    lesson_options,
    modern_lesson_names,
    port_lesson_names,
    port_record,
    run_cli,
    showing_never_awaited,
)
from tests.test_timeline import assert_span, parse_chart

pytestmark = pytest.mark.anyio


# -- every demo of every lesson ------------------------------------------------


def demos(flavour, names, plain=None):
    """``(lesson, demo)`` params; ``plain``: only the port demos that are plain
    functions (True) or coroutine functions (False)."""
    return [
        pytest.param(name, demo, id=f"{name}-{demo}")
        for name in names
        for demo, the_demo in lesson(flavour, name).demos.items()
        if plain is None or plain != the_demo.is_async
    ]


def options(flavour, name):
    """The lesson's own options at their defaults, as a bare command line."""
    return lesson_options(lesson(flavour, name))


def check_charts(record, demo):
    for width in (60, 80, 160):
        text = chart(record, width, demo)
        assert all(len(line) <= width for line in text.splitlines()), text
        assert "timeline" in text
    svg = to_svg(build(record))
    assert ElementTree.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize(("name", "demo"), demos("asyncio", lesson_names()))
def test_every_faithful_demo_charts(name, demo):
    # (the pitfall demos show Python's never-awaited warning: it is charted too)
    with showing_never_awaited():
        record = faithful_record(name, demo, options=options("asyncio", name))
    check_charts(record, demo)


@pytest.mark.parametrize(("name", "demo"), demos("asyncio.modern", modern_lesson_names()))
def test_every_modern_demo_charts(name, demo):
    the_demo = lesson("asyncio.modern", name)[demo]
    options_ = options("asyncio.modern", name)
    check_charts(run_demo(the_demo, virtual=True, echo=False, options=options_), demo)


@pytest.mark.parametrize(("name", "demo"), demos("anyio", port_lesson_names(), plain=False))
async def test_every_port_demo_charts(name, demo):
    with showing_never_awaited():
        record = await port_record(name, demo, options=options("anyio", name))
    check_charts(record, demo)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize(("name", "demo"), demos("anyio", port_lesson_names(), plain=True))
def test_every_plain_port_demo_charts(name, demo, backend):
    # a port demo that runs its own loop (run_anyio) or none: as the runner runs it
    the_demo = lesson("anyio", name)[demo]
    with showing_never_awaited():
        record = run_demo(
            the_demo, backend=backend, virtual=True, echo=False, options=options("anyio", name)
        )
    check_charts(record, demo)


# -- the command line ------------------------------------------------------------


def test_cli_timeline_piped_is_plain():
    result = run_cli("lessons_asyncio.w8s2", "famine", "--timeline")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    out = result.stdout
    assert out.index("['run1 par famine', 'run2 par famine']") < out.index("timeline of famine")
    rows, resolution = parse_chart(out[out.index("timeline of famine") :])
    assert_span(rows, resolution, "run1", 0, 1.5)
    assert_span(rows, resolution, "run2", 0, 2.5)
    chart_lines = out[out.index("timeline of famine") :].splitlines()
    assert max(len(line) for line in chart_lines) <= 80


def test_cli_timeline_port_after_each_demo():
    result = run_cli("lessons_anyio.w8s2", "--timeline", "--backend", "trio")
    assert result.returncode == 0, result.stderr
    for demo in ("morceaux", "gather", "famine"):
        assert f"timeline of {demo} on trio" in result.stdout


def test_cli_timeline_on_a_modern_lesson():
    result = run_cli("lessons_asyncio.modern.w8s8", "window", "--timeline")
    assert result.returncode == 0, result.stderr
    out = result.stdout[result.stdout.index("timeline of window") :]
    rows, resolution = parse_chart(out)
    # job i lasts (i % 3) + 1 s, 4 at a time (the video's timetable)
    assert_span(rows, resolution, "job4", 1, 3)
    assert_span(rows, resolution, "job7", 3, 5)


def test_cli_colour_only_on_a_terminal_without_no_color():
    coloured = run_cli("lessons_asyncio.w8s2", "famine", "--timeline", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    plain = run_cli(
        "lessons_asyncio.w8s2", "famine", "--timeline", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert "\x1b[" not in plain.stdout
    assert "timeline of famine" in plain.stdout


def test_cli_without_timeline_draws_nothing():
    result = run_cli("lessons_asyncio.w8s2", "famine")
    assert "timeline" not in result.stdout


def test_list_does_not_import_the_views():
    code = (
        "import sys\n"
        "from lessons_asyncio import w8s2\n"
        "from common.runner import main\n"
        "assert main(w8s2.lesson, ['--list']) == 0\n"
        "views = ('rich', 'pygments', 'common.timeline', 'common.views')\n"
        "print(sorted(m for m in sys.modules if m.startswith(views)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_cli_timeline_in_an_ascii_output():
    # PYTHONIOENCODING=ascii: the chart in ASCII look-alikes, same layout
    result = run_cli(
        "lessons_asyncio.w8s8", "window", "--timeline", env={"PYTHONIOENCODING": "ascii"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout[result.stdout.index("timeline of window") :]
    assert out.isascii()
    lines = out.splitlines()
    # job4 runs from 1 s to 3 s: at 0.1 s a column, "[" in column 10, "]" in 30
    assert "1 column = 0.1 s" in lines[0]
    job4 = next(line for line in lines if line.startswith("job4"))
    origin = next(line for line in lines if line.lstrip().startswith("+-")).index("+")
    assert (job4.index("["), job4.index("]")) == (origin + 10, origin + 30)


@pytest.mark.parametrize("columns", ["0", "-3", "100000000"])
def test_cli_timeline_with_a_senseless_columns(columns):
    # COLUMNS that makes no sense: the usual 80 columns
    result = run_cli("lessons_asyncio.w8s2", "famine", "--timeline", env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    out = result.stdout[result.stdout.index("timeline of famine") :]
    assert "1 column = 0.05 s" in out  # 2.5 s in the 80-column chart
    assert max(len(line) for line in out.splitlines()) <= 80

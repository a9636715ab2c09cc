"""Timelines of the lessons themselves: every demo charts, and the command line.

Every demo of every version is recorded on virtual time and drawn at several
widths (each line within the width, the SVG well-formed); the command line's
``--timeline`` is read back as a person reads the chart.
"""

import os
import re
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from common.timeline import build, render, to_svg
from common.views.recording import TIMELINES, record_demo
from common.views.sources import SOURCES
from tests.harness import ROOT, run_cli, run_main
from tests.test_timeline import assert_span, parse_chart
from tests.views_fixture.records import page_record

# -- every demo of every lesson ------------------------------------------------


def every_demo():
    """``(lesson, version, backend, demo)`` params: every demo of every
    version, on each backend the pages record it on (the video's and the
    modern version on asyncio, the port on asyncio and on trio)."""
    return [
        pytest.param(name, version, backend, demo, id=f"{name}-{version}-{backend}-{demo}")
        for name in SOURCES.lessons()
        for version, backend, _ in TIMELINES
        if (the_lesson := SOURCES.lesson(name, version)) is not None
        for demo in the_lesson.demos
    ]


WARNING = re.compile(r"\b[A-Z]\w*Warning: ")
NEVER_AWAITED = re.compile(r"\bRuntimeWarning: coroutine '[\w.]+' was never awaited$")


def check_charts(record, demo):
    timeline = build(record)  # (what chart() draws, read once for the four drawings)
    for width in (60, 80, 160):
        text = render(timeline, width, demo).plain
        assert all(len(line) <= width for line in text.splitlines()), text
        assert "timeline" in text
    svg = to_svg(timeline)
    assert ElementTree.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize(("name", "version", "backend", "demo"), every_demo())
def test_every_demo_charts(name, version, backend, demo):
    # each demo on virtual time, as a bare command line runs it (the port's
    # plain-function demos too, which run their own loop or none), as the
    # pages record it: the records the second build of the pages uses
    # (tests/test_views_html.py), each made once; the pitfall demos show
    # Python's never-awaited warning: it is charted too
    record = page_record(SOURCES.lesson(name, version).demos[demo], backend)
    check_charts(record, demo)
    # The pages record every warning, as a script shows it; the suite lets
    # none through (warnings are errors) but the never-awaited one that the
    # pitfall demos mean to show.
    warned = [line for _, line in record.lines("stderr") if WARNING.search(line)]
    assert all(NEVER_AWAITED.search(line) for line in warned), warned


def test_page_record_records_a_demo_once_per_backend():
    demo = SOURCES.lesson("w8s2", "anyio").demos["famine"]
    first = page_record(demo, "trio")
    assert page_record(demo, "trio") is first  # shared, not recorded again
    other = page_record(demo, "asyncio")
    assert other is not first and other.lines() == record_demo(demo, "asyncio").lines()


# -- the command line ------------------------------------------------------------


def test_cli_timeline_port_after_each_demo():
    result = run_main("lessons_anyio.w8s2", "--timeline", "--backend", "trio")
    assert result.returncode == 0, result.stderr
    for demo in ("morceaux", "gather", "famine"):
        assert f"timeline of {demo} on trio" in result.stdout


def test_cli_timeline_on_a_modern_lesson():
    result = run_main("lessons_asyncio.modern.w8s8", "window", "--timeline")
    assert result.returncode == 0, result.stderr
    out = result.stdout[result.stdout.index("timeline of window") :]
    rows, resolution = parse_chart(out)
    # job i lasts (i % 3) + 1 s, 4 at a time (the video's timetable)
    assert_span(rows, resolution, "job4", 1, 3)
    assert_span(rows, resolution, "job7", 3, 5)


def test_cli_colour_only_on_a_terminal_without_no_color():
    coloured = run_main("lessons_asyncio.w8s2", "famine", "--timeline", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    plain = run_main(
        "lessons_asyncio.w8s2", "famine", "--timeline", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert "\x1b[" not in plain.stdout
    assert "timeline of famine" in plain.stdout


def test_cli_without_timeline_draws_nothing():
    result = run_main("lessons_asyncio.w8s2", "famine")
    assert "timeline" not in result.stdout


def test_cli_timeline_in_an_ascii_output():
    # an output that takes ASCII only (PYTHONIOENCODING=ascii): the chart in
    # ASCII look-alikes, same layout
    result = run_main("lessons_asyncio.w8s8", "window", "--timeline", encoding="ascii")
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
    result = run_main("lessons_asyncio.w8s2", "famine", "--timeline", env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    out = result.stdout[result.stdout.index("timeline of famine") :]
    assert "1 column = 0.05 s" in out  # 2.5 s in the 80-column chart
    assert max(len(line) for line in out.splitlines()) <= 80


# -- in a process of its own: a real pipe, a fresh interpreter ------------------


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

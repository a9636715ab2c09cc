"""Timelines: activities read from what demos print, bars at the right columns.

A chart is read as a person reads it: the resolution from its header
("1 column = 0.05 s"), the origin (0 s) from the axis' corner ``└``; an event
at ``t`` seconds is then in column ``⌊t / resolution + ½⌋`` from the origin
(the scale common/views/scale.py defines), and a span covers every column from
its start's to its end's.
"""

import math
import re

import pytest

from common.record import Chunk, Record
from common.timeline import (
    ALONE,
    BODY,
    END,
    MARK,
    OPEN,
    PRINTS,
    START,
    Scale,
    Span,
    build,
    chart,
)
from tests.harness import lesson_names

SVG = "{http://www.w3.org/2000/svg}"


# -- reading a chart -----------------------------------------------------------


def parse_chart(text):
    """``{row label: {column: glyph}}`` and the resolution, from a plain chart."""
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("timeline"))
    found = re.search(r"1 column = ([\d.]+) s", header)
    resolution = float(found.group(1)) if found else None
    axis = next(line for line in lines if "└" in line or "┴" in line)
    origin = axis.index("└") if "└" in axis else axis.index("┴")
    rows = {}
    for line in lines[1 : lines.index(axis)]:
        label = line[:origin].strip()
        cells = {c - origin: ch for c, ch in enumerate(line) if c >= origin and ch != " "}
        rows[label] = cells
    return rows, resolution


def column(t, resolution):
    return math.floor(t / resolution + 0.5)


def bar(cells):
    """(first, last) column of a row's bar glyphs."""
    columns = sorted(c for c, ch in cells.items() if ch in (START, BODY, END, ALONE, OPEN))
    return columns[0], columns[-1]


def assert_span(rows, resolution, name, start, end, closed=True):
    cells = rows[name]
    first, last = column(start, resolution), column(end, resolution)
    assert bar(cells) == (first, last), f"{name}: bar {bar(cells)} != {(first, last)}"
    # every column in between is part of the bar (or a mark on it)
    assert all(
        cells.get(c) in (BODY, MARK, START, END, OPEN, ALONE) for c in range(first, last + 1)
    )
    if last > first:
        assert cells[first] in (START, MARK)
        assert cells[last] == (END if closed else OPEN) or cells[last] == MARK


def a_record(schedule, duration=None, stderr=()):
    """A Record as the recorder makes it: one write per line."""
    chunks = [Chunk(t, line + "\n") for t, line in schedule]
    chunks += [Chunk(t, line + "\n", "stderr") for t, line in stderr]
    chunks.sort(key=lambda c: c.time)
    end = max([t for t, _ in schedule] + [t for t, _ in stderr] + [0])
    return Record(chunks, duration=end if duration is None else duration)


# -- known schedules -----------------------------------------------------------

# w8s2 famine: both start at 0; the first woken at 0.5 s blocks until 1.5 s,
# when it ends; the other, due at 0.5 s, runs its middle at 1.5 s and blocks
# until 2.5 s.  So one famine spans 0-1.5 s, the other 0-2.5 s.


def check_famine(record, width):
    timeline = build(record)
    spans = {name: timeline[name].spans for name in ("run1", "run2")}
    assert sorted(spans.values(), key=lambda s: s[0].end) == [[Span(0.0, 1.5)], [Span(0.0, 2.5)]]
    rows, resolution = parse_chart(chart(record, width, "famine"))
    for name, (span,) in spans.items():
        assert_span(rows, resolution, name, span.start, span.end)
        # "milieu" is a mark on the famine's own row, at 0.5 s or 1.5 s
        (milieu,) = [m.time for m in timeline[name].marks]
        assert rows[name][column(milieu, resolution)] == MARK
    # the results list, printed at 2.5 s, on the catch-all row
    assert rows[PRINTS] == {column(2.5, resolution): MARK}
    return rows, resolution


@pytest.mark.parametrize("width", [60, 80, 160])
def test_famine_faithful_columns(record_of, width):
    record = record_of("asyncio", "w8s2", "famine")
    rows, resolution = check_famine(record, width)
    # asyncio wakes run1 first
    assert_span(rows, resolution, "run1", 0, 1.5)
    assert_span(rows, resolution, "run2", 0, 2.5)
    # at 80 columns the scale is 0.05 s per column: 2.5 s in 51 columns
    if width == 80:
        assert resolution == 0.05
        assert bar(rows["run2"]) == (0, 50)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_famine_port_columns(record_of, backend):
    check_famine(record_of("anyio", "w8s2", "famine", backend), 80)


# w8s6 fork, as the video shows it: >>> c1 0 s, forking 1 s, >>> c2 1 s, <<< c1 2 s,
# <<< c2 3 s, then nothing until the bound.
FORK = [
    (0.0, "---------- zero"),
    (0.0, "0s + 000ms >>> c1"),
    (1.0, "1s + 000ms forking"),
    (1.0, "1s + 000ms >>> c2"),
    (2.0, "2s + 000ms <<< c1"),
    (3.0, "3s + 000ms <<< c2"),
]
FORK_SPANS = {"c1": (0, 2), "c2": (1, 3)}

# w8s8 window, as the video shows it: job i lasts (i % 3) + 1 s, 4 at a time: 0-3 start at
# 0; 0, 3 end at 1 and 4, 5 start; 1 ends at 2 and 6 starts; 2, 4, 6 end at 3
# and 7 starts; 5 ends at 4; 7 ends at 5.
WINDOW_STARTS = {0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 3}
WINDOW_SPANS = {f"job{i}": (s, s + (i % 3) + 1) for i, s in WINDOW_STARTS.items()}


def window_schedule():
    lines = []
    for i, start in WINDOW_STARTS.items():
        message = f"job{i} - duration {(i % 3) + 1}"
        lines.append((start, f"{start}s + 000ms >>> {message}"))
        lines.append((start + (i % 3) + 1, f"{start + (i % 3) + 1}s + 000ms <<< {message}"))
    return [(0.0, "---------- zero"), *sorted(lines, key=lambda item: item[0])]


@pytest.mark.parametrize("width", [60, 80, 160])
def test_fork_like_columns(width):
    record = a_record(FORK, duration=3.5)  # bounded at 3.5 s, as the lesson
    timeline = build(record)
    assert timeline.names() == ["c1", "c2", PRINTS]
    assert timeline.end == 3.5
    rows, resolution = parse_chart(chart(record, width, "fork"))
    for name, (start, end) in FORK_SPANS.items():
        assert_span(rows, resolution, name, start, end)
    # "---------- zero" at 0 s and "forking" at 1 s: marks on the prints row
    assert rows[PRINTS] == {0: MARK, column(1, resolution): MARK}


@pytest.mark.parametrize("width", [60, 80, 160])
def test_window_like_columns(width):
    record = a_record(window_schedule(), duration=5.5)
    timeline = build(record)
    # one row per job, by start time then by number (job2 before job10)
    assert timeline.names() == [f"job{i}" for i in range(8)] + [PRINTS]
    rows, resolution = parse_chart(chart(record, width, "window"))
    for name, (start, end) in WINDOW_SPANS.items():
        assert_span(rows, resolution, name, start, end)
    # never more than 4 jobs at once, read from the chart itself (a job that
    # ends in a column hands its slot over in that column)
    bars = [bar(rows[name]) for name in WINDOW_SPANS]
    busy = [
        sum(1 for first, last in bars if first <= c < last) for c in range(column(5, resolution))
    ]
    assert max(busy) == 4


# The same schedules, from the lessons themselves, on every flavour and backend.
KNOWN = [("w8s6", "fork", FORK_SPANS), ("w8s8", "window", WINDOW_SPANS)]


def known():
    return [
        pytest.param(
            name,
            demo,
            spans,
            id=f"{name}-{demo}",
            marks=[]
            if name in lesson_names()
            else pytest.mark.skip(reason=f"{name} is not in this tree yet"),
        )
        for name, demo, spans in KNOWN
    ]


def check_known(record, spans):
    timeline = build(record)
    assert {name: [(s.start, s.end) for s in timeline[name].spans] for name in spans} == {
        name: [span] for name, span in spans.items()
    }
    for width in (60, 80):
        rows, resolution = parse_chart(chart(record, width))
        for name, (start, end) in spans.items():
            assert_span(rows, resolution, name, start, end)


@pytest.mark.parametrize(("name", "demo", "spans"), known())
def test_known_schedule_faithful(record_of, name, demo, spans):
    check_known(record_of("asyncio", name, demo), spans)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize(("name", "demo", "spans"), known())
def test_known_schedule_port(record_of, name, demo, spans, backend):
    check_known(record_of("anyio", name, demo, backend), spans)


@pytest.mark.parametrize(("name", "demo", "spans"), known())
def test_known_schedule_modern(record_of, name, demo, spans):
    check_known(record_of("asyncio.modern", name, demo), spans)


def test_same_instant_order_does_not_change_the_chart():
    # trio prints the lines of one instant in any order: same chart
    schedule = window_schedule()
    shuffled = sorted(schedule, key=lambda item: (item[0], item[1][::-1]))
    assert chart(a_record(schedule), 80) == chart(a_record(shuffled), 80)


def test_scale_is_the_finest_nice_one_that_fits():
    assert Scale.fit(2.5, 69).resolution == 0.05  # 51 columns; 0.025 would need 101
    assert Scale.fit(2.5, 101).resolution == 0.025
    assert Scale.fit(5, 40).resolution == 0.2  # 26 columns; 0.1 would need 51
    assert Scale.fit(5, 25).resolution == 0.25
    assert Scale.fit(5, 26).resolution == 0.2
    scale = Scale.fit(2.5, 69)
    assert scale.column(1.5) == 30 and scale.column(2.5) == 50 and scale.column(0.026) == 1
    # ticks: round seconds, whole columns apart, labels that fit
    assert [t for _, t in scale.ticks()] == [0, 0.5, 1, 1.5, 2, 2.5]

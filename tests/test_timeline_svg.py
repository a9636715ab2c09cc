"""Timelines: one scale for the chart and the SVG (the same ticks, bars
where the scale puts them), and a record's SVG standalone."""

from xml.etree import ElementTree

import pytest

from common.timeline import Scale, build, chart, record_svg, to_svg
from tests.test_timeline import FORK, SVG, WINDOW_SPANS, a_record, window_schedule

# -- one scale for the chart and the SVG ---------------------------------------


def svg_ticks(svg):
    root = ElementTree.fromstring(svg)
    return [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tl-tick"]


def chart_ticks(text):
    lines = text.splitlines()
    axis = next(k for k, line in enumerate(lines) if "└" in line)
    return lines[axis + 1].split()


@pytest.mark.parametrize("end", [0.3, 1.5, 2.5, 5.5, 12.0, 95.0])
def test_the_chart_and_the_svg_share_one_scale(end):
    record = a_record([(0.0, ">>> a"), (end, "<<< a")])
    # the SVG's area (400 px wide, 92 for labels, 24 on the right) holds 40
    # characters of 7 px: the ticks of the text chart 40 columns wide
    scale = Scale.fit(end, (400 - 92 - 24) // 7)
    expected = [f"{t:g}s" for _, t in scale.ticks()]
    assert svg_ticks(to_svg(build(record))) == expected
    # and the chart whose area is 40 columns (width - 8 for the label column
    # and its gap - the room the last label takes beyond the axis)
    width = 40 + 8 + len(f"{end:g}s") - 1
    assert chart_ticks(chart(record, width)) == expected


def test_svg_bars_are_where_the_scale_puts_them():
    record = a_record(window_schedule(), duration=5.5)
    root = ElementTree.fromstring(to_svg(build(record)))
    scale = Scale.fit(5.5, 40)  # 0.2 s a column: 29 columns
    assert (scale.resolution, scale.columns) == (0.2, 29)
    per_column = 284 / 28  # stretched: the last column at the right edge
    bars = {
        rect.find(f"{SVG}title").text.split(":")[0]: rect
        for rect in root.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    }
    for name, (start, end) in WINDOW_SPANS.items():
        x = 92 + start / 0.2 * per_column
        width = (end - start) / 0.2 * per_column
        assert float(bars[name].get("x")) == pytest.approx(x, abs=0.06)
        assert float(bars[name].get("width")) == pytest.approx(width, abs=0.11)


def test_record_svg_is_standalone():
    svg = record_svg(a_record(FORK, duration=3.5), title="fork")
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.get("font-family") and root.get("font-size") == "11"
    # its colours are attributes: nothing depends on a stylesheet
    assert "<style" not in svg and "class=" in svg
    for text in root.iter(f"{SVG}text"):
        assert text.get("fill"), ElementTree.tostring(text)
    assert "url(" not in svg and "href" not in svg and "<script" not in svg
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tl-title"] == ["fork"]

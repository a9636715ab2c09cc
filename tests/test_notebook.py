"""The notebook side, without a kernel: a record's inline timeline, the
generated lesson notebooks and their command line (``python -m common.notebook``).

What runs in a real Jupyter kernel is in ``tests/test_kernel.py``.
"""

import re

from common.record import Chunk, Record
from common.timeline import build, to_svg

# -- a record's rich display ------------------------------------------------------


def _window_record():
    return Record(
        [Chunk(0.0, ">>> job0\n"), Chunk(0.0, ">>> job1\n"), Chunk(1.0, "<<< job0\n")],
        duration=2.0,
    )


def test_a_record_displays_the_html_pages_timeline_with_its_style_inside():
    record = _window_record()
    svg = record._repr_svg_()
    style = re.search(r"<style>(.*?)</style>", svg, re.DOTALL)
    assert style is not None
    # the drawing itself is the HTML page's, untouched
    assert svg.replace(style.group(0), "") == to_svg(build(record))
    # the rules that colour its labels and axis come with it (a notebook has no stylesheet)
    assert "svg .tl-label { fill: #333; }" in style.group(1)
    assert "svg .tl-axis { stroke: #888; }" in style.group(1)


def test_a_records_display_needs_no_script_and_no_network():
    svg = _window_record()._repr_svg_()
    assert "<script" not in svg
    assert "@import" not in svg
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]

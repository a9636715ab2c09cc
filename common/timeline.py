"""Timelines of a demo: the names the runner's ``--timeline`` and older code use.

The drawing lives in :mod:`common.views` — :mod:`~common.views.activities`
(a record read as activities), :mod:`~common.views.scale` (the time axis),
:mod:`~common.views.chart` (text) and :mod:`~common.views.svg` (SVG).
"""

from common.views.activities import (
    PRINTS,
    RULES,
    STDERR,
    Activity,
    Mark,
    Span,
    Timeline,
    build,
)
from common.views.chart import (
    ALONE,
    BODY,
    END,
    MARK,
    OPEN,
    START,
    chart,
    print_timeline,
    render,
)
from common.views.scale import Scale
from common.views.svg import record_svg, to_svg

__all__ = [
    "ALONE",
    "BODY",
    "END",
    "MARK",
    "OPEN",
    "PRINTS",
    "RULES",
    "START",
    "STDERR",
    "Activity",
    "Mark",
    "Scale",
    "Span",
    "Timeline",
    "build",
    "chart",
    "print_timeline",
    "record_svg",
    "render",
    "to_svg",
]

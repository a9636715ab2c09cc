"""The SVG drawing of a timeline: for the HTML pages and for Jupyter.

The same rows as the text chart, on the same scale (:mod:`common.views.scale`:
the chart the area would hold at 7 pixels a character, stretched to fill
it): a bar per span, a diamond per line printed (lines of one instant drawn
once, with their count in the tooltip), an arrow at the end of a span still
running when the record ended.  Each element has a ``<title>`` (the
browser's tooltip).  The drawing is standalone: its fonts and colours are
attributes, so it needs no stylesheet, no script and nothing to fetch — in
a page, in a notebook, or saved as a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from common.record import Record
from common.views.activities import PRINTS, STDERR, Mark, Timeline, build, short_label
from common.views.scale import Scale, seconds

#: One colour per activity, in turn; the catch-all rows are grey (stderr red).
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2")
FONT = 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace'
#: Pixels per character of the 11 px monospace font, rounded up.
CHAR = 7
LABEL_W, RIGHT, ROW_H = 92, 24, 18


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def record_svg(record: Record, *, title: str = "", width: int = 400) -> str:
    """The timeline of ``record`` as a standalone ``<svg>`` (Jupyter's
    ``_repr_svg_``, or a file)."""
    return to_svg(build(record), title=title, width=width)


def to_svg(
    timeline: Timeline,
    *,
    end: float | None = None,
    width: int = 400,
    title: str = "",
) -> str:
    """The timeline as a standalone ``<svg>`` element.

    ``end``: the time at the right edge (to give several timelines the same
    axis); by default the timeline's own end.
    """
    end = max(timeline.end, end or 0.0)
    top = 20 if title else 6
    area = width - LABEL_W - RIGHT
    # The text chart's scale for as many characters as the area holds, each
    # column then stretched so that the end is at the right edge.
    scale = Scale.fit(end, area // CHAR)
    per_column = area / max(1, scale.columns - 1)
    rows = timeline.activities
    height = top + ROW_H * max(1, len(rows)) + 30

    def x(t: float) -> float:
        return LABEL_W + scale.position(t) * per_column

    right_edge = x(end)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f" font-family='{FONT}' font-size=\"11\""
        f' role="img" aria-label="{escape(title or "timeline")}">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        parts.append(
            f'<text x="0" y="13" font-weight="bold" fill="#333333" class="tl-title">'
            f"{escape(title)}</text>"
        )
    note = "nothing printed" if not rows else "everything at 0 s (no time passed)"
    if not rows or end <= 0:
        parts.append(
            f'<text x="{LABEL_W + 16}" y="{top + 13}" fill="#666666" class="tl-note">{note}</text>'
        )
    colours = iter(PALETTE * (len(rows) // len(PALETTE) + 1))
    for i, activity in enumerate(rows):
        mid = top + i * ROW_H + ROW_H / 2
        catch_all = activity.name in (PRINTS, STDERR)
        colour = (
            ("#c0392b" if activity.name == STDERR else "#888888") if catch_all else next(colours)
        )
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{_fmt(mid + 4)}" text-anchor="end" fill="#333333"'
            f' class="tl-label">{escape(short_label(activity.name, 14))}</text>'
        )
        parts.append(
            f'<line x1="{LABEL_W}" y1="{_fmt(mid)}" x2="{_fmt(right_edge)}" y2="{_fmt(mid)}"'
            ' stroke="#eeeeee" class="tl-guide"/>'
        )
        for span in activity.spans:
            x0, x1 = x(span.start), x(span.end)
            state = "" if span.closed else ", still running at the end"
            parts.append(
                f'<rect x="{_fmt(x0)}" y="{_fmt(mid - 5)}" width="{_fmt(max(x1 - x0, 2.0))}"'
                f' height="10" rx="2" fill="{colour}"><title>{escape(activity.name)}:'
                f" {seconds(span.start)} → {seconds(span.end)}{state}</title></rect>"
            )
            if not span.closed:
                parts.append(
                    f'<path d="M{_fmt(x1)} {_fmt(mid - 7)} l7 7 l-7 7 z" fill="{colour}"/>'
                )
        for t, count in _group_marks(activity.marks):
            many = f" ({count} lines)" if count > 1 else ""
            parts.append(
                f'<path d="M{_fmt(x(t))} {_fmt(mid - 6)} l5 6 l-5 6 l-5 -6 z" fill="{colour}"'
                f' stroke="#ffffff" stroke-width="1"><title>{escape(activity.name)}'
                f" at {seconds(t)}{many}</title></path>"
            )
    axis_y = top + ROW_H * max(1, len(rows)) + 4
    parts.append(
        f'<line x1="{LABEL_W}" y1="{axis_y}" x2="{_fmt(max(right_edge, LABEL_W + 1))}"'
        f' y2="{axis_y}" stroke="#888888" class="tl-axis"/>'
    )
    for column, t in scale.ticks():
        tx = _fmt(LABEL_W + column * per_column)
        parts.append(
            f'<line x1="{tx}" y1="{axis_y}" x2="{tx}" y2="{axis_y + 4}" stroke="#888888"'
            ' class="tl-axis"/>'
        )
        parts.append(
            f'<text x="{tx}" y="{axis_y + 16}" text-anchor="middle" fill="#666666"'
            f' class="tl-tick">{seconds(t)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _group_marks(marks: Iterable[Mark]) -> list[tuple[float, int]]:
    """Marks at the same instant drawn once, with their count."""
    counts: dict[float, int] = {}
    for mark in marks:
        counts[round(mark.time, 3)] = counts.get(round(mark.time, 3), 0) + 1
    return sorted(counts.items())

"""The text chart of a timeline: ``--timeline`` on every lesson's command line.

One row per activity (:mod:`common.views.activities`), one column per
:attr:`~common.views.scale.Scale.resolution` seconds (the scale the SVG uses
too): ``┣━━┫`` a span from the line that started it to the one that ended
it, ``»`` a span still running at the end, ``◆`` a line printed.  The axis
below has a tick ``┴`` under each labelled instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.record import Record
from common.views.activities import PRINTS, STDERR, Activity, Timeline, build, short_label
from common.views.output import console_width, make_console, print_text
from common.views.scale import Scale, seconds

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

#: One colour per activity, in turn; the catch-all rows are dim.
#: From the 256-colour cube, which terminal themes do not remap: blue, orange,
# green, purple, yellow, red, cyan, pink.
TERMINAL_PALETTE = tuple(f"color({n})" for n in (39, 208, 41, 170, 220, 196, 51, 213))
MAX_ROWS = 24
LABEL_WIDTH = (6, 14)

START, BODY, END, ALONE, OPEN, MARK = "┣", "━", "┫", "┃", "»", "◆"


def _row_cells(activity: Activity, scale: Scale) -> dict[int, str]:
    cells: dict[int, str] = {}
    for span in activity.spans:
        first, last = scale.column(span.start), scale.column(span.end)
        for c in range(first, last + 1):
            cells[c] = BODY
        if last > first:
            cells[first] = START
            cells[last] = END if span.closed else OPEN
        else:
            cells[first] = ALONE if span.closed else OPEN
    for mark in activity.marks:
        cells[scale.column(mark.time)] = MARK
    return cells


def render(timeline: Timeline, width: int = 80, title: str | None = None) -> Text:
    """The chart as rich ``Text``, at most ``width`` columns wide."""
    from rich.text import Text

    out = Text()
    if not timeline.activities:
        out.append(
            f"timeline{' of ' + title if title else ''}: nothing printed, nothing to draw\n", "dim"
        )
        return out
    shown = timeline.activities[:MAX_ROWS]
    label_width = max(LABEL_WIDTH[0], min(LABEL_WIDTH[1], max(len(a.name) for a in shown)))
    # Room for the chart, leaving space for the last tick's label.
    area = max(10, width - label_width - 2 - (len(seconds(timeline.end)) - 1))
    scale = Scale.fit(timeline.end, area)
    pad = " " * (label_width + 2)

    head = f"timeline{' of ' + title if title else ''}"
    if scale.columns == 1:
        note = "  (everything at 0 s: no time passed)"
    else:
        note = f"  (1 column = {scale.resolution:g} s)"
    if len(head) + len(note) > width:
        head = short_label(head, max(10, width - len(note)))
    out.append(head, "bold")
    out.append(f"{note}\n", "dim")
    colours = iter(TERMINAL_PALETTE * (len(shown) // len(TERMINAL_PALETTE) + 1))
    for activity in shown:
        catch_all = activity.name in (PRINTS, STDERR)
        colour = ("red" if activity.name == STDERR else "dim") if catch_all else next(colours)
        label = short_label(activity.name, label_width)
        out.append(f"{label:<{label_width}}  ", "dim" if catch_all else "")
        cells = _row_cells(activity, scale)
        line = "".join(cells.get(c, " ") for c in range(scale.columns)).rstrip()
        for ch in line:
            out.append(ch, f"bold {colour}" if ch == MARK else colour)
        out.append("\n")
    if len(timeline.activities) > len(shown):
        out.append(f"{pad}… and {len(timeline.activities) - len(shown)} more activities\n", "dim")

    # The axis: a rule with a tick under each labelled instant, the labels below.
    ticks = scale.ticks()
    rule = ["─"] * scale.columns
    for c, _ in ticks:
        rule[c] = "┴"
    if scale.columns > 1:
        rule[0] = "└"
    if scale.columns > 1 and ticks[-1][0] != scale.columns - 1:
        rule[-1] = "┘"
    out.append(pad + "".join(rule) + "\n", "dim")
    labels = [" "] * (scale.columns + len(seconds(timeline.end)) + 8)
    for c, t in ticks:
        text = seconds(t)
        if all(ch == " " for ch in labels[c : c + len(text) + 1]):
            labels[c : c + len(text)] = text
    out.append(pad + "".join(labels).rstrip() + "\n", "dim")

    legend = []
    glyphs = "".join("".join(_row_cells(a, scale).values()) for a in shown)
    if START in glyphs or ALONE in glyphs:
        legend.append(f"{START}{BODY}{END} started…ended")
    if OPEN in glyphs:
        legend.append(f"{OPEN} not ended")
    if MARK in glyphs:
        legend.append(f"{MARK} a line printed")
    line = ""
    for item in legend:
        if line and len(pad) + len(line) + 3 + len(item) > width:
            out.append(pad + line + "\n", "dim")
            line = ""
        line = f"{line}   {item}" if line else item
    if line:
        out.append(pad + line + "\n", "dim")
    return out


def chart(record: Record, width: int = 80, title: str | None = None) -> str:
    """The chart as plain text (no colour): for tests and pipes."""
    return render(build(record), width, title).plain


def print_timeline(
    record: Record, title: str | None = None, console: Console | None = None
) -> None:
    """Print the chart of ``record``: coloured on a terminal, plain when piped
    or when ``NO_COLOR`` is set (rich's rules), at most 120 columns wide, in
    what the output can encode (see :mod:`common.views.output`)."""
    console = console or make_console(highlight=False, soft_wrap=False)
    text = render(build(record), min(console_width(console), 120), title)
    console.print()
    for line in text.split("\n", allow_blank=True):
        print_text(console, line)

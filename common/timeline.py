"""Timelines: when each activity of a demo ran, drawn from what it printed.

A demo's :class:`~common.record.Record` says what was printed and when.  This
module turns it into *activities* (a task, a job, a download…), each with its
*spans* (from a line that says it started to one that says it ended) and its
*marks* (instantaneous events), and draws them on one shared time axis: as
text for the terminal (``--timeline`` on every lesson's command line) and as
SVG for the HTML pages of :mod:`common.sidebyside`.

Nothing in the lessons is changed to be drawn: the activities are read from
the printed lines, by the few rules of :data:`RULES` and the fallbacks of
:func:`build` — all of them here, in one place:

1. ``>>> NAME …`` starts a span of NAME, ``<<< NAME …`` ends it
   (w8s6 ``>>> c1``, w8s8 ``>>> job3 - duration 1``);
2. ``NAME début`` starts a span of NAME, ``NAME fin`` ends it (w8s2);
3. ``fetching URL`` starts a span of the URL, ``URL returned …`` ends it
   (w8s4; the row is named after the URL's last path segment);
4. ``got ITEM`` is a mark on the row ``got`` (w8s8's consumer);
5. any other line whose first word names an activity found by rules 1 to 3
   is a mark on that activity (``run1 milieu``);
6. a line written piece by piece over time (``print(x, end="")``, the
   writes more than :data:`PIECEWISE` seconds apart): each short write (at
   most :data:`PIECE` characters, no space) is a mark on the row named after
   it, quoted (w8s4's download indexes ``'0'``, ``'1'``…, w8s9's dots and
   crosses ``'.'``, ``'x'``); longer writes on that line are read as lines;
7. every other line is a mark on the row ``prints``, and every line of
   standard error a mark on the row ``stderr``.

The course's timer prefix (``1s + 500ms ``) is ignored: the recorder's own
time is used.  An end without a start is drawn as a mark; a start without an
end is a span that runs until the end of the record (``»``).

The text chart has one column per :attr:`Scale.resolution` seconds, chosen
from 1, 2, 2.5 and 5 times a power of ten so that the whole record fits; an
event at ``t`` seconds is drawn in column :meth:`Scale.column` ``(t) =
⌊t / resolution + ½⌋`` of the chart area, and a span covers every column from
its start's to its end's.  A record where no time passed (everything at 0 s)
has a one-column axis.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from common.record import Record

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# --------------------------------------------------------------------------
# From printed lines to activities


@dataclass(frozen=True)
class Rule:
    """A printed line that starts, ends or marks an activity.

    ``pattern`` is matched (``re.match``) against the line without its timer
    prefix; its named group ``name`` is the activity.  ``event`` is
    ``"start"``, ``"end"`` or ``"mark"``; for a mark, ``row`` (when given)
    names the row instead of the ``name`` group.
    """

    pattern: re.Pattern[str]
    event: str
    row: str | None = None
    #: Which lesson prints such lines (documentation only).
    source: str = ""


#: The rules, in the order they are tried; the first that matches wins.
RULES: tuple[Rule, ...] = (
    Rule(re.compile(r">>> (?P<name>\S+)"), "start", source="w8s6, w8s8 (show_timer('>>>', …))"),
    Rule(re.compile(r"<<< (?P<name>\S+)"), "end", source="w8s6, w8s8 (show_timer('<<<', …))"),
    Rule(re.compile(r"(?P<name>\S+) début$"), "start", source="w8s2 (morceaux, famine)"),
    Rule(re.compile(r"(?P<name>\S+) fin$"), "end", source="w8s2 (morceaux, famine)"),
    Rule(re.compile(r"fetching (?P<name>\S+)$"), "start", source="w8s4 (fetch)"),
    Rule(re.compile(r"(?P<name>\S+://\S+) returned\b"), "end", source="w8s4 (fetch, sequential)"),
    Rule(re.compile(r"got (?P<name>\S+)"), "mark", row="got", source="w8s8 (consumer)"),
)

#: The course's timer prefix, ``show_timer``'s ``1s + 500ms ``.
TIMER_PREFIX = re.compile(r"\d+s \+ \d{3}ms ?")
#: A line whose pieces were written more than this many seconds apart is
#: progress output (``print(x, end="")``), read write by write...
PIECEWISE = 0.001
#: ... in which a write of at most this many characters (no space) is a piece.
PIECE = 3
#: The rows for lines that no rule claims.
PRINTS, STDERR = "prints", "stderr"


@dataclass(frozen=True)
class Span:
    start: float
    end: float
    #: ``False`` when no line ended it: it ran until the end of the record.
    closed: bool = True


@dataclass(frozen=True)
class Mark:
    time: float
    #: What happened (the rest of the line, or its kind): for tooltips.
    label: str = ""


@dataclass
class Activity:
    name: str
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def first(self) -> float:
        return min([s.start for s in self.spans] + [m.time for m in self.marks])


@dataclass
class Timeline:
    """The activities of one record, in display order, and when it ended."""

    activities: list[Activity]
    end: float

    def __getitem__(self, name: str) -> Activity:
        for activity in self.activities:
            if activity.name == name:
                return activity
        raise KeyError(name)

    def names(self) -> list[str]:
        return [a.name for a in self.activities]


def _short(name: str) -> str:
    """A URL is named after its last path segment (``…/f1040.pdf`` → ``f1040.pdf``)."""
    if "://" in name:
        tail = name.rstrip("/").rsplit("/", 1)[-1]
        return tail or name
    return name


def _natural(name: str) -> list[object]:
    """``job2`` before ``job10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _timed_lines(record: Record) -> Iterator[tuple[float, str, bool]]:
    """Standard output as ``(time, line, piece)``: ``piece`` is true for a
    short piece of progress output (rule 6), false for a line."""
    writes: list[tuple[float, str]] = []  # the writes of the current line
    for chunk in record.chunks:
        if chunk.stream != "stdout":
            continue
        for part in chunk.text.splitlines(keepends=True):
            writes.append((round(chunk.time, 6), part.rstrip("\r\n")))
            if part.endswith("\n"):
                yield from _split_line(writes)
                writes = []
    yield from _split_line(writes)


def _split_line(writes: list[tuple[float, str]]) -> Iterator[tuple[float, str, bool]]:
    visible = [t for t, text in writes if text.strip()]
    if not visible:
        return
    if visible[-1] - visible[0] <= PIECEWISE:
        # One print (its pieces are written at once): one line.
        yield visible[0], "".join(text for _, text in writes), False
        return
    # Progress output: each short write is a piece; what is written between
    # them (a whole message printed on the same line) is still a line.
    between: list[tuple[float, str]] = []
    for t, text in writes:
        token = text.strip()
        if token and len(token) <= PIECE and not any(c.isspace() for c in token):
            yield from _split_line(between)
            between = []
            yield t, token, True
        else:
            between.append((t, text))
    yield from _split_line(between)


def _match(line: str) -> tuple[Rule, str] | None:
    for rule in RULES:
        found = rule.pattern.match(line)
        if found:
            return rule, _short(found.group("name"))
    return None


def build(record: Record) -> Timeline:
    """The activities of ``record``, by the rules of this module's docstring."""
    lines = list(_timed_lines(record))
    events: list[tuple[float, str, str, str]] = []  # (time, row, event, label)
    # First pass: the activities that rules 1-3 name, so that rule 5 can
    # attach a mark to an activity whatever the order of same-instant lines.
    named = set()
    for _, line, piece in lines:
        if not piece:
            matched = _match(TIMER_PREFIX.sub("", line, count=1))
            if matched and matched[0].event != "mark":
                named.add(matched[1])
    for t, line, piece in lines:
        if piece:
            events.append((t, repr(line), "mark", "printed"))
            continue
        text = TIMER_PREFIX.sub("", line, count=1) if TIMER_PREFIX.match(line) else line
        matched = _match(text)
        if matched:
            rule, name = matched
            events.append((t, rule.row or name, rule.event, text))
            continue
        first = text.split(maxsplit=1)[0] if text.split() else ""
        if first in named:
            events.append((t, first, "mark", text))
        else:
            events.append((t, PRINTS, "mark", text))
    for t, line in record.lines("stderr"):
        if line.strip():
            events.append((t, STDERR, "mark", line))

    times = [t for t, *_ in events]
    end = max([record.duration or 0.0, *times])
    end = round(end, 6)
    activities: dict[str, Activity] = {}
    open_spans: dict[str, float] = {}
    for t, row, event, label in events:
        activity = activities.setdefault(row, Activity(row))
        if event == "start":
            if row in open_spans:
                activity.marks.append(Mark(t, label))
            else:
                open_spans[row] = t
        elif event == "end":
            if row in open_spans:
                activity.spans.append(Span(open_spans.pop(row), t))
            else:
                activity.marks.append(Mark(t, label))
        else:
            activity.marks.append(Mark(t, label))
    for row, start in open_spans.items():
        activities[row].spans.append(Span(start, end, closed=False))
    for activity in activities.values():
        activity.spans.sort(key=lambda s: (s.start, s.end))
        activity.marks.sort(key=lambda m: (m.time, m.label))

    def order(activity: Activity) -> tuple[int, float, list[object]]:
        # Activities by when they first appear (then by name, so that lines
        # printed at the same instant in any order give the same chart);
        # the catch-all rows last.
        last = {PRINTS: 1, STDERR: 2}.get(activity.name, 0)
        return (last, activity.first, _natural(activity.name))

    return Timeline(sorted(activities.values(), key=order), end)


# --------------------------------------------------------------------------
# The scale


_NICE = (1.0, 2.0, 2.5, 5.0)


def _nice_values(smallest: float = 0.001) -> Iterator[float]:
    exponent = math.floor(math.log10(smallest))
    while True:
        for m in _NICE:
            value = m * 10.0**exponent
            if value >= smallest - 1e-12:
                yield round(value, 12)
        exponent += 1


@dataclass(frozen=True)
class Scale:
    """How time maps to the columns of the chart area."""

    #: Seconds per column.
    resolution: float
    #: Number of columns of the chart area (column 0 is 0 s).
    columns: int
    #: Seconds between two labelled ticks of the axis.
    tick: float

    @classmethod
    def fit(cls, end: float, columns: int) -> Scale:
        """The finest resolution (1, 2, 2.5 or 5 times 10^k s, at least 1 ms) that fits
        ``end`` seconds in ``columns`` columns; one column if ``end`` is 0."""
        if end <= 0:
            return cls(resolution=1.0, columns=1, tick=1.0)
        for resolution in _nice_values():
            if math.floor(end / resolution + 0.5 + 1e-9) + 1 <= columns:
                break
        used = math.floor(end / resolution + 0.5 + 1e-9) + 1
        # Ticks: a round number of seconds, a whole number of columns apart,
        # far enough apart for their labels.
        # far enough apart for their labels; among the few closest such
        # steps, one that lands on the end if there is one.
        label = max(6, len(_seconds(end)) + 3)
        candidates: list[float] = []
        for tick in _nice_values(resolution):
            step = tick / resolution
            if abs(step - round(step)) < 1e-9 and round(step) >= label:
                if candidates and tick > 2.5 * candidates[0]:
                    break
                candidates.append(tick)
        on_end = [t for t in candidates if abs(end / t - round(end / t)) < 1e-6]
        return cls(resolution=resolution, columns=used, tick=(on_end or candidates)[0])

    def column(self, t: float) -> int:
        """The column of an event at ``t`` seconds: ⌊t / resolution + ½⌋."""
        if self.columns == 1:
            return 0
        return min(self.columns - 1, math.floor(t / self.resolution + 0.5 + 1e-9))

    def ticks(self) -> list[tuple[int, float]]:
        if self.columns == 1:
            return [(0, 0.0)]
        step = round(self.tick / self.resolution)
        return [(c, round(c * self.resolution, 9)) for c in range(0, self.columns, step)]


def _seconds(t: float) -> str:
    return f"{t:g}s"


# --------------------------------------------------------------------------
# The text chart (rich)

#: One colour per activity, in turn; the catch-all rows are dim.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2")
# From the 256-colour cube, which terminal themes do not remap: blue, orange,
# green, purple, yellow, red, cyan, pink.
TERMINAL_PALETTE = tuple(f"color({n})" for n in (39, 208, 41, 170, 220, 196, 51, 213))
MAX_ROWS = 24
LABEL_WIDTH = (6, 14)

START, BODY, END, ALONE, OPEN, MARK = "┣", "━", "┫", "┃", "»", "◆"


def _label(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


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
    area = max(10, width - label_width - 2 - (len(_seconds(timeline.end)) - 1))
    scale = Scale.fit(timeline.end, area)
    pad = " " * (label_width + 2)

    head = f"timeline{' of ' + title if title else ''}"
    if scale.columns == 1:
        note = "  (everything at 0 s: no time passed)"
    else:
        note = f"  (1 column = {scale.resolution:g} s)"
    if len(head) + len(note) > width:
        head = _label(head, max(10, width - len(note)))
    out.append(head, "bold")
    out.append(f"{note}\n", "dim")
    colours = iter(TERMINAL_PALETTE * (len(shown) // len(TERMINAL_PALETTE) + 1))
    for activity in shown:
        catch_all = activity.name in (PRINTS, STDERR)
        colour = ("red" if activity.name == STDERR else "dim") if catch_all else next(colours)
        out.append(
            f"{_label(activity.name, label_width):<{label_width}}  ", "dim" if catch_all else ""
        )
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
    labels = [" "] * (scale.columns + len(_seconds(timeline.end)) + 8)
    for c, t in ticks:
        text = _seconds(t)
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


def make_console(**options: Any) -> Console:
    """A rich console on standard output that treats a reader leaving early
    (``| head``) as the command line does: ``BrokenPipeError``, no error
    status (rich alone would exit with 1)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise BrokenPipeError

    return _Console(**options)


def print_timeline(
    record: Record, title: str | None = None, console: Console | None = None
) -> None:
    """Print the chart of ``record``: coloured on a terminal, plain when piped
    or when ``NO_COLOR`` is set (rich's rules), at most 120 columns wide."""
    console = console or make_console(highlight=False, soft_wrap=False)
    text = render(build(record), min(console.width, 120), title)
    console.print()
    if console.no_color or console.color_system is None:
        # NO_COLOR or a pipe: no bold or dim either, plain text.
        console.print(text.plain, crop=False, markup=False, highlight=False)
    else:
        console.print(text, crop=False)


# --------------------------------------------------------------------------
# SVG (for the HTML pages)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def svg_ticks(end: float, target: int = 6) -> float:
    """A round tick step that gives about ``target`` ticks up to ``end``."""
    if end <= 0:
        return 1.0
    for step in _nice_values():
        if end / step <= target:
            return step
    return end  # pragma: no cover


def to_svg(
    timeline: Timeline,
    *,
    end: float | None = None,
    width: int = 400,
    title: str = "",
) -> str:
    """The timeline as a standalone ``<svg>`` element (no script, no font to fetch).

    ``end``: the time at the right edge (to give several timelines the same
    axis); by default the timeline's own end.
    """
    end = max(timeline.end, end or 0.0)
    label_w, right, row_h, top = 92, 24, 18, 20 if title else 6
    area = width - label_w - right
    rows = timeline.activities
    height = top + row_h * max(1, len(rows)) + 30

    def x(t: float) -> float:
        return label_w + (area * t / end if end > 0 else 0)

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"'
        f' width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title or "timeline")}">'
    ]
    if title:
        parts.append(f'<text x="0" y="13" class="tl-title">{escape(title)}</text>')
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + 13}" class="tl-note">nothing printed</text>')
    elif end <= 0:
        parts.append(
            f'<text x="{label_w + 16}" y="{top + 13}" class="tl-note">'
            "everything at 0 s (no time passed)</text>"
        )
    colours = iter(PALETTE * (len(rows) // len(PALETTE) + 1))
    for i, activity in enumerate(rows):
        y = top + i * row_h
        mid = y + row_h / 2
        catch_all = activity.name in (PRINTS, STDERR)
        colour = (
            ("#c0392b" if activity.name == STDERR else "#888888") if catch_all else next(colours)
        )
        parts.append(
            f'<text x="{label_w - 6}" y="{_fmt(mid + 4)}" text-anchor="end" class="tl-label">'
            f"{escape(_label(activity.name, 14))}</text>"
        )
        parts.append(
            f'<line x1="{label_w}" y1="{_fmt(mid)}" x2="{label_w + area}" y2="{_fmt(mid)}"'
            ' class="tl-guide"/>'
        )
        for span in activity.spans:
            x0, x1 = x(span.start), x(span.end)
            w = max(x1 - x0, 2.0)
            state = "" if span.closed else ", still running at the end"
            parts.append(
                f'<rect x="{_fmt(x0)}" y="{_fmt(mid - 5)}" width="{_fmt(w)}" height="10" rx="2"'
                f' fill="{colour}"><title>{escape(activity.name)}: {_seconds(span.start)}'
                f" → {_seconds(span.end)}{state}</title></rect>"
            )
            if not span.closed:
                parts.append(
                    f'<path d="M{_fmt(x1)} {_fmt(mid - 7)} l7 7 l-7 7 z" fill="{colour}"/>'
                )
        for t, count in _group_marks(activity.marks):
            cx = x(t)
            many = f" ({count} lines)" if count > 1 else ""
            parts.append(
                f'<path d="M{_fmt(cx)} {_fmt(mid - 6)} l5 6 l-5 6 l-5 -6 z" fill="{colour}"'
                f' stroke="#ffffff" stroke-width="1"><title>{escape(activity.name)}'
                f" at {_seconds(t)}{many}</title></path>"
            )
    # Axis
    axis_y = top + row_h * max(1, len(rows)) + 4
    parts.append(
        f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + area}" y2="{axis_y}" class="tl-axis"/>'
    )
    step = svg_ticks(end)
    n = 0
    while True:
        t = round(n * step, 9)
        if t > end + 1e-9:
            break
        tx = x(t)
        parts.append(
            f'<line x1="{_fmt(tx)}" y1="{axis_y}" x2="{_fmt(tx)}" y2="{axis_y + 4}"'
            ' class="tl-axis"/>'
        )
        parts.append(
            f'<text x="{_fmt(tx)}" y="{axis_y + 16}" text-anchor="middle" class="tl-tick">'
            f"{_seconds(t)}</text>"
        )
        n += 1
        if end <= 0:
            break
    parts.append("</svg>")
    return "\n".join(parts)


def _group_marks(marks: Iterable[Mark]) -> list[tuple[float, int]]:
    """Marks at the same instant drawn once, with their count."""
    counts: dict[float, int] = {}
    for mark in marks:
        counts[round(mark.time, 3)] = counts.get(round(mark.time, 3), 0) + 1
    return sorted(counts.items())

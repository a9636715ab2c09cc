"""Timelines: when each activity of a demo ran, read from what it printed.

A demo's :class:`~common.record.Record` says what was printed and when.  This
module turns it into *activities* (a task, a job, a download…), each with its
*spans* (from a line that says it started to one that says it ended) and its
*marks* (instantaneous events), for :mod:`common.views.chart` (the terminal's
``--timeline``) and :mod:`common.views.svg` (the pages, Jupyter) to draw on
one time axis (:mod:`common.views.scale`).

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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from common.record import Record


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
    for time, text, stream in record.writes():
        if stream != "stdout":
            continue
        for part in text.splitlines(keepends=True):
            writes.append((round(time, 6), part.rstrip("\r\n")))
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


def short_label(name: str, width: int) -> str:
    """A row's label cut to ``width`` characters (``…`` says it was cut)."""
    return name if len(name) <= width else name[: width - 1] + "…"

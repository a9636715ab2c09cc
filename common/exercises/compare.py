"""Schedules compared instant by instant, and the first difference in plain words.

Tasks that wake at the same instant run in an order trio does not promise,
so the lines of one instant are compared as a multiset, never in order.
"""

from __future__ import annotations

from collections import Counter

from common.exercises.model import Schedule


def seconds(t: float) -> str:
    """``1.5`` → ``'1.5 s'``, ``2.0`` → ``'2 s'``."""
    return f"{round(t, 3):g} s"


def quote(line: str, width: int = 60) -> str:
    """A line as said in a sentence: quoted, and cut if long."""
    return repr(line if len(line) <= width else line[: width - 1] + "…")


def by_instant(schedule: Schedule) -> dict[float, Counter[str]]:
    instants: dict[float, Counter[str]] = {}
    for t, line in schedule:
        instants.setdefault(round(t, 3), Counter())[line] += 1
    return instants


def same(expected: Schedule, actual: Schedule) -> bool:
    return by_instant(expected) == by_instant(actual)


def _times_of(schedule: Schedule, line: str) -> list[float]:
    return [round(t, 3) for t, other in schedule if other == line]


def first_difference(expected: Schedule, actual: Schedule) -> str | None:
    """The earliest instant where the schedules differ, said in plain words."""
    want, got = by_instant(expected), by_instant(actual)
    for t in sorted(set(want) | set(got)):
        extra = got.get(t, Counter()) - want.get(t, Counter())
        missing = want.get(t, Counter()) - got.get(t, Counter())
        if extra:
            line = min(extra)
            later = [u for u in _times_of(expected, line) if u != t]
            if later:
                return f"your {quote(line)} came at {seconds(t)}, expected at {seconds(later[0])}"
            if line in want.get(t, Counter()):
                return f"your code printed {quote(line)} once too often at {seconds(t)}"
            return f"your code printed {quote(line)} at {seconds(t)}, which was not expected"
        if missing:
            line = min(missing)
            other = [u for u in _times_of(actual, line) if u != t]
            if other:
                return (
                    f"{quote(line)} was expected at {seconds(t)}, yours came at {seconds(other[0])}"
                )
            return f"{quote(line)} was expected at {seconds(t)} and never came"
    return None


def side_by_side(expected: Schedule, actual: Schedule, width: int = 34, rows: int = 40) -> str:
    """The two timelines in columns, instant by instant; ``≠`` marks an instant
    where they differ."""
    want, got = by_instant(expected), by_instant(actual)
    out = [f"{'':2}{'time':>8}  {'expected':<{width}}  yours", f"{'':2}{'-' * (12 + 2 * width)}"]

    def cell(text: str) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    for t in sorted(set(want) | set(got)):
        left = sorted(want.get(t, Counter()).elements())
        right = sorted(got.get(t, Counter()).elements())
        mark = "≠ " if want.get(t) != got.get(t) else "  "
        for i in range(max(len(left), len(right))):
            stamp = seconds(t) if i == 0 else ""
            a = cell(left[i]) if i < len(left) else ""
            b = cell(right[i]) if i < len(right) else ""
            out.append(f"{mark if i == 0 else '  '}{stamp:>8}  {a:<{width}}  {b}".rstrip())
    if len(out) > rows + 2:
        hidden = len(out) - rows - 2
        out = [*out[: rows + 2], f"{'':12}… {hidden} more rows"]
    return "\n".join(out)

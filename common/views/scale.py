"""The time axis shared by the text chart and the SVG: one algorithm for both.

A drawing has a number of *columns* (characters in the terminal, pixels in
the SVG).  :meth:`Scale.fit` picks the finest resolution — seconds per
column, 1, 2, 2.5 or 5 times a power of ten, at least 1 ms — that fits the
whole record, then the labelled ticks: a round number of seconds, a whole
number of columns apart, far enough apart for their labels; among the few
closest such steps, one that lands on the end if there is one.

An event at ``t`` seconds is in column :meth:`Scale.column` ``(t) =
⌊t / resolution + ½⌋`` (the chart) or at ``t / resolution`` columns from the
origin (the SVG, which can draw between pixels); a span covers every column
from its start's to its end's.  A record where no time passed (everything
at 0 s) has a one-column axis.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

_NICE = (1.0, 2.0, 2.5, 5.0)
#: Rounding slack: a time a float's error away from a column edge is on it.
_EPS = 1e-9


def nice_values(smallest: float = 0.001) -> Iterator[float]:
    """1, 2, 2.5, 5 times each power of ten, from ``smallest`` up."""
    exponent = math.floor(math.log10(smallest))
    while True:
        for m in _NICE:
            value = m * 10.0**exponent
            if value >= smallest - 1e-12:
                yield round(value, 12)
        exponent += 1


def seconds(t: float) -> str:
    """A tick's label: ``0s``, ``1.5s``, ``0.25s``."""
    return f"{t:g}s"


def label_columns(end: float) -> int:
    """Characters between two labelled ticks of a text axis that ends at ``end``."""
    return max(6, len(seconds(end)) + 3)


@dataclass(frozen=True)
class Scale:
    """How time maps to the columns of a drawing."""

    #: Seconds per column.
    resolution: float
    #: Number of columns used (column 0 is 0 s).
    columns: int
    #: Seconds between two labelled ticks of the axis.
    tick: float

    @classmethod
    def fit(cls, end: float, columns: int, label: int | None = None) -> Scale:
        """The finest nice resolution that fits ``end`` seconds in ``columns``
        columns, with ticks at least ``label`` columns apart (by default, room
        for a text label: :func:`label_columns`); one column if ``end`` is 0."""
        if end <= 0 or not math.isfinite(end):
            return cls(resolution=1.0, columns=1, tick=1.0)
        for resolution in nice_values():
            if math.floor(end / resolution + 0.5 + _EPS) + 1 <= columns:
                break
        used = math.floor(end / resolution + 0.5 + _EPS) + 1
        least = label_columns(end) if label is None else label
        candidates: list[float] = []
        for tick in nice_values(resolution):
            step = tick / resolution
            if abs(step - round(step)) < _EPS and round(step) >= least:
                if candidates and tick > 2.5 * candidates[0]:
                    break
                candidates.append(tick)
        on_end = [t for t in candidates if abs(end / t - round(end / t)) < 1e-6]
        return cls(resolution=resolution, columns=used, tick=(on_end or candidates)[0])

    def column(self, t: float) -> int:
        """The column of an event at ``t`` seconds: ⌊t / resolution + ½⌋."""
        if self.columns == 1:
            return 0
        return min(self.columns - 1, math.floor(t / self.resolution + 0.5 + _EPS))

    def position(self, t: float) -> float:
        """Where an event at ``t`` seconds is, in columns from the origin
        (between two columns if it falls there)."""
        if self.columns == 1:
            return 0.0
        return min(float(self.columns - 1), t / self.resolution)

    def ticks(self) -> list[tuple[int, float]]:
        """``(column, seconds)`` of each labelled tick, from 0 s."""
        if self.columns == 1:
            return [(0, 0.0)]
        step = round(self.tick / self.resolution)
        return [(c, round(c * self.resolution, 9)) for c in range(0, self.columns, step)]

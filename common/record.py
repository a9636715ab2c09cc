"""The recorder: everything a demo prints, with the time it was printed.

Tests and the timeline view work from a demo's own output, so the faithful
code never has to be changed to be observed.  While a demo runs, ``sys.stdout``
and ``sys.stderr`` are replaced by :class:`_Tap` objects that time-stamp each
write (on the demo's clock, virtual in the tests) and pass it on to the real
stream, unless told to keep quiet.
"""

from __future__ import annotations

import io
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from common.clock import Clock


@dataclass(frozen=True)
class Chunk:
    """One write: ``time`` in seconds since the recording began."""

    time: float
    text: str
    stream: str = "stdout"


@dataclass
class Record:
    """What one demo printed, write by write."""

    chunks: list[Chunk] = field(default_factory=list)
    #: How long the demo ran, on its own clock (set when the recording ends).
    duration: float | None = None
    #: Why it stopped early: ``"bound"`` (it runs forever and was bounded) or
    #: ``"interrupt"`` (Ctrl-C); ``None`` when it ended by itself.
    stopped: str | None = None

    def text(self, stream: str = "stdout") -> str:
        return "".join(c.text for c in self.chunks if c.stream == stream)

    def lines(self, stream: str = "stdout") -> list[tuple[float, str]]:
        """Complete lines, each with the time its first character was written.

        A last line without its newline is included.  Times are rounded to the
        microsecond, so that virtual times read as the schedule says (1.5,
        not 1.4999999999999998).
        """
        result: list[tuple[float, str]] = []
        current: list[str] = []
        started: float | None = None
        for chunk in self.chunks:
            if chunk.stream != stream:
                continue
            for piece in chunk.text.splitlines(keepends=True):
                if started is None:
                    started = chunk.time
                current.append(piece)
                if piece.endswith("\n"):
                    result.append((round(started, 6), "".join(current)[:-1]))
                    current, started = [], None
        if current and started is not None:
            result.append((round(started, 6), "".join(current)))
        return result

    def schedule(self, stream: str = "stdout") -> list[tuple[float, str]]:
        """:meth:`lines` with times rounded to the millisecond, as the timer shows."""
        return [(round(t, 3), line) for t, line in self.lines(stream)]

    def characters(self, stream: str = "stdout") -> list[tuple[float, str]]:
        """Every character with its time: for output printed with ``end=''``."""
        return [(round(c.time, 6), ch) for c in self.chunks if c.stream == stream for ch in c.text]

    def _repr_svg_(self) -> str:
        """The timeline, for Jupyter: a record returned by a cell is drawn inline.

        The same drawing as the HTML page's (:func:`common.timeline.to_svg`),
        with the page's rules for it inside the ``<svg>``, since a notebook
        has no stylesheet for it; no script, nothing fetched.
        """
        # imported here: the recorder runs every demo, the drawing is only for Jupyter
        from common.sidebyside import CSS
        from common.timeline import build, to_svg

        svg = to_svg(build(self))
        rules = " ".join(re.findall(r"svg[^{}]*\{[^{}]*\}", CSS))
        head, _, rest = svg.partition(">")
        return f"{head}><style>{' '.join(rules.split())}</style>{rest}"


class _Tap(io.TextIOBase):
    """A text stream that records each write, then passes it on."""

    def __init__(
        self,
        record: Record,
        stream: str,
        clock: Clock,
        origin: float,
        target: TextIO | None,
    ) -> None:
        super().__init__()
        self._record = record
        self._stream = stream
        self._clock = clock
        self._origin = origin
        self._target = target
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            with self._lock:
                when = self._clock() - self._origin
                self._record.chunks.append(Chunk(when, text, self._stream))
                if self._target is not None:
                    self._target.write(text)
        return len(text)

    def flush(self) -> None:
        if self._target is not None:
            self._target.flush()

    def isatty(self) -> bool:
        return self._target is not None and self._target.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", None) or "utf-8"


@contextmanager
def recording(clock: Clock, *, echo: bool = True) -> Iterator[Record]:
    """Record what is printed, time-stamped by ``clock`` from now on.

    With ``echo`` the output also goes where it would have gone.
    """
    record = Record()
    origin = clock()
    saved = sys.stdout, sys.stderr
    sys.stdout = _Tap(record, "stdout", clock, origin, saved[0] if echo else None)
    sys.stderr = _Tap(record, "stderr", clock, origin, saved[1] if echo else None)
    try:
        yield record
    finally:
        sys.stdout, sys.stderr = saved
        record.duration = clock() - origin

"""The recorder: everything a demo prints, with the time it was printed.

Tests and the timeline view work from a demo's own output, so the faithful
code never has to be changed to be observed.  While at least one demo runs,
``sys.stdout`` and ``sys.stderr`` are :class:`_Tap` objects; each write goes
to the recording of the run it belongs to (time-stamped on that demo's clock,
virtual in the tests) and on, as it happens, to the stream that was
``sys.stdout`` (or ``sys.stderr``) when that run started, unless told to keep
quiet.  Writes that belong to no run pass straight through.

Which run a write belongs to: the run of the current context (a context
variable: the demo's tasks and the threads that ``to_thread`` starts copy
it), else the run started in the current thread, else the only run going on.
So two demos recorded at once, from two threads, each get their own lines.
The taps are put in place when the first recording starts and taken away
when the last one ends: outside a run, ``sys.stdout`` is left alone.

A recording keeps every write with its time, compactly (see :class:`Record`).
"""

from __future__ import annotations

import contextvars
import io
import sys
import threading
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TextIO

from common.clock import Clock


@dataclass(frozen=True, slots=True)
class Chunk:
    """One write: ``time`` in seconds since the recording began."""

    time: float
    text: str
    stream: str = "stdout"


#: Texts up to this length are shared between the writes that print them.
_SHARED = 16


class Record:
    """What one demo printed, write by write.

    ``chunks`` lists every write with its time.  They are kept compactly (an
    array of times, the texts, an array of streams) and short texts are kept
    once (w8s4's indices, w8s9's dots): a write costs some 17 bytes, so a
    long output costs about its own size.
    """

    _STREAMS = ("stdout", "stderr")

    def __init__(
        self,
        chunks: Iterable[Chunk] = (),
        duration: float | None = None,
        stopped: str | None = None,
    ) -> None:
        self._times = array("d")
        self._texts: list[str] = []
        self._streams = bytearray()
        for chunk in chunks:
            self._add(chunk.time, chunk.text, chunk.stream)
        #: How long the demo ran, on its own clock (set when the recording ends).
        self.duration = duration
        #: Why it stopped early: ``"bound"`` (it runs forever and its bound
        #: pressed Ctrl-C for the user) or ``"interrupt"`` (the user's Ctrl-C,
        #: or a kernel interrupt); ``None`` when it ended by itself.
        self.stopped = stopped

    @property
    def chunks(self) -> list[Chunk]:
        """Every write, in order (made on demand, from the compact storage)."""
        names = self._STREAMS
        return [
            Chunk(t, text, names[s])
            for t, text, s in zip(self._times, self._texts, self._streams, strict=True)
        ]

    def __repr__(self) -> str:
        return (
            f"Record({len(self._texts)} writes, duration={self.duration!r},"
            f" stopped={self.stopped!r}, text={self.text()[:60]!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (self.chunks, self.duration, self.stopped) == (
            other.chunks,
            other.duration,
            other.stopped,
        )

    __hash__ = None  # type: ignore[assignment]

    def writes(self) -> Iterator[tuple[float, str, str]]:
        """Every write as ``(time, text, stream)``, in order: :attr:`chunks`
        without making an object for each (long outputs are read often)."""
        names = self._STREAMS
        for t, text, s in zip(self._times, self._texts, self._streams, strict=True):
            yield t, text, names[s]

    def _writes(self, stream: str) -> Iterator[tuple[float, str]]:
        code = self._STREAMS.index(stream) if stream in self._STREAMS else -1
        for t, text, s in zip(self._times, self._texts, self._streams, strict=True):
            if s == code:
                yield t, text

    def _add(self, when: float, text: str, stream: str) -> None:
        if stream not in self._STREAMS:
            raise ValueError(f"unknown stream {stream!r}")
        self._times.append(when)
        # short texts repeat (indices, dots, words): kept once each
        self._texts.append(sys.intern(text) if len(text) <= _SHARED and type(text) is str else text)
        self._streams.append(self._STREAMS.index(stream))

    def text(self, stream: str = "stdout") -> str:
        return "".join(text for _, text in self._writes(stream))

    def lines(self, stream: str = "stdout") -> list[tuple[float, str]]:
        """Complete lines, each with the time its first character was written.

        A last line without its newline is included.  Times are rounded to the
        microsecond, so that virtual times read as the schedule says (1.5,
        not 1.4999999999999998).
        """
        result: list[tuple[float, str]] = []
        current: list[str] = []
        started: float | None = None
        for when, text in self._writes(stream):
            for piece in text.splitlines(keepends=True):
                if started is None:
                    started = when
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
        return [(round(t, 6), ch) for t, text in self._writes(stream) for ch in text]

    def _repr_svg_(self) -> str:
        """The timeline, for Jupyter: a record returned by a cell is drawn inline.

        The same drawing as the HTML page's (:func:`common.views.svg.to_svg`),
        standalone (its fonts and colours are attributes: a notebook has no
        stylesheet for it); no script, nothing fetched.
        """
        # imported here: the recorder runs every demo, the drawing is only for Jupyter
        from common.views.svg import record_svg

        return record_svg(self)


def write_safely(target: TextIO, text: str) -> None:
    """``target.write(text)``, with what its encoding cannot say escaped
    (``\\xe9`` for ``é`` on an ASCII terminal) rather than an error."""
    try:
        target.write(text)
    except UnicodeEncodeError:
        encoding = getattr(target, "encoding", None) or "ascii"
        target.write(text.encode(encoding, "backslashreplace").decode(encoding))


class _Recording:
    """One run's recording: its record, clock, and where its output goes."""

    def __init__(self, clock: Clock, targets: dict[str, TextIO | None]) -> None:
        self.record = Record()
        self.clock = clock
        self.origin = clock()
        self.targets = targets
        self.thread = threading.get_ident()
        self.lock = threading.Lock()

    def write(self, stream: str, text: str) -> None:
        with self.lock:
            self.record._add(self.clock() - self.origin, text, stream)
            target = self.targets[stream]
            if target is not None:
                write_safely(target, text)

    def flush(self, stream: str) -> None:
        target = self.targets[stream]
        if target is not None:
            _flush_open(target)


_current: contextvars.ContextVar[_Recording | None] = contextvars.ContextVar(
    "lessons_recording", default=None
)
_lock = threading.RLock()
_active: list[_Recording] = []
#: The streams the taps replaced, while they are installed.
_saved: dict[str, TextIO] = {}


def _route() -> _Recording | None:
    """The recording the current write belongs to (see the module's doc)."""
    mine = _current.get()
    if mine is not None and mine in _active:
        return mine
    active = list(_active)
    ident = threading.get_ident()
    for candidate in active:
        if candidate.thread == ident:
            return candidate
    return active[0] if len(active) == 1 else None


class _Tap(io.TextIOBase):
    """``sys.stdout`` (or ``sys.stderr``) while demos run: each write to the
    recording it belongs to, or through to the stream the tap replaced."""

    def __init__(self, stream: str, underlying: TextIO) -> None:
        super().__init__()
        self._stream = stream
        self.underlying = underlying

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            run = _route()
            if run is None:
                write_safely(self.underlying, text)
            else:
                run.write(self._stream, text)
        return len(text)

    def flush(self) -> None:
        # also called when the tap is collected (io's finaliser closes it):
        # by then the stream it stood in front of may be closed (a test's
        # capture), and there is nothing left to flush
        run = _route()
        if run is None:
            _flush_open(self.underlying)
        else:
            run.flush(self._stream)

    def isatty(self) -> bool:
        return self.underlying.isatty()

    def fileno(self) -> int:
        return self.underlying.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.underlying, "encoding", None) or "utf-8"


def _flush_open(stream: TextIO) -> None:
    """``stream.flush()``, unless the stream is closed already."""
    if not getattr(stream, "closed", False):
        stream.flush()


def _real(stream: TextIO | None) -> TextIO | None:
    """The stream behind a tap (the caller's own stream, not the tap)."""
    return stream.underlying if isinstance(stream, _Tap) else stream


@contextmanager
def recording(
    clock: Clock,
    *,
    echo: bool = True,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Iterator[Record]:
    """Record what is printed, time-stamped by ``clock`` from now on.

    With ``echo`` the output also goes, as it is written, to ``stdout`` and
    ``stderr`` (by default, the streams that were ``sys.stdout`` and
    ``sys.stderr`` when the recording started: from a worker thread, pass
    the caller's).  An exception that ends the recording carries what was
    recorded up to then, as its ``record`` attribute.
    """
    targets: dict[str, TextIO | None] = {
        "stdout": _real(stdout or sys.stdout) if echo else None,
        "stderr": _real(stderr or sys.stderr) if echo else None,
    }
    run = _Recording(clock, targets)
    with _lock:
        if not _active:
            _saved.update(stdout=sys.stdout, stderr=sys.stderr)
            sys.stdout = _Tap("stdout", sys.stdout)
            sys.stderr = _Tap("stderr", sys.stderr)
        _active.append(run)
    token = _current.set(run)
    try:
        yield run.record
    except BaseException as exc:
        # what was printed up to the failure goes with it (DemoFailed, say)
        if getattr(exc, "record", None) is None:
            with suppress(AttributeError):
                exc.record = run.record  # type: ignore[attr-defined]
        raise
    finally:
        _current.reset(token)
        with _lock:
            _active.remove(run)
            if not _active:
                # put back what the taps replaced, unless someone else has
                # replaced the taps meanwhile (then theirs stays)
                for name in ("stdout", "stderr"):
                    if isinstance(getattr(sys, name), _Tap):
                        setattr(sys, name, _saved[name])
                _saved.clear()
        run.record.duration = clock() - run.origin

"""What an exercise is, and what one run of a learner's code produced.

An :class:`Exercise` says what to write (its starter file, whose docstring is
the statement), which function the grader calls (``entry``), on which
backends, and the schedule it must print: ``(time, line)`` pairs, times in
seconds of virtual time from the start of the run.  Its :class:`Mistake`\\ s
are the known ways to get it wrong, each with a detector and a hint.

A :class:`Run` is plain data (it crosses a process boundary as JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

Schedule = list[tuple[float, str]]


@dataclass
class Blocking:
    """A moment the event loop was held: by ``time.sleep`` or by a busy loop."""

    time: float
    what: str
    where: str


@dataclass
class Run:
    """What the learner's code did on one backend."""

    backend: str
    schedule: Schedule = field(default_factory=list)
    #: None when the code ran to its end; else why it did not:
    #: "syntax", "missing", "exception", "cpu", "virtual", "idle"
    problem: str | None = None
    message: str = ""
    #: the learner's part of a traceback (their frames only)
    details: str = ""
    #: the exception's type name, for the detectors
    error: str = ""
    blocking: list[Blocking] = field(default_factory=list)
    unawaited: list[str] = field(default_factory=list)
    truncated: bool = False
    end: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Run:
        data = dict(data)
        data["blocking"] = [Blocking(**b) for b in data.get("blocking", [])]
        data["schedule"] = [(float(t), str(line)) for t, line in data.get("schedule", [])]
        return cls(**data)


Detector = Callable[[Run], "str | None"]


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``found(run)`` says in plain words what it did, or None."""

    key: str
    hint: str
    found: Detector


@dataclass(frozen=True)
class Exercise:
    name: str
    lesson: str
    #: "asyncio": graded on asyncio; "anyio": graded on asyncio and trio
    style: Literal["asyncio", "anyio"]
    title: str
    expected: Schedule
    mistakes: tuple[Mistake, ...] = ()
    #: the function the grader calls
    entry: str = "main"
    #: "async": ``await main(*args)``; "loop": ``main(loop)`` runs an asyncio loop itself
    kind: Literal["async", "loop"] = "async"
    #: an async context manager that yields the entry's arguments (w8s4's server)
    arguments: Callable[[], AbstractAsyncContextManager[tuple[Any, ...]]] | None = None

    @property
    def backends(self) -> tuple[str, ...]:
        return ("asyncio",) if self.style == "asyncio" else ("asyncio", "trio")

    @property
    def end(self) -> float:
        return max((t for t, _ in self.expected), default=0.0)

    @property
    def virtual_budget(self) -> float:
        """How long the code may run on the virtual clock before it is stopped."""
        return max(10.0, 4 * self.end)

"""What a piece of code really does, in one line: OK, a warning, an exception.

The pitfalls of w8s9 end in a warning (a coroutine that is never awaited) or
an exception (``SyntaxError``, ``TypeError``).  In a script the exception
would stop the program and the warning would go to stderr, at the moment the
forgotten coroutine is freed.  To show all of them one after the other, the
lessons run each piece of code under :func:`observe`, which catches the
exception, records the warnings instead of letting them out, and says what
happened in one line.

Python refuses to compile a function that uses ``await`` outside
``async def``: such code can only be kept as text.  :func:`cases` cuts the
functions of the video (as text) into one function per numbered line, so
that each case can be compiled, and run, on its own.
"""

from __future__ import annotations

import re
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from common.collecting import collecting_what_it_drops


@dataclass
class Outcome:
    """What happened in an :func:`observe` block."""

    #: the warnings it raised, in order
    warnings: list[warnings.WarningMessage] = field(default_factory=list)
    #: the type of the exception that ended it, if any
    error_type: type[Exception] | None = None
    #: that exception, in words: ``TypeError: …``
    error: str | None = None
    #: how many of the warnings came before the exception
    warnings_before_error: int = 0

    def __str__(self) -> str:
        """``OK``, else the warnings and the exception, in the order they came,
        each as ``Category: message``."""
        parts = [f"{w.category.__name__}: {_first_line(w.message)}" for w in self.warnings]
        if self.error is not None:
            parts.insert(self.warnings_before_error, self.error)
        return "; ".join(parts) or "OK"


def _first_line(message: Warning | str) -> str:
    # In asyncio's debug mode the never-awaited warning goes on with the
    # place the coroutine was created: keep the sentence itself.
    return str(message).splitlines()[0]


def describe(exc: BaseException) -> str:
    """``TypeError: message``; a group as ``ExceptionGroup(what it holds)``
    (its own message differs between anyio's backends)."""
    if isinstance(exc, BaseExceptionGroup):
        return f"{type(exc).__name__}({', '.join(map(describe, exc.exceptions))})"
    if isinstance(exc, SyntaxError) and exc.msg:
        # without the "(file, line N)" that str() appends
        return f"SyntaxError: {exc.msg}"
    return f"{type(exc).__name__}: {exc}"


def _let_go(exc: BaseException) -> None:
    """Drop what the frames of a traceback hold (the with statement keeps the
    exception itself a little longer): a coroutine object in those frames is
    then freed, and warns, now."""
    traceback.clear_frames(exc.__traceback__)
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            _let_go(inner)


@contextmanager
def observe() -> Iterator[Outcome]:
    """Run the ``with`` block; catch its exception, record its warnings.

    A coroutine that is dropped without being awaited warns when it is freed:
    at once in CPython, unless something still refers to it (the traceback of
    an exception, say), hence the exception is kept only in words and
    what the block made is collected before the warnings are read
    (:func:`common.collecting.collecting_what_it_drops`).  ``KeyboardInterrupt``
    and cancellation are not caught: they are not outcomes, they stop the demo.
    """
    outcome = Outcome()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with collecting_what_it_drops():
                try:
                    yield outcome
                except Exception as exc:
                    outcome.error_type, outcome.error = type(exc), describe(exc)
                    outcome.warnings_before_error = len(caught)
                    _let_go(exc)
        finally:
            outcome.warnings = list(caught)


@dataclass(frozen=True)
class Case:
    """One numbered line of a function, as a function of its own."""

    number: int
    #: the function's first line, without its colon: ``def foo()``
    header: str
    #: the line's code, without its comment: ``await synchro()``
    line: str

    @property
    def source(self) -> str:
        return f"{self.header}:\n    {self.line}\n"

    def define(self, namespace: dict[str, Any]) -> Any:
        """Compile this one-line function and return it (``SyntaxError`` if
        Python refuses it); its globals are a copy of ``namespace``."""
        code = compile(self.source, f"<case {self.number}>", "exec")
        scope = dict(namespace)
        exec(code, scope)
        name = re.match(r"(?:async\s+)?def\s+(\w+)", self.header)
        assert name is not None, self.header
        return scope[name.group(1)]


_NUMBERED = re.compile(r"^\s+(?P<code>\S.*?)\s*#\s*(?P<number>\d+)\s*#")


def cases(*sources: str) -> Iterator[Case]:
    """The numbered lines (``code  # 3 # comment``) of each function's source."""
    for source in sources:
        lines = source.strip("\n").splitlines()
        header = lines[0].strip().removesuffix(":")
        for text in lines[1:]:
            match = _NUMBERED.match(text)
            if match:
                yield Case(int(match["number"]), header, match["code"])

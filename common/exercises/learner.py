"""The learner's code: loaded from a file, a module or a function, and their
part of a traceback.  Nothing here runs an event loop."""

from __future__ import annotations

import inspect
import sys
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any


class NotGradable(Exception):
    """The code cannot be run at all: ``kind`` and a one-line message."""

    def __init__(self, kind: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.kind, self.message, self.details = kind, message, details


def read_source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NotGradable(
            "unreadable", f"cannot read {path}: not UTF-8 text ({exc.reason})"
        ) from None
    except OSError as exc:
        raise NotGradable("unreadable", f"cannot read {path}: {exc.strerror or exc}") from None


def compile_source(source: str, filename: str) -> types.CodeType:
    try:
        return compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else "somewhere"
        text = (exc.text or "").rstrip()
        details = f"    {text.strip()}" if text else ""
        raise NotGradable("syntax", f"syntax error, {where}: {exc.msg}", details) from None
    except ValueError as exc:  # null bytes
        raise NotGradable("syntax", f"cannot compile: {exc}") from None


def their_traceback(exc: BaseException, filename: str) -> str:
    """The frames of the learner's file only, then the exception itself."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = traceback.format_list(frames)
    last = traceback.format_exception_only(type(exc), exc)[-1]
    return "".join(lines) + last.rstrip()


def leaf(exc: BaseException) -> BaseException:
    """The first exception that is not a group (a task group's failure)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


class Code:
    """The learner's namespace, and the file their frames come from."""

    def __init__(self, namespace: dict[str, Any], filename: str) -> None:
        self.namespace = namespace
        self.filename = filename

    def entry(self, name: str, kind: str) -> Callable[..., Any]:
        function = self.namespace.get(name)
        if function is None:
            raise NotGradable("missing", f"your code defines no `{name}`")
        wanted = "async def" if kind == "async" else "def"
        if not callable(function):
            raise NotGradable("missing", f"`{name}` is not a function: write `{wanted} {name}(…)`")
        if inspect.iscoroutinefunction(function) != (kind == "async"):
            raise NotGradable("missing", f"`{name}` must be written `{wanted} {name}(…)`")
        return function  # type: ignore[no-any-return]


def from_file(path: Path, run_top_level: Callable[[Callable[[], None]], None]) -> Code:
    """Read, compile and run the file's top level (through ``run_top_level``,
    which watches it)."""
    filename = str(path)
    code = compile_source(read_source(path), filename)
    module = types.ModuleType("exercise")
    module.__file__ = filename
    sys.modules["exercise"] = module
    try:

        def top_level() -> None:
            exec(code, module.__dict__)

        try:
            run_top_level(top_level)
        except (Exception, SystemExit) as exc:
            raise NotGradable(
                "exception",
                f"your file raised {type(exc).__name__} when it was loaded",
                their_traceback(exc, filename),
            ) from None
    finally:
        sys.modules.pop("exercise", None)
    return Code(module.__dict__, filename)


def from_object(thing: Any, entry: str) -> Code:
    """A module, or a function that is the entry itself (its module's globals
    hold the helpers it calls)."""
    if isinstance(thing, types.ModuleType):
        return Code(vars(thing), getattr(thing, "__file__", None) or "<module>")
    if isinstance(thing, types.FunctionType):
        namespace = dict(thing.__globals__)
        namespace[entry] = thing
        return Code(namespace, thing.__code__.co_filename)
    raise NotGradable("missing", f"expected a module or a function, not {type(thing).__name__}")

"""A command line run in this process, as ``python -m`` would run it.

``run_main("common.sidebyside", "w8s2", "--width", "60")`` or
``run_main("lessons_asyncio.w8s2", "famine", "--timeline")``: the command
line's ``main()`` (the lesson's, or the module's own), with the variables of
``env`` set (``None`` unsets one) and standard streams that take only
``encoding`` (as ``PYTHONIOENCODING`` does), on virtual time as
``tests.harness.run_cli`` runs a lesson.  What a process of its own would
give: its exit code, what it wrote on stdout and on stderr.

(The views' and timelines' tests use it where no real process is needed; a
shared ``run_main`` with the same call is meant for tests/harness.py: this
one goes when that one is there.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import io
import os

from common.runner import Lesson
from tests.harness import showing_never_awaited


@dataclasses.dataclass(frozen=True)
class Ran:
    """What :class:`subprocess.CompletedProcess` says of a process."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(changes):
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_main(module, *args, virtual=True, env=None, encoding="utf-8"):
    imported = importlib.import_module(module)
    found = getattr(imported, "lesson", None)
    main = found.main if isinstance(found, Lesson) else imported.main
    streams = [
        io.TextIOWrapper(io.BytesIO(), encoding=encoding, newline="", write_through=True)
        for _ in range(2)
    ]
    variables = {"LESSONS_VIRTUAL_TIME": "1" if virtual else None, **(env or {})}
    with (
        _environment(variables),
        showing_never_awaited(),
        contextlib.redirect_stdout(streams[0]),
        contextlib.redirect_stderr(streams[1]),
    ):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse, a lesson's main
            code = exc.code
    out, err = (stream.buffer.getvalue().decode(encoding) for stream in streams)
    return Ran((module, *args), 0 if code is None else code, out, err)

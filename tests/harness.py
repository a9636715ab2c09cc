"""Run demos on virtual time and compare their schedules.

A schedule is the list of ``(time, line)`` a demo printed, times in seconds
from the start of the demo, exact on a virtual clock.
"""

import importlib
import pkgutil
import subprocess
import sys
import warnings
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path

import lessons_anyio
import lessons_asyncio
import lessons_asyncio.modern
from common.runner import Lesson, arun, run_demo

ROOT = Path(__file__).resolve().parent.parent


def lesson(flavour, name):
    """The :class:`Lesson` of ``lessons_<flavour>.<name>`` (flavour "asyncio",
    "anyio", or "asyncio.modern" for ``lessons_asyncio.modern.<name>``)."""
    return importlib.import_module(f"lessons_{flavour}.{name}").lesson


def _modules(package):
    """The lesson modules of a package, in order (not its subpackages: the
    faithful package holds ``modern``)."""
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg)


def lesson_names():
    """Every lesson that exists in the faithful package, in order."""
    return _modules(lessons_asyncio)


def port_lesson_names():
    return _modules(lessons_anyio)


def modern_lesson_names():
    """Every lesson that exists in ``lessons_asyncio.modern``, in order."""
    return _modules(lessons_asyncio.modern)


def faithful_record(name, demo, **kwargs):
    """Run a faithful demo on a virtual asyncio loop; its :class:`Record`."""
    return run_demo(lesson("asyncio", name)[demo], virtual=True, echo=False, **kwargs)


def modern_record(name, demo, **kwargs):
    """Run a modern demo on a virtual asyncio loop; its :class:`Record`."""
    return run_demo(lesson("asyncio.modern", name)[demo], virtual=True, echo=False, **kwargs)


async def port_record(name, demo, **kwargs):
    """Run a port demo in the test's own (virtual-time) event loop."""
    return await arun(lesson("anyio", name)[demo], echo=False, **kwargs)


@contextmanager
def showing_never_awaited():
    """Let Python's "coroutine … was never awaited" warning be shown as a
    script shows it (on stderr, where a record sees it), not raised as the
    suite's other warnings are: the pitfall demos mean to show it."""

    def show(message, category, filename, lineno, file=None, line=None):
        # what Python does outside pytest, which records warnings instead
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.filterwarnings("default", "coroutine .* was never awaited", RuntimeWarning)
        warnings.showwarning = show
        yield


def by_instant(schedule):
    """The schedule with the lines of each instant as a set: trio does not
    order the tasks that wake at the same instant, so neither may a test."""
    return [
        (time, sorted(line for _, line in group))
        for time, group in groupby(schedule, key=lambda item: item[0])
    ]


def run_cli(module, *args, virtual=True, timeout=60, **kwargs):
    """``python -m module args…`` in a subprocess, on virtual time by default."""
    env = dict(kwargs.pop("env", {}))
    import os

    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    if virtual:
        full_env["LESSONS_VIRTUAL_TIME"] = "1"
    else:
        full_env.pop("LESSONS_VIRTUAL_TIME", None)
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=full_env,
        **kwargs,
    )


__all__ = [
    "Lesson",
    "by_instant",
    "faithful_record",
    "lesson",
    "lesson_names",
    "modern_lesson_names",
    "modern_record",
    "port_lesson_names",
    "port_record",
    "run_cli",
    "showing_never_awaited",
]

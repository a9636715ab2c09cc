"""The tests' shared helpers: one per job.

* Which lessons exist, their demos and options: :func:`lesson`,
  :func:`lesson_names`, :func:`lesson_options`, :func:`natural`.
* Demos on virtual time: :func:`record_of` (one run per session, shared),
  :func:`faithful_record`, :func:`port_record`, :func:`by_instant`.  A
  schedule is the list of ``(time, line)`` a demo printed, times in seconds
  from the start of the demo, exact on a virtual clock.
* A command line run in this process, as ``python -m`` would run it (its
  output, exit code; nothing left behind): :func:`run_main`, in
  tests/in_process.py.  Use it wherever no real process is needed.
* Lessons as real processes: :func:`run_cli` (run to the end),
  :func:`spawn` (watch the output as it comes), :func:`ctrl_c_after` (press
  Ctrl-C once something was printed: an event, never a fixed delay); these
  live in tests/real_processes.py, and are imported from here; many lessons
  as real processes for one interpreter start-up: :class:`ForkServer`
  (tests/forkserver.py).
* Nothing left behind: :func:`resources`, :func:`leaks`, :func:`no_leaks`.

Each helper has a test of its own in ``tests/test_harness.py`` (those that
run lessons: ``tests/test_harness_runs.py``) that shows it catches a wrong
result.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import functools
import importlib
import os
import pkgutil
import subprocess
import sys
import threading
import warnings
from itertools import groupby

import lessons_anyio
import lessons_asyncio
import lessons_asyncio.modern
from common.record import Record
from common.runner import Lesson, arun, build_parser, run_demo

# the natural order of lesson names: the views' own (w8s4, w8s4_limits, w8s9, w8s10)
from common.views.sources import natural
from tests.forkserver import ForkServer
from tests.in_process import Ran, run_main
from tests.real_processes import (
    ROOT,
    TIMEOUT,
    Child,
    Finished,
    Lines,
    cli_env,
    ctrl_c_after,
    line,
    spawn,
)

# -- lessons, demos, options ---------------------------------------------------------


def lesson(flavour, name):
    """The :class:`Lesson` of ``lessons_<flavour>.<name>`` (flavour "asyncio",
    "anyio", or "asyncio.modern" for ``lessons_asyncio.modern.<name>``)."""
    return importlib.import_module(f"lessons_{flavour}.{name}").lesson


def _modules(package):
    """The lesson modules of a package, in natural order (not its subpackages:
    the faithful package holds ``modern``)."""
    names = [m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg]
    return naturally(names)


def lesson_names():
    """Every lesson that exists in the faithful package, in order."""
    return _modules(lessons_asyncio)


def port_lesson_names():
    return _modules(lessons_anyio)


def modern_lesson_names():
    """Every lesson that exists in ``lessons_asyncio.modern``, in order."""
    return _modules(lessons_asyncio.modern)


def same_demos(faithful, port):
    """The demos of two twin lessons, in order: the same names in the same
    order (the port's own additions, ``port_only``, left out), else the test
    fails saying how they differ."""
    shared = [demo.name for demo in port.demos.values() if not demo.port_only]
    assert shared == faithful.names(), (
        f"{faithful.module} has {faithful.names()}, {port.module} has {shared}"
    )
    return shared


def twin_demos(name):
    """The demos of lesson ``name``, the same in its faithful version and its port."""
    return same_demos(lesson("asyncio", name), lesson("anyio", name))


def naturally(names):
    """``names`` in natural order (see :func:`natural`)."""
    return sorted(names, key=natural)


def lesson_options(the_lesson):
    """The lesson's own options at their defaults, as a bare command line gives
    them to its demos: the runner's own (demos, ``--list``, ``--duration``,
    ``--backend``, …) left out, whatever they are."""
    given = vars(build_parser(the_lesson).parse_args([]))
    runners = vars(build_parser(Lesson(the_lesson.module)).parse_args([]))
    return {key: value for key, value in given.items() if key not in runners}


# -- demos on virtual time -------------------------------------------------------------


@functools.cache
def _shared_record(flavour, name, demo, backend):
    # as a script shows it: a demo's never-awaited warning goes to its record
    with showing_never_awaited():
        return run_demo(lesson(flavour, name)[demo], backend=backend, virtual=True, echo=False)


def record_of(flavour, name, demo, backend="asyncio"):
    """The record of a demo run on virtual time with its default options, as a
    bare command line runs it: run once per session and shared by the tests
    that ask for it (each gets a copy of its own to change).  From synchronous
    code: it runs its own event loop."""
    if flavour != "anyio":
        backend = "asyncio"  # the faithful and modern versions run on asyncio only
    return copy.deepcopy(_shared_record(flavour, name, demo, backend))


def faithful_record(name, demo, **kwargs):
    """Run a faithful demo on a virtual asyncio loop; its :class:`Record`."""
    return run_demo(lesson("asyncio", name)[demo], virtual=True, echo=False, **kwargs)


def modern_record(name, demo, **kwargs):
    """Run a modern demo on a virtual asyncio loop; its :class:`Record`."""
    return run_demo(lesson("asyncio.modern", name)[demo], virtual=True, echo=False, **kwargs)


async def port_record(name, demo, **kwargs):
    """Run a port demo in the test's own (virtual-time) event loop."""
    return await arun(lesson("anyio", name)[demo], echo=False, **kwargs)


@contextlib.contextmanager
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


# -- real processes (see tests/real_processes.py) -------------------------------------


def run_cli(module, *args, virtual=True, timeout=TIMEOUT, **kwargs):
    """``python -m module args…`` in a subprocess, to the end, on virtual time
    by default: the :class:`subprocess.CompletedProcess`."""
    env = cli_env(virtual=virtual, **kwargs.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
        **kwargs,
    )


# -- nothing left behind -----------------------------------------------------------------

#: Idle threads that a library keeps for later on purpose: trio's thread cache.
KEPT_THREADS = ("Trio thread",)
#: …and the thread pools of an event loop that is still running (a test's own
#: loop keeps anyio's workers and its default executor's for reuse).
POOL_THREADS = ("AnyIO worker thread", "Trio thread", "asyncio_")


@dataclasses.dataclass(frozen=True)
class Resources:
    threads: frozenset
    fds: dict


def open_fds():
    """This process's open file descriptors, with what each one is."""
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        # (the listing's own descriptor is closed by now)
        with contextlib.suppress(OSError):
            fds[int(fd)] = os.readlink(f"/proc/self/fd/{fd}")
    return fds


def resources():
    """What this process holds now: its threads and open file descriptors."""
    return Resources(frozenset(threading.enumerate()), open_fds())


def leaks(before, *, loops=(), kept=KEPT_THREADS, grace=5.0):
    """What was left behind since ``before`` (a :func:`resources`): threads
    still alive (those that are not daemons get ``grace`` seconds to end, as
    anyio stops its idle workers when its run ends; names starting with one
    of ``kept`` are left alone), file descriptors opened or closed, and, for
    each asyncio loop in ``loops``, not closed or tasks left in it.  A list of
    words, empty when nothing was left."""
    found = []
    for thread in threading.enumerate():
        if thread in before.threads or thread.name.startswith(tuple(kept)):
            continue
        if not thread.daemon:
            thread.join(timeout=grace)
        if thread.is_alive():
            found.append(f"thread {thread.name!r}")
    now = open_fds()
    found += [f"fd {fd} opened ({now[fd]})" for fd in sorted(now.keys() - before.fds.keys())]
    found += [f"fd {fd} closed ({before.fds[fd]})" for fd in sorted(before.fds.keys() - now.keys())]
    for loop in loops:
        if not loop.is_closed():
            found.append(f"loop {loop!r} not closed")
        found += [f"task {task!r}" for task in asyncio.all_tasks(loop)]
    return found


@contextlib.contextmanager
def no_leaks(**kwargs):
    """Fails if what runs inside leaves something behind (see :func:`leaks`)."""
    before = resources()
    yield
    assert leaks(before, **kwargs) == []


__all__ = [
    "ROOT",
    "TIMEOUT",
    "Child",
    "Finished",
    "ForkServer",
    "Lesson",
    "Lines",
    "Ran",
    "Record",
    "by_instant",
    "cli_env",
    "ctrl_c_after",
    "faithful_record",
    "leaks",
    "lesson",
    "lesson_names",
    "lesson_options",
    "line",
    "modern_lesson_names",
    "modern_record",
    "natural",
    "naturally",
    "no_leaks",
    "open_fds",
    "port_lesson_names",
    "port_record",
    "record_of",
    "resources",
    "run_cli",
    "run_main",
    "same_demos",
    "showing_never_awaited",
    "spawn",
    "twin_demos",
]

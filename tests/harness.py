"""The tests' shared helpers: one per job.

* Which lessons exist, their demos and options: :func:`lesson`,
  :func:`lesson_names`, :func:`lesson_options`, :func:`natural`.
* Demos on virtual time: :func:`record_of` (one run per session, shared),
  :func:`faithful_record`, :func:`port_record`, :func:`by_instant`.  A
  schedule is the list of ``(time, line)`` a demo printed, times in seconds
  from the start of the demo, exact on a virtual clock.
* Lessons as real processes: :func:`run_cli` (run to the end),
  :func:`spawn` (watch the output as it comes), :func:`ctrl_c_after` (press
  Ctrl-C once something was printed: an event, never a fixed delay).
* Nothing left behind: :func:`resources`, :func:`leaks`, :func:`no_leaks`.

Each helper has a test of its own in ``tests/test_harness.py`` that shows it
catches a wrong result.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import copy
import dataclasses
import functools
import importlib
import os
import pkgutil
import re
import signal
import subprocess
import sys
import threading
from itertools import groupby
from pathlib import Path

import lessons_anyio
import lessons_asyncio
import lessons_asyncio.modern
from common.record import Record
from common.runner import Lesson, arun, build_parser, run_demo

ROOT = Path(__file__).resolve().parent.parent

#: How long a real process may take to print what a test waits for, or to
#: end: long enough for a machine whose cores are all busy, and a test that
#: hangs still fails with what the process printed.
TIMEOUT = 60.0

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


def natural(name):
    """Sort key: the numbers in a name compare as numbers (w8s9 before w8s10)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


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


def by_instant(schedule):
    """The schedule with the lines of each instant as a set: trio does not
    order the tasks that wake at the same instant, so neither may a test."""
    return [
        (time, sorted(line for _, line in group))
        for time, group in groupby(schedule, key=lambda item: item[0])
    ]


# -- real processes ----------------------------------------------------------------------


def cli_env(*, virtual, **extra):
    """The environment of a lesson run as ``python -m``: this checkout on the
    path, and the virtual clock only if asked for."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    if virtual:
        env["LESSONS_VIRTUAL_TIME"] = "1"
    else:
        env.pop("LESSONS_VIRTUAL_TIME", None)
    return env


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


class Lines:
    """An event: the output holds ``count`` whole lines (``Lines(1)``: the
    runner's header line of the first demo)."""

    def __init__(self, count):
        self.count = count

    def __call__(self, text):
        return text.count("\n") >= self.count

    def __repr__(self):
        return f"{self.count} line(s)"


def line(text):
    """An event: a whole line equal to ``text``, its newline printed too."""
    return re.compile(rf"^{re.escape(text)}\n", re.MULTILINE)


def _seen(event, text):
    if isinstance(event, str):
        return event in text
    if isinstance(event, re.Pattern):
        return event.search(text) is not None
    return bool(event(text))


def _describe(event):
    return repr(event.pattern) if isinstance(event, re.Pattern) else repr(event)


@dataclasses.dataclass(frozen=True)
class Finished:
    """A real process that has ended, with all it printed."""

    argv: list[str]
    code: int
    out: str
    err: str
    #: Ctrl-C was pressed while it ran (not: it had ended, or no Ctrl-C was asked for)
    pressed: bool = False

    def __str__(self):
        command = " ".join(self.argv[1:])
        output = f"--- stdout\n{self.out[-2000:]}\n--- stderr\n{self.err}"
        return f"{command}: exit code {self.code}\n{output}"


class Child:
    """A command run as a real process, both its streams read as they come
    (by two threads), so that a test can wait for what it prints and press
    Ctrl-C the moment it is printed.

    Use it as a context manager: a child still running at the end is killed.
    """

    def __init__(self, argv, *, env, cwd=ROOT):
        self.argv = list(argv)
        self.proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self._text = {"stdout": "", "stderr": ""}
        self._open = {"stdout": True, "stderr": True}
        self._changed = threading.Condition()
        self._trigger = None
        self.pressed = False
        self._readers = [
            threading.Thread(target=self._read, args=(stream, pipe), daemon=True)
            for stream, pipe in (("stdout", self.proc.stdout), ("stderr", self.proc.stderr))
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, pipe):
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while True:
            data = os.read(pipe.fileno(), 65536)
            with self._changed:
                self._text[stream] += decoder.decode(data, final=not data)
                self._open[stream] = bool(data)
                if self._trigger is not None and self._trigger[1] == stream:
                    self._pull_trigger()
                self._changed.notify_all()
            if not data:
                pipe.close()
                return

    def _pull_trigger(self):
        event, stream = self._trigger
        if _seen(event, self._text[stream]):
            self._trigger = None
            self.pressed = self.ctrl_c()

    def ctrl_c(self):
        """Press Ctrl-C now (SIGINT): ``False`` if the process had already ended."""
        if self.proc.poll() is not None:
            return False
        self.proc.send_signal(signal.SIGINT)
        return True

    def ctrl_c_when(self, event, stream="stdout"):
        """Press Ctrl-C as soon as ``event`` is seen in ``stream`` (a string it
        contains, a regular expression it matches, or a test of its text), from
        the thread that reads it: without waiting for the test.  Returns self."""
        with self._changed:
            self._trigger = (event, stream)
            self._pull_trigger()
        return self

    def wait_for(self, event, stream="stdout", timeout=TIMEOUT):
        """Wait until ``event`` is seen in ``stream``; what it holds then.  Fails
        (with what was printed) if the stream ends first, or after ``timeout``."""
        with self._changed:
            done = self._changed.wait_for(
                lambda: _seen(event, self._text[stream]) or not self._open[stream], timeout
            )
            text = self._text[stream]
            if done and _seen(event, text):
                return text
        ended = "ended" if done else f"printed nothing more for {timeout:g} s"
        raise AssertionError(
            f"{' '.join(self.argv[1:])}: {ended} before {_describe(event)} on {stream};"
            f" it printed:\n{self._text['stdout'][-2000:]}\n--- stderr\n{self._text['stderr']}"
        )

    def finish(self, timeout=TIMEOUT):
        """Wait for the process to end: a :class:`Finished` (killed, and the test
        failed, if it has not ended after ``timeout``)."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise AssertionError(f"still running after {timeout:g} s: {self.result()}") from None
        for reader in self._readers:
            reader.join()
        return self.result(code)

    def result(self, code=None):
        return Finished(
            self.argv,
            self.proc.returncode if code is None else code,
            self._text["stdout"],
            self._text["stderr"],
            self.pressed,
        )

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for reader in self._readers:
            reader.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def spawn(module, *args, virtual=False, env=None, python=()):
    """``python [python…] -m module args…`` as a :class:`Child`, on real time
    by default (``virtual=True``: on the virtual clock)."""
    return Child(
        [sys.executable, *python, "-m", module, *args],
        # unbuffered: the test sees each line as it is printed
        env=cli_env(virtual=virtual, PYTHONUNBUFFERED="1", **(env or {})),
    )


def ctrl_c_after(module, *args, event, stream="stdout", timeout=TIMEOUT, **spawn_args):
    """Run a lesson as a real process, press Ctrl-C as soon as ``event`` is
    printed on ``stream`` (see :meth:`Child.ctrl_c_when`), and let it end: the
    :class:`Finished` process.  Fails if it ended without printing ``event``,
    or before Ctrl-C reached it."""
    with spawn(module, *args, **spawn_args) as child:
        child.ctrl_c_when(event, stream)
        child.wait_for(event, stream, timeout)
        finished = child.finish(timeout)
    assert finished.pressed, f"it ended before Ctrl-C, pressed after {_describe(event)}: {finished}"
    return finished


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
        if thread in before.threads:
            continue
        if not thread.daemon:
            thread.join(timeout=grace)
        if thread.is_alive() and not thread.name.startswith(tuple(kept)):
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
    "Lesson",
    "Lines",
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
    "same_demos",
    "spawn",
    "twin_demos",
]

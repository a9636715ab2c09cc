"""Lessons as real processes, watched as they print (part of the tests' harness:
import these from :mod:`tests.harness`).

:func:`spawn` starts one, :class:`Child` reads both its streams as they come,
so that a test waits for an event in its output (:class:`Lines`,
:func:`line`, a string, a regular expression) and presses Ctrl-C the moment
it comes: never after a fixed delay, which a busy machine can miss.
:func:`ctrl_c_after` does the three for the common case.
"""

import codecs
import dataclasses
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: How long a real process may take to print what a test waits for, or to
#: end: long enough for a machine whose cores are all busy, and a test that
#: hangs still fails with what the process printed.
TIMEOUT = 60.0


def cli_env(*, virtual, **extra):
    """The environment of a lesson run as ``python -m``: this checkout on the
    path, and the virtual clock only if asked for."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    if virtual:
        env["LESSONS_VIRTUAL_TIME"] = "1"
    else:
        env.pop("LESSONS_VIRTUAL_TIME", None)
    return env


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
    #: what the watched stream held when Ctrl-C was pressed (when it came)
    pressed_after: str | None = None

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

    def __init__(self, argv, *, env=None, cwd=ROOT, proc=None):
        self.argv = list(argv)
        # (``proc``: a process already started, with its two pipes: a fork
        # server's child, see tests/forkserver.py)
        self.proc = proc or subprocess.Popen(
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
        self.pressed_after = None
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
            self.pressed_after = self._text[stream]
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
            self.pressed_after,
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


def ctrl_c_after(module, *args, event, stream="stdout", timeout=TIMEOUT, server=None, **spawn_args):
    """Run a lesson as a real process, press Ctrl-C as soon as ``event`` is
    printed on ``stream`` (see :meth:`Child.ctrl_c_when`), and let it end: the
    :class:`Finished` process.  Fails if it ended without printing ``event``,
    or before Ctrl-C reached it.  ``server``: a :class:`tests.forkserver.ForkServer`
    forks the process (else it is started by :func:`spawn`)."""
    start = spawn if server is None else server.spawn
    with start(module, *args, **spawn_args) as child:
        child.ctrl_c_when(event, stream)
        child.wait_for(event, stream, timeout)
        finished = child.finish(timeout)
    assert finished.pressed, f"it ended before Ctrl-C, pressed after {_describe(event)}: {finished}"
    return finished

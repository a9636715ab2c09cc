"""A lesson's command line run in the test's process, as ``python -m`` would
run it (part of the tests' harness: import :func:`run_main` from
:mod:`tests.harness`).

``main(lesson, argv)`` is what ``python -m lessons_…`` runs; :func:`run_main`
calls it with the streams, environment and arguments of a process of its own,
and fails if the run leaves anything behind.  What only a real process shows
(start-up, lazy imports, a real SIGINT, the real file descriptors) is for
tests/real_processes.py.
"""

import asyncio
import contextlib
import contextvars
import dataclasses
import importlib
import io
import os
import runpy
import signal
import sys
import warnings

from common.lesson import Lesson


@dataclasses.dataclass(frozen=True)
class Ran:
    """A command line run in this process (see :func:`run_main`): what a
    :class:`subprocess.CompletedProcess` says of a process."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self):
        output = f"--- stdout\n{self.stdout[-2000:]}\n--- stderr\n{self.stderr}"
        return f"{' '.join(self.args)}: exit code {self.returncode}\n{output}"


@contextlib.contextmanager
def _environment(changes):
    """``os.environ`` with ``changes`` ({name: value, or None to unset}), for
    the block only."""
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


@contextlib.contextmanager
def _arguments(argv):
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


def _policy_set():
    """An event loop policy that someone set, or None for asyncio's own (made
    on first use: by the run, say, which is no change).  Read, not made:
    Python 3.14 deprecates the getter."""
    policy = asyncio.events._event_loop_policy
    return None if policy is None or type(policy).__module__.startswith("asyncio") else policy


def _process_state():
    """What a command line run in this process must leave as it found it:
    the SIGINT handler, the excepthook, the event loop policy, the context
    variables, the standard streams."""
    return {
        "SIGINT handler": signal.getsignal(signal.SIGINT),
        "sys.excepthook": sys.excepthook,
        "event loop policy": _policy_set(),
        # (but for the decimal module's, which it sets on its first use)
        "context variables": {
            var: value
            for var, value in contextvars.copy_context().items()
            if var.name != "decimal_context"
        },
        "sys.argv": list(sys.argv),
        "__main__": sys.modules["__main__"],
        "sys.stdout": sys.stdout,
        "sys.stderr": sys.stderr,
    }


def run_main(module, *args, virtual=True, env=None, encoding="utf-8", as_script=False):
    """``python -m module args…`` run in this process, through the command
    line's ``main()`` (the module's lesson's, or the module's own ``main``;
    ``module`` may also be a :class:`Lesson`): a :class:`Ran`, with what it
    wrote on stdout and stderr and its exit code.  On virtual time by default
    (``LESSONS_VIRTUAL_TIME=1``, as :func:`run_cli`); ``env`` sets more
    variables for the run; its standard streams take only ``encoding`` (as
    ``PYTHONIOENCODING`` does).  ``as_script=True`` runs a fresh copy of the
    module as ``__main__``, as ``python -m`` does (what it prints of its own
    functions' names says ``__main__``).

    Python's "coroutine … was never awaited" is shown on stderr as a script
    shows it (in two lines: a process adds a third on tracemalloc); any other
    warning fails the test as usual.  Fails if the run leaves something
    behind: a thread, a file descriptor, its SIGINT handler, a context
    variable set, another event loop policy (see :func:`leaks`).
    """
    if isinstance(module, Lesson):
        main, name = module.main, module.module
    elif as_script:
        name = module

        def main(argv):
            with warnings.catch_warnings(), _arguments([module, *argv]):
                # (runpy's warning that the module was imported before: by the tests)
                warnings.filterwarnings("ignore", ".* found in sys.modules", RuntimeWarning)
                runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        imported = importlib.import_module(module)
        found = getattr(imported, "lesson", None)
        main, name = (found.main if isinstance(found, Lesson) else imported.main), module
    # (stderr escapes what its encoding cannot say, as Python's own does)
    streams = {
        stream: io.TextIOWrapper(
            io.BytesIO(), encoding=encoding, errors=errors, newline="", write_through=True
        )
        for stream, errors in (("stdout", "strict"), ("stderr", "backslashreplace"))
    }
    variables = {"LESSONS_VIRTUAL_TIME": "1" if virtual else None, **(env or {})}
    from tests.harness import leaks, resources, showing_never_awaited  # (it imports this)

    before, state = resources(), _process_state()
    with (
        _environment(variables),
        showing_never_awaited(),
        contextlib.redirect_stdout(streams["stdout"]),
        contextlib.redirect_stderr(streams["stderr"]),
    ):
        try:
            code = main(list(args))
        except SystemExit as exc:  # Lesson.main, argparse
            code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): Python prints it, exit 1
        streams["stderr"].write(f"{code}\n")
        code = 1
    text = {}
    for stream, wrapper in streams.items():
        wrapper.flush()
        text[stream] = wrapper.buffer.getvalue().decode(encoding)
    ran = Ran((name, *args), code, text["stdout"], text["stderr"])
    left = leaks(before) + [
        f"{what} changed: {was!r} -> {now!r}"
        for (what, was), now in zip(state.items(), _process_state().values(), strict=True)
        if was != now
    ]
    assert left == [], f"python -m {' '.join(ran.args)} left behind: {left}\n{ran}"
    return ran

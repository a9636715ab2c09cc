"""Grade in this process (notebooks) or in a child process (the command line).

Both load the learner's code under a watchdog, then run it on each backend of
the exercise (see :mod:`common.exercises.sandbox`).

* :func:`runs_here`: in this process.  When a budget runs out, the run is
  first cancelled from inside its loop; code that holds the loop (and so
  cannot be cancelled) is then interrupted as Ctrl-C would (SIGINT to the
  main thread), which stops Python code and blocking system calls.  In a
  notebook (an event loop already runs in the main thread) or from another
  thread, the grading runs in a thread, where that last resort does not
  exist: code that never gives the loop back is left running after the
  limits' ``wall`` seconds, and said so.
* :func:`child_main`: the command line's subprocess (``python -m
  common.exercises.driver NAME FILE [LIMITS]``), with limits the code cannot lift:
  processor time, memory, no file written or changed (an audit hook, and a
  file size limit of 0), no connection but to this machine (an audit hook).
  It prints the runs as JSON on the standard output it was given, which
  nothing else may write to; when a budget runs out it prints what it has
  and exits.

Both take their real-time limits as a :class:`~common.exercises.watchdog.Limits`
(the defaults unless told; the child, as JSON in ``LIMITS``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from common.collecting import collecting_what_it_drops
from common.exercises.learner import Code, NotGradable, from_file
from common.exercises.model import Exercise, Run
from common.exercises.sandbox import Session, Stopped
from common.exercises.watchdog import Limits, Watchdog


def _top_level_capped(load: Callable[[], None]) -> None:
    """Run the file's top level with its output dropped (it is not graded)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    sink = io.StringIO()
    with redirect_stdout(sink), redirect_stderr(sink):
        load()
        sink.truncate(0)


def _grade(
    exercise: Exercise,
    load: Callable[[Callable[[Callable[[], None]], None]], Code],
    filename: str,
    stop: Callable[[str, str], None],
    sessions: list[Session],
    limits: Limits,
) -> list[Run]:
    watchdog = Watchdog(filename, limits=limits, stop=stop)
    watchdog.start()
    runs: list[Run] = []
    try:
        with collecting_what_it_drops():
            try:
                code = load(_top_level_capped)
            except NotGradable as exc:
                return [
                    Run(b, problem=exc.kind, message=exc.message, details=exc.details)
                    for b in exercise.backends
                ]
            for backend in exercise.backends:
                watchdog.restart()
                session = Session(exercise, code, backend, watchdog)
                sessions.append(session)
                runs.append(session.run())
    finally:
        watchdog.close()
    return runs


def runs_here(exercise: Exercise, code: Code, limits: Limits | None = None) -> list[Run]:
    """Grade code already loaded (a module or a function), in this process."""
    return runs_here_loading(exercise, lambda _: code, code.filename, limits)


def _loop_running() -> bool:
    """Is an event loop running in this thread (a notebook's kernel)?"""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def runs_here_loading(
    exercise: Exercise,
    load: Callable[[Callable[[Callable[[], None]], None]], Code],
    filename: str,
    limits: Limits | None = None,
) -> list[Run]:
    """Load the code under the watchdog (a file's top level), then grade it here.

    Where an event loop already runs in this thread (a Jupyter kernel runs
    one), a thread of its own does the grading, and this one waits for it.
    """
    limits = limits or Limits()
    if not _loop_running():
        return _runs_here(exercise, load, filename, limits)
    done: list[list[Run]] = []
    failed: list[BaseException] = []

    def grade() -> None:
        try:
            done.append(_runs_here(exercise, load, filename, limits))
        except BaseException as exc:  # ours, to raise in the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=grade, name="exercise grading", daemon=True)
    thread.start()
    thread.join(limits.wall)
    if failed:
        raise failed[0]
    if done:
        return done[0]
    message = (
        f"still running after {limits.wall:g} s of real time: code that never gives the"
        " loop back cannot be stopped from a notebook (restart the kernel)"
    )
    return [Run(b, problem="cpu", message=message) for b in exercise.backends]


def _runs_here(
    exercise: Exercise,
    load: Callable[[Callable[[Callable[[], None]], None]], Code],
    filename: str,
    limits: Limits,
) -> list[Run]:
    main = threading.get_ident() == threading.main_thread().ident
    stopped: list[tuple[str, str]] = []
    sessions: list[Session] = []
    # no interrupt may land once the grading is over: it would hit the caller
    lock = threading.Lock()
    finished = False

    def stop(kind: str, message: str) -> None:
        stopped.append((kind, message))
        # Again until it lands: asyncio's runner takes the first SIGINT as a
        # cancellation (which a held loop never sees), and signals sent
        # together count as one.
        pause = threading.Event()
        for _ in range(50):
            with lock:
                if finished or not main:
                    return
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            pause.wait(0.1)  # not time.sleep: the run has it move the virtual clock

    try:
        try:
            return _grade(exercise, load, filename, stop, sessions, limits)
        finally:
            with lock:
                finished = True
    except (Stopped, KeyboardInterrupt):
        if not stopped:
            raise
        kind, message = stopped[0]
        done = [s.result() for s in sessions[:-1]]
        last = sessions[-1].result(kind, message) if sessions else None
        rest = [Run(b, problem=kind, message=message) for b in exercise.backends[len(done) + 1 :]]
        return [*done, *([last] if last else []), *rest]


def _limit_resources(limits: Limits) -> None:
    import resource

    cpu = int(limits.cpu * 3) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing us
    gib = 2**31
    resource.setrlimit(resource.RLIMIT_AS, (gib, gib))


#: audit events that change files: none is allowed
_FILE_CHANGES = frozenset(
    {
        *("os.mkdir", "os.remove", "os.rename", "os.rmdir", "os.truncate", "os.chmod"),
        *("os.chown", "os.symlink", "os.link", "os.utime"),
        *("shutil.rmtree", "shutil.move", "shutil.copyfile"),
    }
)
#: nor may it start processes, or signal any
_PROCESSES = frozenset(
    {
        *("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn"),
        *("os.fork", "os.forkpty", "os.kill", "os.killpg", "pty.spawn"),
    }
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _guard(event: str, args: tuple[Any, ...]) -> None:
    """No file written or changed; no connection, no name to resolve, but on this machine."""
    if event == "open":
        mode, flags = args[1], args[2]
        if (isinstance(mode, str) and set(mode) & set("wax+")) or (flags or 0) & _WRITE_FLAGS:
            raise PermissionError(f"the grader allows no file to be written ({args[0]})")
    elif event in _FILE_CHANGES:
        raise PermissionError(f"the grader allows no file to be changed ({event})")
    elif event in _PROCESSES:
        raise PermissionError(f"the grader allows no other process ({event})")
    elif event == "socket.connect" or event == "socket.sendto":
        address = args[1]
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise PermissionError(f"the grader allows no network access (to {address[0]})")
    elif event == "socket.getaddrinfo" and args[0] not in (None, "127.0.0.1", "::1", "localhost"):
        raise PermissionError(f"the grader allows no network access (to {args[0]})")


def _before_the_guard(backends: tuple[str, ...]) -> None:
    """What the backends do once, and may not do under the guard: trio looks
    for a usable temporary directory (by writing to it) when it starts."""
    import tempfile

    if "trio" in backends:
        import trio  # noqa: F401  (its MockClock: common.virtual.mock_clock_class)

    tempfile.gettempdir()


def child_main(argv: list[str]) -> None:
    from common.exercises.catalogue import get

    exercise = get(argv[0])
    path = Path(argv[1])
    limits = Limits.from_json(json.loads(argv[2])) if len(argv) > 2 else Limits()
    # our result goes to the standard output we were given; the learner's
    # stray writes to file descriptors 1 and 2 go nowhere
    result = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    _before_the_guard(exercise.backends)
    _limit_resources(limits)
    sys.addaudithook(_guard)
    sessions: list[Session] = []
    lock = threading.Lock()

    def emit(runs: list[Run]) -> None:
        with lock:
            result.write(json.dumps([asdict(r) for r in runs]))
            result.flush()

    def stop(kind: str, message: str) -> None:
        done = [s.result() for s in sessions[:-1]]
        last = [sessions[-1].result(kind, message)] if sessions else []
        count = len(done) + len(last)
        rest = [Run(b, problem=kind, message=message) for b in exercise.backends[count:]]
        emit([*done, *last, *rest])
        os._exit(0)

    runs = _grade(exercise, lambda top: from_file(path, top), str(path), stop, sessions, limits)
    emit(runs)
    result.close()
    # now, without waiting for threads their code may have left running
    os._exit(0)


if __name__ == "__main__":
    child_main(sys.argv[1:])

"""The shared helpers of tests/harness.py that run lessons (continued from
tests/test_harness.py): :func:`run_main` in this process, :class:`ForkServer`'s
real processes.  Each is shown a right and a wrong case.
"""

import asyncio
import os
import re
import signal
import sys
import threading

import pytest

from common.runner import Lesson
from tests.harness import TIMEOUT, ForkServer, run_main

# -- a command line run in this process ----------------------------------------------


def test_run_main_gives_what_a_process_would_say(monkeypatch):
    ran = run_main("lessons_asyncio.w8s2", "--list", "--duration", "0")
    assert (ran.returncode, ran.stdout) == (2, "")
    assert ran.stderr.startswith("python -m lessons_asyncio.w8s2: error: argument --duration")
    # the run's environment is the run's only
    monkeypatch.setenv("LESSONS_VIRTUAL_TIME", "maybe")
    assert run_main("lessons_asyncio.w8s2", "--list").returncode == 0
    assert run_main("lessons_asyncio.w8s2", "--list", virtual=False).returncode == 0
    monkeypatch.delenv("LESSONS_VIRTUAL_TIME")
    strict = run_main("lessons_asyncio.w8s2", "--list", env={"LESSONS_VIRTUAL_TIME": "maybe"})
    assert strict.returncode == 2
    assert "LESSONS_VIRTUAL_TIME" not in os.environ


def test_run_main_writes_in_the_encoding_it_is_given():
    fake = Lesson("lessons_asyncio.fake")

    @fake.demo
    def accents():
        "prints a word with an accent, and fails"
        print("début")
        raise ValueError("échec")

    ascii = run_main(fake, "accents", encoding="ascii")
    assert ascii.stdout.splitlines()[1:] == ["d\\xe9but"]
    assert ascii.stderr == "error: accents failed: ValueError: \\xe9chec\n"
    assert ascii.returncode == 1
    assert run_main(fake, "accents").stdout.splitlines()[1:] == ["début"]


@pytest.mark.parametrize("left", ["excepthook", "thread", "context variable", "policy"])
def test_run_main_fails_on_what_a_run_leaves_behind(left):
    import contextvars

    fake = Lesson("lessons_asyncio.fake")
    var = contextvars.ContextVar("left")
    release = threading.Event()

    @fake.demo
    def leave():
        "leaves something behind"
        if left == "excepthook":
            sys.excepthook = print
        elif left == "thread":
            threading.Thread(target=release.wait, daemon=True).start()
        elif left == "policy":
            # (the run made asyncio's own before the demo: wrapped)
            asyncio.events._event_loop_policy = Policy(asyncio.events._event_loop_policy)
        else:
            var.set(1)

    class Policy:
        """Someone's own policy (asyncio's own inside)."""

        def __init__(self, inner):
            self._inner = inner

        def __getattr__(self, name):
            return getattr(self._inner, name)

    hook, policy = sys.excepthook, asyncio.events._event_loop_policy
    try:
        with pytest.raises(AssertionError, match="left behind"):
            run_main(fake)
    finally:
        sys.excepthook = hook
        asyncio.events._event_loop_policy = policy
        release.set()


def test_run_main_as_a_script_runs_the_module_as_main():
    main = sys.modules["__main__"]
    # (w8s7's tasks demo prints its task's name: module.function)
    ran = run_main("lessons_anyio.w8s7", "tasks", "--backend", "trio", as_script=True)
    assert "name: __main__.foo" in ran.stdout.splitlines()
    assert "name: lessons_anyio.w8s7.foo" in run_main("lessons_anyio.w8s7", "tasks").stdout
    assert sys.modules["__main__"] is main


# -- real processes forked by one interpreter -------------------------------------------


def test_the_fork_server_fixture_is_one_for_the_session(fork_server, request):
    assert isinstance(fork_server, ForkServer)
    assert request.getfixturevalue("fork_server") is fork_server


def test_a_fork_servers_child_is_a_real_process_of_its_own(fork_server):
    with fork_server.spawn("lessons_anyio.w8s8", "producer_consumer", "--duration", "600") as child:
        assert child.proc.pid not in (os.getpid(), fork_server._server.pid)
        child.wait_for(re.compile(r" got tick1\n"))  # (its time: real, not exact)
        child.ctrl_c()  # a real SIGINT, to that process only
        stopped = child.finish()
    assert (stopped.code, stopped.err) == (
        130,
        "interrupted (Ctrl-C): producer_consumer stopped, its cleanup ran\n",
    )
    assert stopped.out.splitlines()[-1] == "bye"


def test_a_fork_servers_child_ends_as_its_interpreter_would(fork_server):
    failed = fork_server.spawn("lessons_asyncio.w8s2", "--nope").finish()
    assert failed.code == 2 and "unrecognized arguments: --nope" in failed.err
    # the interpreter's own finalization runs: the warning of an unrun coroutine
    warned = fork_server.spawn("lessons_asyncio.w8s2", "morceaux", virtual=True).finish()
    assert warned.code == 0 and "Enable tracemalloc" in warned.err
    child = fork_server.spawn("lessons_asyncio.w8s8", "producer_consumer")
    with child, pytest.raises(AssertionError, match="still running after"):
        child.finish(timeout=0.2)
    assert child.proc.wait(TIMEOUT) == -signal.SIGKILL  # killed by close()


def test_a_fork_server_takes_only_the_python_options_it_can_give(fork_server):
    with pytest.raises(AssertionError):
        fork_server.spawn("lessons_asyncio.w8s2", python=("-X", "importtime"))
    with pytest.raises(AssertionError):
        fork_server.spawn("lessons_asyncio.w8s2", env={"PYTHONIOENCODING": "ascii"})

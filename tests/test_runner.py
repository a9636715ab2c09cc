"""The runner's less travelled paths, each as a user (or a notebook) meets it.

The lessons' own tests go through the common paths; branch coverage showed
these were left: Ctrl-C outside a demo's handler, a demo with a bug, the
Python API (``run``, ``run_anyio``, ``current_backend``), and misuse.
"""

import asyncio
import logging

import anyio
import pytest

from common.ctrl_c import Interrupt
from common.runner import (
    Lesson,
    current_backend,
    main,
    run,
    run_anyio,
    run_demo,
)
from tests.harness import lesson


@pytest.fixture(autouse=True)
def _virtual(monkeypatch):
    monkeypatch.setenv("LESSONS_VIRTUAL_TIME", "1")


def two_demos(flavour, first):
    """A lesson whose first demo is ``first``; the second says it ran."""
    fake = Lesson(f"lessons_{flavour}.fake")
    fake.demo(name="first")(first)

    @fake.demo
    def second():
        "must not run after Ctrl-C"
        print("second ran")

    return fake


def test_ctrl_c_outside_the_demo_handler(capsys):
    """A ``KeyboardInterrupt`` that the runner did not ask for (Ctrl-C before
    its handler is in place, between two demos): one line, exit 130, and no
    further demo."""

    def first():
        "interrupted"
        raise KeyboardInterrupt

    assert main(two_demos("asyncio", first), []) == 130
    out, err = capsys.readouterr()
    assert "second ran" not in out
    assert err == "interrupted (Ctrl-C)\n"


def test_ctrl_c_in_a_group_from_trio(capsys):
    """trio may deliver a Ctrl-C inside a task group's exception group."""

    async def first():
        "interrupted"
        raise BaseExceptionGroup("tasks", [KeyboardInterrupt()])

    assert main(two_demos("anyio", first), ["--backend", "trio"]) == 130
    out, err = capsys.readouterr()
    assert "second ran" not in out
    assert err == "interrupted (Ctrl-C)\n"


def test_a_group_without_ctrl_c_is_not_hidden():
    async def first():
        "exits"
        raise BaseExceptionGroup("tasks", [SystemExit(3)])

    with pytest.raises(BaseExceptionGroup):
        main(two_demos("anyio", first), [])


def test_a_demo_with_a_bug_is_one_line_and_the_next_demo_runs(capsys):
    def first():
        "buggy"
        raise ValueError("boom")

    assert main(two_demos("asyncio", first), []) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "second ran"
    assert err == "error: first failed: ValueError: boom\n"


def test_ctrl_c_before_the_demo_starts():
    """Pressed before the demo runs: the faithful demo does not start at all;
    the port's scope is cancelled before it starts: it stops at its first
    await.  Either way the demo is recorded as interrupted (exit 130)."""
    gather = lesson("asyncio", "w8s2")["gather"]
    record = run_demo(gather, virtual=True, echo=False, interrupt=Interrupt(requested=True))
    assert (record.stopped, record.duration, record.text()) == ("interrupt", 0, "")
    port = lesson("anyio", "w8s2")["gather"]
    record = run_demo(port, virtual=True, echo=False, interrupt=Interrupt(requested=True))
    assert (record.stopped, record.duration) == ("interrupt", 0)
    assert record.schedule() == [(0.0, "run1 début"), (0.0, "run2 début")]


def test_run_from_python():
    """``run(w8s2.gather)`` in a notebook: the function is found in its lesson."""
    import lessons_asyncio.w8s2 as w8s2

    record = run(w8s2.gather, virtual=True, echo=False)
    assert record.schedule()[-1] == (1.5, "['run1 par morceaux', 'run2 par morceaux']")
    assert run(w8s2.lesson["gather"], virtual=True, echo=False).schedule() == record.schedule()
    with pytest.raises(ValueError, match="is not a registered demo"):
        run(w8s2.morceaux)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_plain_port_demo_runs_its_own_loop_on_the_chosen_backend(backend):
    fake = Lesson("lessons_anyio.fake")
    seen = []

    async def inner(delay):
        await anyio.sleep(delay)
        seen.append((current_backend(), anyio.current_time()))

    @fake.demo
    def plain():
        "runs its own loop"
        run_anyio(inner, 5)

    run_demo(fake["plain"], backend=backend, virtual=True, echo=False)
    # the backend asked for, on a virtual clock: 5 s in no time
    assert seen == [(backend, 5.0)]
    assert current_backend() == "asyncio"  # outside the runner


def test_misuse_is_an_error():
    fake = Lesson("lessons_asyncio.fake")

    @fake.demo
    def once():
        "once"

    with pytest.raises(ValueError, match="registered twice"):
        fake.demo(name="once")(lambda: None)
    with pytest.raises(ValueError, match="unknown backend 'curio'"):
        run_demo(fake["once"], backend="curio")


def test_a_task_that_fails_as_the_runner_cancels_it_is_reported(caplog):
    """The runner cancels what a faithful demo left running; a task that
    raises instead of stopping is the lesson's error: asyncio's handler logs it."""
    fake = Lesson("lessons_asyncio.fake")

    async def stubborn():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise ValueError("not now") from None

    @fake.demo
    def leaves_a_task():
        "leaves a task"
        loop = asyncio.get_event_loop()
        task = loop.create_task(stubborn())
        loop.run_until_complete(asyncio.sleep(1))
        return task

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        run_demo(fake["leaves_a_task"], virtual=True, echo=False)
    [message] = [r.getMessage() for r in caplog.records if r.name == "asyncio"]
    assert message.startswith("unhandled exception while the runner closed the loop")


def test_ctrl_c_during_the_lessons_setup_waits_for_the_demo():
    """Ctrl-C while a faithful lesson's setup starts (w8s4's server thread):
    noted, not raised there (the setup would be left half-done, its thread
    never stopped); the demo does not run, the setup is undone, exit 130."""
    from contextlib import contextmanager

    fake = Lesson("lessons_asyncio.fake")
    interrupt = Interrupt()
    events = []

    def press():
        interrupt.press()  # what the command line's SIGINT handler does

    @contextmanager
    def setup(demo, options):
        press()  # Ctrl-C comes while the setup is half-way
        events.append("set up")
        try:
            yield {}
        finally:
            events.append("undone")

    fake.setup(setup)

    @fake.demo
    def demo():
        "never runs"
        events.append("demo ran")

    record = run_demo(fake["demo"], virtual=True, echo=False, interrupt=interrupt)
    assert events == ["set up", "undone"]
    assert record.stopped == "interrupt"


def test_ctrl_c_inside_a_library_call_leaves_no_socket_warning():
    """Ctrl-C lands in a library's ``connect()`` (requests, in w8s4): the
    socket it was connecting is freed with the interrupted frames, without
    ``ResourceWarning: unclosed <socket…>`` (that socket was not the lesson's)."""
    import socket
    import warnings

    fake = Lesson("lessons_asyncio.fake")
    interrupt = Interrupt()

    @fake.demo
    def connecting():
        "a library connects"
        sock = socket.socket()  # what urllib3 holds as the signal comes
        interrupt.press()  # the loop is not running: KeyboardInterrupt here
        sock.close()  # never reached

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = run_demo(fake["connecting"], virtual=True, echo=False, interrupt=interrupt)
    assert record.stopped == "interrupt"
    assert [str(w.message) for w in caught] == []

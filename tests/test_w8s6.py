"""w8s6: the timer and the fork timelines on virtual time, faithful and port;
the bound, ``--duration`` and Ctrl-C on the command line.

The command line runs in the test's process (:func:`tests.harness.run_main`)
but in ``test_cli_bound_is_the_video_ctrl_c_on_real_time`` and
``test_cli_ctrl_c_during_fork``, which need real processes: on real time, the
bound or a real SIGINT stops a demo whose tasks sleep (six processes at once).
"""

import re

import anyio
import pytest

from common.ctrl_c import Interrupt
from common.runner import interrupted
from tests.harness import faithful_record, port_record, run_main, twin_demos

pytestmark = pytest.mark.anyio

# start_timer() prints the zero line; time.sleep(1) moves the virtual clock one
# second without yielding; show_timer() then reads exactly one second.
TIMER = [(0.0, "---------- zero"), (1.0, "1s + 000ms message")]

# c1 starts as soon as the loop runs (0 s) and sleeps 1 s; then it prints
# forking and starts c2, which prints as soon as c1 awaits (still 1 s: forking
# comes first, c2 does not exist before it); c1 sleeps one more second (2 s),
# c2 two more (3 s).  Each time is the one the timer prints.
FORK = [
    (0.0, "---------- zero"),
    (0.0, "0s + 000ms >>> c1"),
    (1.0, "1s + 000ms forking"),
    (1.0, "1s + 000ms >>> c2"),
    (2.0, "2s + 000ms <<< c1"),
    (3.0, "3s + 000ms <<< c2"),
]

# c2_stop stops everything right after its last line: done at once, at 3 s.
FORK_STOP = [*FORK, (3.0, "done")]

# fork's default bound: a little past its last event (3 s), on no event.
BOUND = 3.5

CLI = [
    pytest.param(("lessons_asyncio.w8s6",), id="faithful"),
    pytest.param(("lessons_anyio.w8s6", "--backend", "asyncio"), id="port-asyncio"),
    pytest.param(("lessons_anyio.w8s6", "--backend", "trio"), id="port-trio"),
]


def test_twins_have_the_same_demos():
    assert twin_demos("w8s6") == ["timer", "fork", "fork_stop"]


def test_timer_faithful():
    record = faithful_record("w8s6", "timer")
    assert record.schedule() == TIMER
    assert record.duration == 1


async def test_timer_port():
    record = await port_record("w8s6", "timer")
    assert record.schedule() == TIMER
    assert record.duration == 1


def test_fork_faithful():
    record = faithful_record("w8s6", "fork")
    # nothing after 3 s, up to the bound, which presses Ctrl-C: bye
    assert record.schedule() == [*FORK, (BOUND, "bye")]
    assert record.text("stderr") == ""
    assert (record.stopped, record.duration) == ("bound", BOUND)


async def test_fork_port():
    record = await port_record("w8s6", "fork")
    assert record.schedule() == [*FORK, (BOUND, "bye")]
    assert record.text("stderr") == ""
    assert (record.stopped, record.duration) == ("bound", BOUND)


def test_fork_faithful_stays_quiet_up_to_a_later_bound():
    record = faithful_record("w8s6", "fork", duration=9.5)
    assert record.schedule() == [*FORK, (9.5, "bye")]
    assert (record.stopped, record.duration) == ("bound", 9.5)


async def test_fork_port_stays_quiet_up_to_a_later_bound():
    record = await port_record("w8s6", "fork", duration=9.5)
    assert record.schedule() == [*FORK, (9.5, "bye")]
    assert (record.stopped, record.duration) == ("bound", 9.5)


def test_fork_stop_faithful():
    record = faithful_record("w8s6", "fork_stop")
    # it ends by itself when c2_stop stops the loop, before its bound (3.5 s)
    assert record.schedule() == FORK_STOP
    assert record.text("stderr") == ""
    assert (record.stopped, record.duration) == (None, 3)


async def test_fork_stop_port():
    record = await port_record("w8s6", "fork_stop")
    assert record.schedule() == FORK_STOP
    assert record.text("stderr") == ""
    assert (record.stopped, record.duration) == (None, 3)


async def ctrl_c_at(seconds, demo):
    """Run a port demo and press Ctrl-C, as the command line's SIGINT handler
    does, after ``seconds`` of virtual time."""
    interrupt = Interrupt()

    async def press():
        await anyio.sleep(seconds)
        interrupt.press()

    async with anyio.create_task_group() as tg:
        tg.start_soon(press)
        return await port_record("w8s6", demo, interrupt=interrupt)


async def test_fork_port_says_bye_to_ctrl_c():
    # Ctrl-C at 1.5 s: c1 and c2 are asleep; the demo is cancelled, says bye
    # (only to Ctrl-C, as the seed), and neither task prints again.
    record = await ctrl_c_at(1.5, "fork")
    assert record.schedule() == [*FORK[:4], (1.5, "bye")]
    assert (record.stopped, record.duration) == ("interrupt", 1.5)


async def test_fork_stop_port_says_bye_but_not_done_to_ctrl_c():
    # The cancellation goes on past the task group: no done (a documented
    # difference: the seed swallows the KeyboardInterrupt and prints done).
    record = await ctrl_c_at(1.5, "fork_stop")
    assert record.schedule() == [*FORK[:4], (1.5, "bye")]
    assert record.stopped == "interrupt"


def test_interrupted_is_false_outside_a_demo():
    assert interrupted() is False


@pytest.mark.parametrize("command", CLI)
def test_cli_whole_lesson_ends_by_itself(command):
    result = run_main(*command)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    # a header per demo, then each demo's lines in order, and fork's bound note
    headers = [line.split(":")[0] for line in lines if line.startswith("=== ")]
    assert [header.split()[2] for header in headers] == ["timer", "fork", "fork_stop"]
    body = [line for line in lines if not line.startswith("=== ")]
    fork = [line for _, line in FORK]
    assert body == [
        *[line for _, line in TIMER],
        *fork,
        "bye",
        f"(Ctrl-C pressed by the bound after {BOUND:g} s; --duration S changes it)",
        *fork,
        "done",
    ]


@pytest.mark.parametrize("command", CLI)
def test_cli_duration_bounds_fork(command):
    # Stopped at 1.5 s: c2 has started at 1 s, c1 and c2 never print their end.
    result = run_main(*command, "fork", "--duration", "1.5")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:] == [
        *[line for _, line in FORK[:4]],
        "bye",
        "(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)",
    ]


@pytest.fixture(scope="module")
def real_time_runs(fork_server):
    """fork on real time in each version, six processes at once (they mostly
    wait): bounded at 1.5 s, and stopped by Ctrl-C as soon as its c2 runs
    (about 1 s in, a second before anything ends).  {(how, command): Finished}."""
    commands = [param.values[0] for param in CLI]
    children = {}
    try:
        for module, *args in commands:
            children["bound", module, *args] = fork_server.spawn(
                module, "fork", "--duration", "1.5", *args
            )
            children["ctrl_c", module, *args] = fork_server.spawn(
                module, "fork", *args
            ).ctrl_c_when(re.compile(r">>> c2\n"))
        return {key: child.finish() for key, child in children.items()}
    finally:
        for child in children.values():
            child.close()


@pytest.mark.parametrize("command", CLI)
def test_cli_bound_is_the_video_ctrl_c_on_real_time(real_time_runs, command):
    """Real time: the bound (1.5 s, while c1 and c2 sleep till 2 s and 3 s)
    presses Ctrl-C: bye, exit code 0, the runner's line."""
    finished = real_time_runs["bound", *command]
    assert (finished.code, finished.err) == (0, ""), (command, finished)
    assert [re.sub(r"^\d+s \+ \d{3}ms ", "", line) for line in finished.out.splitlines()[1:]] == [
        "---------- zero",
        ">>> c1",
        "forking",
        ">>> c2",
        "bye",
        "(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)",
    ], command


@pytest.mark.parametrize("command", CLI)
def test_cli_ctrl_c_during_fork(real_time_runs, command):
    """Real time: Ctrl-C as soon as c2 runs."""
    stopped = real_time_runs["ctrl_c", *command]
    assert stopped.pressed and stopped.code == 130, (command, stopped)
    # the seed's bye, after c2 started and before anything ended
    *_, before, last = stopped.out.splitlines()
    assert (before.endswith(">>> c2"), last) == (True, "bye"), (command, stopped)
    assert "<<<" not in stopped.out, command
    # one line, no traceback, no task destroyed while pending, no warning
    assert stopped.err == "interrupted (Ctrl-C): fork stopped, its cleanup ran\n", (
        command,
        stopped,
    )

"""w8s8: queues and limiting concurrency, faithful and port, on virtual time.

The window's timetable is the heart of the lesson: it is checked exactly on
the faithful version, and on the port on both backends, many times on trio
(whose scheduler breaks ties at random), with a check that a naive port
(jobs racing for the limiter) fails it.
"""

import asyncio
import gc
import math
import random
import re
import warnings

import anyio
import pytest

from common.helpsummary import help_summary
from common.runner import Lesson, arun
from common.timer import start_timer
from lessons_anyio.w8s8 import job
from tests.harness import (
    by_instant,
    ctrl_c_after,
    faithful_record,
    port_record,
    run_cli,
    twin_demos,
)

pytestmark = pytest.mark.anyio


# --------------------------------------------------------------------------
# window


def job_line(sign, i):
    return f"{sign} job{i} - duration {(i % 3) + 1}"


# The video's timetable, derived from the durations (i % 3) + 1, i.e.
# job0 1 s, job1 2 s, job2 3 s, job3 1 s, job4 2 s, job5 3 s, job6 1 s,
# job7 2 s, with 4 tokens taken by the jobs in the order 0, 1, 2, …:
#   0 s  jobs 0-3 take the 4 tokens and start; 4 waits (then 5, 6, 7)
#   1 s  job0 (0+1) and job3 (0+1) end: 2 tokens, jobs 4 and 5 start
#   2 s  job1 (0+2) ends: job6 starts
#   3 s  job2 (0+3), job4 (1+2), job6 (2+1) end: job7, the last, starts
#   4 s  job5 (1+3) ends
#   5 s  job7 (3+2) ends
WINDOW_EVENTS = [
    (0.0, [(">>>", 0), (">>>", 1), (">>>", 2), (">>>", 3)]),
    (1.0, [("<<<", 0), ("<<<", 3), (">>>", 4), (">>>", 5)]),
    (2.0, [("<<<", 1), (">>>", 6)]),
    (3.0, [("<<<", 2), ("<<<", 4), ("<<<", 6), (">>>", 7)]),
    (4.0, [("<<<", 5)]),
    (5.0, [("<<<", 7)]),
]


def timed(time, line):
    return f"{int(time)}s + {round(time % 1 * 1000):03d}ms {line}"


def window_schedule():
    """The timetable as the exact list of lines, in the order asyncio prints
    them: ``---------- zero`` first; at each instant the jobs that end before
    the jobs their tokens let start."""
    schedule = [(0.0, "---------- zero")]
    for time, events in WINDOW_EVENTS:
        schedule += [(time, timed(time, job_line(sign, i))) for sign, i in events]
    return schedule


def check_window(schedule):
    """The video's timetable, modulo the order of the lines of one instant,
    and never more than 4 jobs running, in the order the lines were printed
    (a job that starts at 1 s prints after the one whose token it takes)."""
    assert by_instant(schedule) == by_instant(window_schedule())
    running = set()
    for _, line in schedule[1:]:
        sign, name = line.split()[3:5]
        if sign == ">>>":
            running.add(name)
            assert len(running) <= 4, f"{sorted(running)} run at once"
        else:
            running.remove(name)
    assert not running


def test_window_faithful():
    record = faithful_record("w8s8", "window")
    # asyncio is deterministic, so the exact order is asserted: at 1 s, the
    # sleeps of job0 and job3 end in the order they began (0 before 3), and
    # each job's get() wakes the next waiting put() (4, then 5) at the next
    # turn of the loop, after both have printed; at 3 s, job2, job4 and job6
    # end in the order they went to sleep (0 s, 1 s, 2 s), then job7 starts.
    # (On a real clock the later sleeper's deadline is later by the few
    # microseconds its start was late; on the virtual clock the deadlines
    # are equal and the loop's timer heap, fed the same way every run, gives
    # them in that same order.)
    assert record.schedule()[:-1] == window_schedule()
    check_window(record.schedule()[:-1])
    # then nothing until the default bound presses Ctrl-C: the seed's bare
    # except says bye
    assert record.schedule()[-1] == (5.5, "bye")
    assert record.stopped == "bound"
    assert record.duration == 5.5


async def test_window_port(backend_name):
    # trio draws its tie-breaks afresh for each run: 50 runs of a design that
    # depended on them would pass by luck with a probability of 2 ** -50.
    runs = 50 if backend_name == "trio" else 2
    for _ in range(runs):
        record = await port_record("w8s8", "window")
        check_window(record.schedule())
        # the task group ends with the last job, at 5 s
        assert record.stopped is None
        assert record.duration == 5.0


def test_check_window_rejects_a_wrong_schedule():
    """The window check can fail: jobs taking the tokens out of order."""
    swap = {0: 7, 7: 0}
    wrong = [(0.0, "---------- zero")] + [
        (t, timed(t, job_line(sign, swap.get(i, i))))
        for t, events in WINDOW_EVENTS
        for sign, i in events
    ]
    with pytest.raises(AssertionError):
        check_window(wrong)
    # nor may a job start before the one it replaces has ended
    swapped = window_schedule()
    swapped[5], swapped[7] = swapped[7], swapped[5]  # ">>> job4" before "<<< job0"
    swapped[6], swapped[8] = swapped[8], swapped[6]
    with pytest.raises(AssertionError):
        check_window(swapped)


# What the port's docstring warns against: the same jobs, started with
# start_soon, racing for the limiter.  Built from the lesson's own job(),
# so the only difference from the port is start_soon instead of start.
naive = Lesson("lessons_anyio.w8s8_naive")


@naive.demo(name="window")
async def naive_window():
    """the port's jobs started with start_soon: they race for the tokens"""
    window = anyio.CapacityLimiter(4)
    async with anyio.create_task_group() as tg:
        start_timer()
        for i in range(8):
            tg.start_soon(job, i, window)


class _Batches(random.Random):
    """trio's scheduler reverses each batch of runnable tasks when
    ``_r.random() < 0.5`` (``trio._core._run``), then runs it from the end:
    forcing ``random()`` forces every batch in or out of spawn order."""

    def __init__(self, value):
        super().__init__(0)
        self.value = value

    def random(self):
        return self.value


# Tests about trio's scheduler run on trio only.
on_trio = pytest.mark.parametrize("anyio_backend", ["trio"], indirect=True)


@pytest.fixture
def trio_scheduler(monkeypatch, backend_name):
    """Set trio's tie-breaking: ``seed(n)`` or ``force(value)``."""
    assert backend_name == "trio"
    import trio

    run = trio._core._run
    assert isinstance(run._r, random.Random), "trio's scheduler no longer draws from _r"

    class Control:
        def seed(self, n):
            monkeypatch.setattr(run, "_r", random.Random(n))

        def force(self, value):
            monkeypatch.setattr(run, "_r", _Batches(value))

    return Control()


@on_trio
async def test_window_port_whatever_trio_order(trio_scheduler):
    """Reproducible: every batch in spawn order, every batch reversed, and 50
    seeded random draws; the port gives the video's timetable each time."""
    for value in (0.0, 0.9):
        trio_scheduler.force(value)
        check_window((await port_record("w8s8", "window")).schedule())
    for seed in range(50):
        trio_scheduler.seed(seed)
        check_window((await port_record("w8s8", "window")).schedule())


@on_trio
async def test_naive_window_fails_on_trio(trio_scheduler):
    """The naive port passes when trio runs the new tasks in spawn order, and
    fails when it runs them the other way round: jobs 7, 6, 5, 4 take the
    tokens at 0 s.  The tests above would catch that design."""
    trio_scheduler.force(0.0)  # reverse each batch: popped in spawn order
    check_window((await arun(naive["window"], echo=False)).schedule())
    trio_scheduler.force(0.9)  # keep each batch: popped last spawned first
    record = await arun(naive["window"], echo=False)
    first = sorted(line.split()[4] for t, line in record.schedule()[1:] if t == 0.0)
    assert first == ["job4", "job5", "job6", "job7"]
    with pytest.raises(AssertionError):
        check_window(record.schedule())
    # and left to chance, it fails within a few runs (each run: 1 in 2)
    trio_scheduler.seed(0)
    failures = 0
    for _ in range(20):
        try:
            check_window((await arun(naive["window"], echo=False)).schedule())
        except AssertionError:
            failures += 1
    assert failures > 0


# --------------------------------------------------------------------------
# producer_consumer


def ticks(bound):
    """The producer puts tick1 at once, then one tick a second (its sleeps);
    the consumer, waiting in get()/receive(), prints each at once: tickN at
    N - 1 seconds, for every whole second before the bound, nothing after."""
    return [(0.0, "---------- zero")] + [
        (float(n - 1), timed(n - 1, f"got tick{n}")) for n in range(1, math.ceil(bound) + 1)
    ]


def test_ticks_are_what_the_video_shows():
    assert ticks(5.5)[:3] == [
        (0.0, "---------- zero"),
        (0.0, "0s + 000ms got tick1"),
        (1.0, "1s + 000ms got tick2"),
    ]
    assert ticks(5.5)[-1] == (5.0, "5s + 000ms got tick6")
    assert ticks(2.5)[-1] == (2.0, "2s + 000ms got tick3")


def test_producer_consumer_faithful():
    record = faithful_record("w8s8", "producer_consumer")
    # the bound presses Ctrl-C: run_forever() raises KeyboardInterrupt, bye
    assert record.schedule() == [*ticks(5.5), (5.5, "bye")]
    assert record.stopped == "bound"
    assert record.duration == 5.5
    assert record.text("stderr") == ""


def test_producer_consumer_faithful_duration():
    record = faithful_record("w8s8", "producer_consumer", duration=2.5)
    assert record.schedule() == [*ticks(2.5), (2.5, "bye")]


async def test_producer_consumer_port():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = await port_record("w8s8", "producer_consumer")
        gc.collect()
    # the bound cancels the demo as Ctrl-C does: interrupted(), bye
    assert record.schedule() == [*ticks(5.5), (5.5, "bye")]
    assert record.stopped == "bound"
    assert record.duration == 5.5
    assert record.text("stderr") == ""
    # both ends were closed by their tasks' `async with`, though cancelled
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_producer_consumer_port_duration():
    record = await port_record("w8s8", "producer_consumer", duration=2.5)
    assert record.schedule() == [*ticks(2.5), (2.5, "bye")]


async def test_unclosed_stream_would_be_seen():
    """The ResourceWarning check above can fail: an end left open warns."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        send_stream, receive_stream = anyio.create_memory_object_stream[str](1)
        receive_stream.close()
        del send_stream
        gc.collect()
    assert any(issubclass(w.category, ResourceWarning) for w in caught)


# --------------------------------------------------------------------------
# queue_help

QUEUE_LINES = [
    "Help on class Queue in module asyncio.queues:",
    "Queue(maxsize=0)",
    "    A queue, useful for coordinating producer and consumer coroutines.",
    "Methods and properties it defines:",
]
QUEUE_MEMBERS = [
    "async get()",
    "async put(item)",
    "get_nowait()",
    "put_nowait(item)",
    "qsize()",
    "full()",
    "empty()",
    "maxsize",
    "task_done()",
    "async join()",
]
STREAM_LINES = [
    "Help on class create_memory_object_stream in module anyio:",
    "create_memory_object_stream(max_buffer_size=0, item_type=None)",
    "    Create a memory object stream.",
    "Help on class MemoryObjectSendStream in module anyio.streams.memory:",
    "Help on class MemoryObjectReceiveStream in module anyio.streams.memory:",
]
STREAM_MEMBERS = [
    "async send(item)",
    "send_nowait(item)",
    "async receive()",
    "receive_nowait()",
    "clone()",
    "close()",
    "async aclose()",
    "statistics()",
]


def members(text):
    """The labels of the member lines, in every "Methods and properties" list."""
    labels, inside = set(), False
    for line in text.splitlines():
        if line == "Methods and properties it defines:":
            inside = True
        elif not line.startswith("    "):
            inside = False
        elif inside:
            labels.add(line.strip().split("  ")[0])
    return labels


@pytest.fixture
def no_pager(monkeypatch):
    import pydoc

    def pager(*args, **kwargs):
        raise AssertionError("a pager was opened")

    monkeypatch.setattr(pydoc, "pager", pager)


def test_queue_help_faithful(no_pager):
    text = faithful_record("w8s8", "queue_help").text()
    assert text == help_summary(asyncio.Queue) + "\n"
    lines = text.splitlines()
    assert all(line in lines for line in QUEUE_LINES)
    assert set(QUEUE_MEMBERS) <= members(text)
    # no dunders, no inherited loop plumbing, no method resolution order
    assert "__init__" not in text and "_get_loop" not in text and "resolution" not in text


async def test_queue_help_port(no_pager):
    text = (await port_record("w8s8", "queue_help")).text()
    lines = text.splitlines()
    assert all(line in lines for line in STREAM_LINES)
    assert set(STREAM_MEMBERS) <= members(text)
    # the dataclasses' generated docstrings are replaced by their bases' ones
    assert "_state:" not in text and "'T_contra'" not in text
    assert "    (docstring of its base class ObjectSendStream)" in lines


def test_queue_help_is_deterministic():
    """Same text whatever the terminal's width, and no pager, on a terminal
    or not (the subprocess's stdout is a pipe; PAGER would fail loudly)."""
    narrow = run_cli("lessons_asyncio.w8s8", "queue_help", env={"COLUMNS": "20", "PAGER": "false"})
    wide = run_cli("lessons_asyncio.w8s8", "queue_help", env={"COLUMNS": "300", "PAGER": "false"})
    assert narrow.returncode == wide.returncode == 0
    assert narrow.stdout == wide.stdout
    assert narrow.stdout.split("\n", 1)[1] == help_summary(asyncio.Queue) + "\n"


def test_help_summary_of_a_function():
    def f(a: int, *, b: str = "x") -> None:
        """One line.

        More."""

    assert help_summary(f, "f") == (
        "Help on function f in module tests.test_w8s8:\n\n"
        "f(a, *, b='x')\n    One line.\n\n    More."
    )


# --------------------------------------------------------------------------
# command line and Ctrl-C


def test_twins_have_the_same_demos():
    assert twin_demos("w8s8") == ["queue_help", "producer_consumer", "window"]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cli_window_port(backend):
    result = run_cli("lessons_anyio.w8s8", "window", "--backend", backend)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"=== w8s8 window on {backend}:")
    assert by_instant([(0, line) for line in lines[1:]]) == by_instant(
        [(0, line) for _, line in window_schedule()]
    )


@pytest.mark.parametrize(
    "module, args",
    [
        ("lessons_asyncio.w8s8", ()),
        ("lessons_anyio.w8s8", ("--backend", "trio")),
    ],
)
def test_cli_all_demos(module, args):
    """A bare run shows the three demos in the video's order, and ends."""
    result = run_cli(module, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    headers = [
        line.split(":")[0].split()[2]
        for line in result.stdout.splitlines()
        if line.startswith("===")
    ]
    assert headers == ["queue_help", "producer_consumer", "window"]


@pytest.mark.parametrize(
    "module, args",
    [
        ("lessons_asyncio.w8s8", ()),
        ("lessons_anyio.w8s8", ("--backend", "asyncio")),
        ("lessons_anyio.w8s8", ("--backend", "trio")),
    ],
)
def test_cli_producer_consumer_duration_is_the_video_ctrl_c(module, args):
    """The bound presses Ctrl-C for the user: the seed's bye, exit code 0,
    one line from the runner saying so."""
    result = run_cli(module, "producer_consumer", "--duration", "2.5", *args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:] == [line for _, line in ticks(2.5)] + [
        "bye",
        "(Ctrl-C pressed by the bound after 2.5 s; --duration S changes it)",
    ]


def test_cli_window_faithful_bound_says_bye():
    """The seed's bare except catches the bound's Ctrl-C as the video's."""
    result = run_cli("lessons_asyncio.w8s8", "window")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-2:] == [
        "bye",
        "(Ctrl-C pressed by the bound after 5.5 s; --duration S changes it)",
    ]


CTRL_C = [
    pytest.param("lessons_asyncio", (), id="faithful"),
    pytest.param("lessons_anyio", ("--backend", "asyncio"), id="port-asyncio"),
    pytest.param("lessons_anyio", ("--backend", "trio"), id="port-trio"),
]


@pytest.mark.parametrize("package, args", CTRL_C)
@pytest.mark.parametrize("demo, after", [("producer_consumer", "got tick1"), ("window", ">>> job")])
def test_ctrl_c(package, args, demo, after):
    # Ctrl-C once a whole line with ``after`` is printed
    stopped = ctrl_c_after(
        f"{package}.w8s8",
        demo,
        *args,
        event=re.compile(re.escape(after) + ".*\n"),
        python=("-W", "always::ResourceWarning"),
    )
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert f"interrupted (Ctrl-C): {demo} stopped, its cleanup ran" in err
    for bad in ("Traceback", "Task was destroyed", "never retrieved", "ResourceWarning"):
        assert bad not in err
    lines = out.splitlines()
    assert "(Ctrl-C pressed by the bound" not in out
    # the seed's except clause says goodbye, and nothing comes after it; the
    # port says it when the runner's cancellation came from Ctrl-C
    assert lines[-1] == "bye"

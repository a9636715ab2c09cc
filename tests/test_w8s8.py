"""w8s8: queues and limiting concurrency, faithful and port, on virtual time.

The window's timetable is the heart of the lesson: it is checked exactly on
the faithful version, and on the port on both backends, many times on trio
(whose scheduler breaks ties at random), with a check that a naive port
(jobs racing for the limiter) fails it.
"""

import gc
import math
import random
import warnings

import anyio
import pytest

from common.runner import Lesson, arun
from common.timer import start_timer
from lessons_anyio.w8s8 import job
from tests.harness import (
    by_instant,
    faithful_record,
    port_record,
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

"""w8s9: the dots and crosses (a blocking step, breathing, a worker thread), on
virtual time, and worker threads on a virtual clock."""

import math
import time

import anyio
import pytest

from common.virtual import virtual_advance, virtual_hold
from common.virtual_sleep import blocking_sleep_moves_clock
from tests.harness import (
    faithful_record,
    port_record,
)
from tests.test_w8s9 import check_quiet
from tests.w8s9_support import asyncio_logs_on_stderr  # noqa: F401 (a fixture: asyncio's log on stderr)

pytestmark = pytest.mark.anyio

# -- pitfall 2: dots and crosses ---------------------------------------------


def lines_of(record):
    """Each line of dots and crosses: ``([(time, char)], time of its newline)``,
    times from the line's first character (the port labels its lines: the
    label is left out, its time is the line's start)."""
    result, current, start = [], [], None
    for t, c in record.characters():
        if start is None:
            start = t
        if c == "\n":
            result.append((current, round(t - start, 6)))
            current, start = [], None
        elif c in ".x":
            current.append((round(t - start, 6), c))
    assert not current, "the demo must end its line"
    return result


def timed(pairs):
    return [(round(t, 6), c) for t, c in pairs]


# countdown(10, .05) prints a dot, sleeps 0.05 s, eleven times (n = 10 … 0);
# compute(10, .05) sleeps 0.05 s then prints a cross, ten times, and never
# awaits.  countdown starts first and prints its dot at 0 s; compute then
# holds the loop 0.5 s, printing a cross every 0.05 s; countdown's sleep, due
# at 0.05 s, ends at 0.5 s, so its ten other dots come at 0.5, 0.55, … 0.95 s;
# its last sleep ends at 1 s, where the demo ends the line.
BLOCKING = (
    timed(
        [(0, ".")]
        + [(0.05 * k, "x") for k in range(1, 11)]
        + [(0.5 + 0.05 * k, ".") for k in range(10)]
    ),
    1.0,
)

# compute breathes after each cross (asyncio.sleep(0): its next step is
# scheduled behind what is ready).  A turn of asyncio's loop runs what was
# ready when it began: compute's step (0.05 s, a cross), then countdown's
# timer's callback once it is due, which makes countdown's step ready for
# the turn after.  So from a dot at t (countdown sleeps until t + 0.05): one
# turn where compute alone runs (cross at t + 0.05), one where the timer also
# fires (cross at t + 0.1), one where countdown runs after compute (cross at
# t + 0.15, then the dot): dots at 0, 0.15, 0.3, 0.45.  compute's last cross
# is at 0.5 s (the timer fired in that turn); compute ends in the next turn,
# countdown prints at 0.5 s, then every 0.05 s to 0.8 s; it ends at 0.85 s.
BREATHING = (
    timed(
        [(0, ".")]
        + [
            pair
            for start in (0, 0.15, 0.3)
            for pair in [
                (start + 0.05, "x"),
                (start + 0.1, "x"),
                (start + 0.15, "x"),
                (start + 0.15, "."),
            ]
        ]
        + [(0.5, "x")]
        + [(0.5 + 0.05 * k, ".") for k in range(7)]
    ),
    0.85,
)

# The sleep runs in a worker thread: the loop stays free, countdown keeps its
# pace (a dot every 0.05 s, 0 to 0.5 s, then its last sleep until 0.55 s).
# compute's thread sleeps from 0 s, so its crosses come at 0.05, … 0.5 s,
# each after the dot of that instant: countdown's timer and the thread's end
# at the same instant, and the thread's result still has to come back.
TO_THREAD = (
    timed([(0, ".")] + [pair for k in range(1, 11) for pair in [(0.05 * k, "."), (0.05 * k, "x")]]),
    0.55,
)


def test_expected_sequences_read_as_the_video():
    """The spelled-out schedules, as strings: what a student sees."""
    assert "".join(c for _, c in BLOCKING[0]) == ".xxxxxxxxxx.........."
    assert "".join(c for _, c in BREATHING[0]) == ".xxx.xxx.xxx.x......."
    assert "".join(c for _, c in TO_THREAD[0]) == "..x.x.x.x.x.x.x.x.x.x"


def test_blocking_faithful():
    record = faithful_record("w8s9", "blocking")
    assert lines_of(record) == [BLOCKING]
    assert round(record.duration, 6) == 1.0
    check_quiet(record)


def test_breathing_faithful():
    record = faithful_record("w8s9", "breathing")
    assert lines_of(record) == [BREATHING]
    assert round(record.duration, 6) == 0.85
    check_quiet(record)


async def test_blocking_port():
    # countdown takes its first step before compute starts (one checkpoint in
    # between), so trio's order of tasks started together plays no part.
    record = await port_record("w8s9", "blocking")
    assert lines_of(record) == [BLOCKING]
    assert round(record.duration, 6) == 1.0
    check_quiet(record)


def check_trio_breathing(line):
    """The interleavings trio may give (it runs the tasks that are ready at
    once in an order of its choosing, reversed at random):

    countdown wakes in the first batch that starts once its sleep is over,
    and compute, always ready, runs in every batch, before or after it.  So
    between two dots there are one or two crosses (never three, as asyncio's
    extra turn gives); a dot comes at the time of the cross before it (only
    compute's blocking sleeps move the clock); once compute is done (its last
    cross at 0.5 s), the next dot comes at 0.5 s, and the others every 0.05 s.
    """
    chars, end = line
    assert [p for p in chars if p[1] == "x"] == timed((0.05 * k, "x") for k in range(1, 11))
    assert [c for _, c in chars].count(".") == 11
    assert chars[0] == (0.0, ".")
    last_cross = max(i for i, (_, c) in enumerate(chars) if c == "x")
    during = chars[: last_cross + 1]
    runs = "".join(c for _, c in during).split(".")[1:]
    assert all(run in ("x", "xx") for run in runs[:-1]), runs
    assert runs[-1] in ("x", "xx"), runs
    assert all(t == during[i - 1][0] for i, (t, c) in enumerate(during) if c == "." and i)
    after = chars[last_cross + 1 :]
    assert after == timed((0.5 + 0.05 * k, ".") for k in range(len(after)))
    assert end == round(after[-1][0] + 0.05, 6)


async def test_breathing_port(backend_name):
    # trio: a few runs, each one of its random interleavings
    for _ in range(4 if backend_name == "trio" else 1):
        record = await port_record("w8s9", "breathing")
        labels = [line[:13] for _, line in record.lines()]
        assert labels == ["checkpoint() ", "to_thread    "]
        checkpoint, to_thread = lines_of(record)
        if backend_name == "asyncio":
            # anyio on asyncio: checkpoint() is asyncio.sleep(0), as in the video
            assert checkpoint == BREATHING
        else:
            check_trio_breathing(checkpoint)
        assert to_thread == TO_THREAD
        check_quiet(record)


def test_check_trio_breathing_rejects_asyncio_and_blocking():
    """The trio check must be able to fail: asyncio's three crosses in a row,
    blocking's ten."""
    with pytest.raises(AssertionError):
        check_trio_breathing(BREATHING)
    with pytest.raises(AssertionError):
        check_trio_breathing(BLOCKING)


# -- worker threads on a virtual clock (common/virtual.py) --------------------


async def test_thread_sleep_follows_the_virtual_clock():
    """``to_thread.run_sync(time.sleep, s)`` sleeps ``s`` virtual seconds
    without holding the loop, which keeps its own timers meanwhile."""
    ticks = []

    async def ticker():
        for _ in range(3):
            await anyio.sleep(0.1)
            ticks.append(round(anyio.current_time() - start, 6))

    start = anyio.current_time()
    with blocking_sleep_moves_clock(virtual_advance(), virtual_hold()):
        async with anyio.create_task_group() as tg:
            tg.start_soon(ticker)
            await anyio.to_thread.run_sync(time.sleep, 0.25)
            slept = round(anyio.current_time() - start, 6)
        # other work in a thread is left alone
        assert await anyio.to_thread.run_sync(lambda: 42) == 42
        # in the loop's thread, time.sleep still blocks: the clock moves at once
        time.sleep(0.5)  # noqa: ASYNC251 (blocks on purpose)
        assert round(anyio.current_time() - start, 6) == 0.8
    assert slept == 0.25
    assert ticks == [0.1, 0.2, 0.3]


async def test_thread_sleep_patch_is_undone(backend_name):
    real_run_sync, real_sleep = anyio.to_thread.run_sync, time.sleep
    hold = virtual_hold()
    with blocking_sleep_moves_clock(virtual_advance(), hold):
        assert anyio.to_thread.run_sync is not real_run_sync
    assert (anyio.to_thread.run_sync, time.sleep) == (real_run_sync, real_sleep)
    if backend_name == "trio":
        import trio

        clock = trio.lowlevel.current_clock()
        hold(+1)
        hold(+1)
        assert clock.autojump_threshold == math.inf
        hold(-1)
        assert clock.autojump_threshold == math.inf
        hold(-1)
        assert clock.autojump_threshold == 0


def test_no_hold_on_a_real_clock():
    assert virtual_hold() is None

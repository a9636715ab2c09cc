"""Virtual clocks (common/virtual.py): exact times, no waiting."""

import asyncio
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from common.virtual import VirtualEventLoop, backend_options, mock_clock_class, virtual_advance
from common.virtual_sleep import blocking_sleep_moves_clock
from tests.harness import ROOT

pytestmark = pytest.mark.anyio


def test_virtual_loop_jumps_to_the_next_timer():
    loop = VirtualEventLoop()
    woke = []

    async def sleeper(delay):
        await asyncio.sleep(delay)
        woke.append((delay, loop.time()))

    async def main():
        await asyncio.gather(sleeper(3600), sleeper(0.5), sleeper(86400 * 2))

    try:
        start = time.monotonic()
        loop.run_until_complete(main())
        real = time.monotonic() - start
    finally:
        loop.close()
    # exact virtual times, in order; and two virtual days took no real time at all
    # (the bound is far from any plausible run time: it only rules out waiting)
    assert woke == [(0.5, 0.5), (3600, 3600.0), (172800, 172800.0)]
    assert real < 60


def test_virtual_loop_waits_for_a_worker_thread():
    """A thread does real work: a pending timer must not be jumped over meanwhile."""
    loop = VirtualEventLoop()

    async def main():
        guard = asyncio.ensure_future(asyncio.sleep(10))
        result = await loop.run_in_executor(None, time.sleep, 0.05)
        still_pending = not guard.done()
        guard.cancel()
        return result, still_pending, loop.time()

    try:
        result, still_pending, now = loop.run_until_complete(main())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
    assert (result, still_pending) == (None, True)
    assert now < 10
    assert loop.waits_for_threads >= 1  # it waited for real, for the thread


def run_with_threads(main):
    """``main(loop)`` on a fresh virtual loop, its default executor joined after."""
    loop = VirtualEventLoop()
    try:
        result = loop.run_until_complete(main(loop))
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
    return loop, result


async def released_by_the_loop(loop, delay, *, says_it_waits):
    """A worker thread blocked until a timer of the loop, ``delay`` later,
    releases it (as w8s4's blocking client waits for the server's latency)."""
    released = threading.Event()
    thread = loop.run_in_executor(None, released.wait)
    if says_it_waits:
        loop.thread_waits(+1)
    await asyncio.sleep(delay)
    if says_it_waits:
        loop.thread_waits(-1)
    released.set()
    assert await thread is True
    return loop.time()


def test_a_thread_that_waits_for_the_loop_is_not_waited_for():
    """The clock jumps to the timer the thread waits for: exact, and no real wait."""

    async def main(loop):
        return await released_by_the_loop(loop, 5, says_it_waits=True)

    loop, now = run_with_threads(main)
    assert now == 5.0
    assert loop.waits_for_threads == 0


def test_a_thread_that_does_not_say_it_waits_is_waited_for():
    """The same thread, unsaid: the loop waits for real until its timer (the
    counter shows it; the test above can fail)."""

    async def main(loop):
        return await released_by_the_loop(loop, 0.05, says_it_waits=False)

    loop, now = run_with_threads(main)
    assert now == 0.05
    assert loop.waits_for_threads >= 1


def test_a_working_thread_is_waited_for_even_beside_one_that_waits():
    """Two threads busy, one of them waiting for the loop: the other works
    for real, and the timer that guards it must not be jumped over."""

    async def main(loop):
        released = threading.Event()
        waiting = loop.run_in_executor(None, released.wait)
        loop.thread_waits(+1)
        guard = asyncio.ensure_future(asyncio.sleep(10))
        await loop.run_in_executor(None, threading.Event().wait, 0.05)  # real work
        now, still_pending = loop.time(), not guard.done()
        guard.cancel()
        loop.thread_waits(-1)
        released.set()
        await waiting
        return now, still_pending

    loop, (now, still_pending) = run_with_threads(main)
    assert still_pending and now < 10
    assert loop.waits_for_threads >= 1


class SlowExecutor(ThreadPoolExecutor):
    """Every job starts ``delay`` real seconds late: a slow resolver, a loaded machine."""

    def __init__(self, delay):
        super().__init__(max_workers=2, thread_name_prefix="asyncio")
        self.delay = delay

    def submit(self, fn, /, *args, **kwargs):
        def late():
            threading.Event().wait(self.delay)
            return fn(*args, **kwargs)

        return super().submit(late)


def test_name_resolution_takes_no_virtual_time():
    """However long the resolver takes for real, the clock waits for it: a
    timer 10 ms ahead is still pending when the (100 ms) answer comes."""

    async def main(loop):
        loop.set_default_executor(SlowExecutor(0.1))
        guard = asyncio.ensure_future(asyncio.sleep(0.01))
        infos = await loop.getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM)
        now, still_pending = loop.time(), not guard.done()
        await guard
        return infos, now, still_pending, loop.time()

    _, (infos, now, still_pending, later) = run_with_threads(main)
    assert infos[0][4] == ("127.0.0.1", 80)
    assert (now, still_pending, later) == (0.0, True, 0.01)


def test_anyio_run_with_virtual_loop_shuts_down_cleanly():
    """anyio.run's asyncio.Runner joins the executor with a 300 s timeout on
    3.12+: on a virtual clock it must not expire (warnings are errors here)."""

    async def main():
        await anyio.to_thread.run_sync(time.sleep, 0.01)
        await anyio.sleep(5)
        return anyio.current_time()

    assert (
        anyio.run(main, backend="asyncio", backend_options=backend_options("asyncio", virtual=True))
        == 5.0
    )


async def test_blocking_sleep_advances_the_clock_without_yielding(backend_name):
    advance = virtual_advance()
    assert advance is not None
    other_ran = []

    async def other():
        other_ran.append(anyio.current_time())

    start = anyio.current_time()
    async with anyio.create_task_group() as tg:
        tg.start_soon(other)
        with blocking_sleep_moves_clock(advance):
            time.sleep(1.5)  # noqa: ASYNC251 (blocks: the other task has not run yet)
            assert other_ran == []
            assert anyio.current_time() - start == 1.5
    assert other_ran == [start + 1.5]


def test_real_time_is_left_alone():
    assert virtual_advance() is None
    with blocking_sleep_moves_clock(None):
        assert time.sleep.__module__ == "time"


def test_backend_options():
    assert backend_options("asyncio", virtual=False) == {}
    assert backend_options("asyncio", virtual=True) == {"loop_factory": VirtualEventLoop}
    assert type(backend_options("trio", virtual=True)["clock"]).__name__ == "MockClock"
    with pytest.raises(ValueError):
        backend_options("curio", virtual=True)


def test_trios_virtual_clock_is_its_mock_clock_without_trio_testing():
    import trio.testing

    assert mock_clock_class() is trio.testing.MockClock
    # trio.testing imports pytest where it is installed (as here): a process
    # that runs a demo on trio's virtual clock loads neither (w8s8's window
    # ends with job7, started at 3 s for 2 s: see tests/test_w8s8.py)
    code = (
        "import sys\n"
        "from common.runner import run_demo\n"
        "from lessons_anyio.w8s8 import lesson\n"
        "record = run_demo(lesson['window'], backend='trio', virtual=True, echo=False)\n"
        "print(record.duration, 'trio.testing' in sys.modules, 'pytest' in sys.modules)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert ran.stdout.split() == ["5.0", "False", "False"]

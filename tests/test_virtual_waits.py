"""A loop on a virtual clock that nothing can wake: what the exercises'
watchdog asks at each beat to say at once that code waits for ever.

``nothing_can_wake_it()`` is asked in the loop, as a callback, once every
task has blocked: true only when nothing but another thread could wake the
loop (no task ready, no timer, no file descriptor, no work in a thread, the
clock not held).  Each test makes one of these and checks the answer flips.
"""

import asyncio
import socket
import threading

import anyio
import pytest

from common.virtual import VirtualEventLoop, nothing_can_wake_it, virtual_hold

pytestmark = pytest.mark.anyio


def post(callback, *, from_a_thread=False):
    """Run ``callback`` in the running loop, between its tasks' steps."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        import trio

        soon = trio.lowlevel.current_trio_token().run_sync_soon
    else:
        soon = loop.call_soon_threadsafe if from_a_thread else loop.call_soon
    if from_a_thread:
        # as the watchdog posts its beat (asyncio: through the loop's wake-up pipe)
        thread = threading.Thread(target=soon, args=(callback,))
        thread.start()
        thread.join()
    else:
        soon(callback)


async def seen_from_the_loop(waiter, *, from_a_thread=False):
    """``nothing_can_wake_it()`` as a callback sees it, while ``waiter``
    (started in a task) and this task wait; then the waiter is cancelled."""
    answer = []
    looked = anyio.Event()

    def look():
        answer.append(nothing_can_wake_it())
        looked.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        await anyio.wait_all_tasks_blocked()
        post(look, from_a_thread=from_a_thread)
        await looked.wait()
        tg.cancel_scope.cancel()
    return answer[0]


async def never_set():
    await anyio.Event().wait()


async def test_a_wait_for_an_event_nobody_sets_cannot_be_woken(anyio_backend):
    assert await seen_from_the_loop(never_set) is True


async def test_a_beat_from_another_thread_is_not_something_left_to_run(anyio_backend):
    assert await seen_from_the_loop(never_set, from_a_thread=True) is True


async def test_a_timer_will_wake_it(anyio_backend):
    async def sleeps():
        await anyio.sleep(3600)

    assert await seen_from_the_loop(sleeps) is False


async def test_a_socket_may_wake_it(anyio_backend):
    left, right = socket.socketpair()
    with left, right:

        async def reads():
            await anyio.wait_readable(left)

        assert await seen_from_the_loop(reads) is False


async def test_a_clock_held_for_a_thread_may_move(anyio_backend):
    hold = virtual_hold()
    assert hold is not None
    hold(+1)
    try:
        assert await seen_from_the_loop(never_set) is False
    finally:
        hold(-1)


def test_a_thread_of_the_loop_at_work_may_wake_it():
    loop = VirtualEventLoop()
    release = threading.Event()

    async def main():
        work = loop.run_in_executor(None, release.wait)
        answer = await seen_from_the_loop(never_set)
        release.set()
        await work
        return answer

    try:
        assert loop.run_until_complete(main()) is False
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def test_a_loop_stopping_will_go_on_with_the_code_that_ran_it():
    loop = VirtualEventLoop()
    answer = []

    def look_as_it_stops():
        loop.stop()
        answer.append(loop.nothing_can_wake_it())

    try:
        loop.call_soon(look_as_it_stops)
        loop.run_forever()
    finally:
        loop.close()
    assert answer == [False]


def test_on_a_real_clock_it_cannot_tell():
    async def main():
        answer = []
        asyncio.get_running_loop().call_soon(lambda: answer.append(nothing_can_wake_it()))
        await asyncio.sleep(0)
        return answer

    assert asyncio.run(main()) == [False]

"""What a run drops is collected after it, the older heap set aside meanwhile
(``common.collecting``: the runner, the exercises' grader and w8s9's cases
use it)."""

import gc
import re
import threading
import warnings

from common.collecting import collecting_what_it_drops


async def dropped():
    pass


def never_awaited_in_a_cycle():
    # freed only by the collector: a coroutine in a reference cycle
    cycle = [dropped()]
    cycle.append(cycle)


def messages(caught):
    return [re.sub(r"'.*'", "…", str(w.message)) for w in caught]


def test_what_a_block_drops_in_a_cycle_warns_at_its_end():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with collecting_what_it_drops():
            assert gc.get_freeze_count() > 0  # the older heap is set aside
            never_awaited_in_a_cycle()
            assert caught == []  # not yet: only the collector frees it
        assert messages(caught) == ["coroutine … was never awaited"]
    assert gc.get_freeze_count() == 0  # thawed


def test_blocks_nest_the_heap_stays_frozen_until_the_outermost_ends():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with collecting_what_it_drops():
            with collecting_what_it_drops():
                never_awaited_in_a_cycle()
            # the inner block collected at its end, and left the heap frozen
            assert messages(caught) == ["coroutine … was never awaited"]
            assert gc.get_freeze_count() > 0
            never_awaited_in_a_cycle()
        assert len(caught) == 2
    assert gc.get_freeze_count() == 0


def test_a_freeze_made_before_is_thawed_with_the_runs():
    # Python has one permanent generation: what was frozen before (CPython
    # 3.12 freezes a few hundred objects as it starts) is thawed at the end
    gc.freeze()
    with collecting_what_it_drops():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_blocks_in_two_threads_thaw_once_both_end():
    inside, leave = threading.Event(), threading.Event()

    def other():
        with collecting_what_it_drops():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    try:
        assert inside.wait(10)
        with collecting_what_it_drops():
            pass
        assert gc.get_freeze_count() > 0  # the other thread's block is still open
    finally:
        leave.set()
        thread.join(10)
    assert gc.get_freeze_count() == 0

"""What a run drops is collected after it, the older heap set aside meanwhile
(``common.collecting``: the runner, the exercises' grader and w8s9's cases
use it)."""

import gc
import importlib.util
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


def tracked(thing):
    """Is ``thing`` in the collector's generations (not frozen)?"""
    return any(obj is thing for obj in gc.get_objects())


def fresh_collecting():
    # common.collecting as imported now: what is frozen at this moment is
    # what it finds at its import
    spec = importlib.util.find_spec("common.collecting")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.collecting_what_it_drops


def test_a_freeze_made_before_the_import_is_thawed_with_the_runs():
    # Python has one permanent generation: what was frozen before the module
    # was imported (CPython 3.12 freezes a few hundred objects as it starts)
    # is thawed at the end
    marker = []
    gc.freeze()
    try:
        collecting = fresh_collecting()
        with collecting():
            assert not tracked(marker)
        assert tracked(marker)  # thawed
    finally:
        gc.unfreeze()


def test_a_freeze_the_host_makes_is_kept_and_what_the_block_drops_collected():
    # a host that froze its heap since (a server that forks) keeps its
    # freeze; the block collects what is not frozen: what it dropped
    collecting = fresh_collecting()
    marker = []  # an object of the host's, frozen with its heap
    gc.freeze()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with collecting():
                never_awaited_in_a_cycle()
                assert caught == []
            assert messages(caught) == ["coroutine … was never awaited"]
        assert not tracked(marker)  # still frozen
    finally:
        gc.unfreeze()


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

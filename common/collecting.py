"""Collect what a run drops, looking only at what the run made.

A coroutine dropped without being awaited warns when it is freed, and a task
dropped with an exception says "Task exception was never retrieved" when it
is collected: the runner collects at the end of a demo, while its recording
still runs, so that these lines belong to the demo that made them rather than
to whatever runs next.  The exercises' grader and ``common.outcome`` do the
same for the learner's code and for w8s9's cases.

A full collection walks the whole heap: tens of milliseconds in a test
process, some 150 ms in a Jupyter kernel, more than most demos take.  The
objects that were there before the run are not the run's, so they are set
aside meanwhile (``gc.freeze``) and the collection looks only at the run's.

The blocks nest, in any thread: the outermost freezes the heap, each
collects at its end, the outermost thaws it.  Python has one permanent
generation: a freeze made before this module was imported (the few hundred
objects CPython 3.12 freezes as it starts) is thawed with it, which changes
only how often the collector looks at those objects.  A freeze made since is
the host's own (a server that imports, freezes its heap and forks, as the
tests' fork server does) and is kept: the block then freezes nothing and
collects what is not frozen, the objects made since the host's freeze.
Thawing it would make every later collection, the one as the interpreter
exits included, walk the whole heap the host set aside.  Two runs at once in
two threads only make the later collection look at a little more: nothing
else depends on it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# gc.freeze is process-wide, so the count of open blocks is too, and whether
# the outermost froze the heap (and so thaws it).
_lock = threading.Lock()
_open = 0
_froze = False
#: objects frozen before this module was imported: not a freeze of the host's
_FROZEN_AT_IMPORT = gc.get_freeze_count()


@contextmanager
def collecting_what_it_drops() -> Iterator[None]:
    """Run the block with the older objects set aside, then collect."""
    global _open, _froze
    with _lock:
        if _open == 0:
            _froze = gc.get_freeze_count() <= _FROZEN_AT_IMPORT
            if _froze:
                gc.freeze()
        _open += 1
    try:
        yield
    finally:
        try:
            gc.collect()
        finally:
            with _lock:
                _open -= 1
                if _open == 0 and _froze:
                    gc.unfreeze()

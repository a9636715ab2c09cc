"""The course's timer: ``start_timer()`` and ``show_timer(*args)``.

The videos paste the same helper at the top of several scripts ("pour remplacer
'from asynchelpers import start_timer, show_timer'"); here it is shared, so the
lessons import it as the course meant to.  The output format is the course's::

    ---------- zero
    1s + 000ms >>> c2

Differences from the pasted helper, both needed to test schedules exactly:

* the time is read from the clock of the event loop that runs the demo (a
  virtual clock in the tests), not from ``datetime.now()``;
* the elapsed time is rounded to the millisecond before it is split, so that a
  virtual 0.9999999 s prints ``1s + 000ms`` rather than ``0s + 999ms``.

The start time is not a module global: it lives in a :class:`Timer` that the
runner creates for each demo (see :func:`use_timer`), so nothing leaks from one
demo, or one test, to the next.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from common.clock import Clock, best_clock


def format_elapsed(seconds: float) -> str:
    """``1.5`` → ``'1s + 500ms'``: the course's format, rounded to the ms."""
    total_ms = max(0, round(seconds * 1000))
    whole, ms = divmod(total_ms, 1000)
    return f"{whole}s + {ms:03d}ms"


class Timer:
    """A start time, and the clock it was read from.

    ``clock`` is fixed by the runner when it knows which loop will run the
    demo (the faithful code starts the timer *before* ``run_forever()``); when
    it is ``None`` the clock of the running loop is used, else a monotonic one.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock
        self.start: float | None = None

    def now(self) -> float:
        return (self.clock or best_clock())()

    def start_timer(self) -> None:
        print("---------- zero")
        self.start = self.now()

    def elapsed(self) -> float:
        if self.start is None:
            # The pasted helper would crash here (None - datetime); say why.
            raise RuntimeError("show_timer() called before start_timer()")
        return self.now() - self.start

    def show_timer(self, *args: object) -> None:
        print(format_elapsed(self.elapsed()), *args)


# The Timer object is shared by reference: tasks copy the context when they
# are created, possibly before start_timer() runs, and must still see its start.
_current: contextvars.ContextVar[Timer | None] = contextvars.ContextVar(
    "lessons_timer", default=None
)


def current_timer() -> Timer:
    """The timer of the running demo (one is made if none was installed)."""
    timer = _current.get()
    if timer is None:
        timer = Timer()
        _current.set(timer)
    return timer


@contextmanager
def use_timer(timer: Timer) -> Iterator[Timer]:
    """Install ``timer`` as the current one for the duration of a demo."""
    token = _current.set(timer)
    try:
        yield timer
    finally:
        _current.reset(token)


def start_timer() -> None:
    """Print ``---------- zero`` and start counting from now."""
    current_timer().start_timer()


def show_timer(*args: object) -> None:
    """Print the time since ``start_timer()``, then ``args``, as ``print`` would."""
    current_timer().show_timer(*args)

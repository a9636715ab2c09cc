"""The budgets: processor time, virtual time, and a loop that stops answering.

A thread watches the run.  Every ``tick`` it posts a *beat* (an empty
callback) to the event loop; a loop that runs callbacks answers at once.
The real-time limits are the fields of :class:`Limits` (its defaults are the
ones learners get; tests pass smaller ones).  Real time is counted as the
watchdog sees it: on a machine so busy that the watchdog itself looks late,
the time it was kept from looking does not count against the learner's code.

* A beat left unanswered means the loop is held: the learner's code runs
  without giving it back (a busy loop, a blocking call), while the virtual
  clock stands still.  Held for ``held_cpu`` of the main thread's
  processor time (a computation), or for ``held`` of real time (a call
  that waits), the place in their code is noted once (a "blocking call").
  A short hold is not one: making an HTTP client loads certificates, which
  takes a few milliseconds, and more on a busy machine.
* More than ``cpu`` seconds of processor time, or a loop held for as
  long in real time: an endless loop.
* A virtual clock past the virtual budget: it runs too long.
* A loop that has nothing left to do waits for ever.  Each beat looks, in
  the loop: nothing else ready, no timer, no file descriptor, no thread that
  was not there before the learner's code (:func:`common.virtual.nothing_can_wake_it`):
  nothing will ever wake it, said at the next tick.  Where a thread or a
  socket could still wake it, a loop that answers, but neither moves its
  clock, nor runs the learner's code, nor spends more than ``busy`` of the
  time on the processor for ``idle``, waits for ever too.  The run has no
  deadline of its own, so that a loop with nothing to do really waits.

Then the run is first asked to stop from inside the loop (``cancel``, posted
like a beat: the run's cancel scope, or ``loop.stop``); if it is still running
``grace`` later, it is stopped from outside (``stop``, the caller's: in the
command line's subprocess, end the process; in a notebook, interrupt the
main thread).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass
from typing import Any

from common.exercises.model import Blocking


@dataclass(frozen=True)
class Limits:
    """The grading's real-time limits, in seconds (``busy`` is a share)."""

    #: processor time a run may use (and real time a loop may be held)
    cpu: float = 2.0
    #: how often the watchdog looks
    tick: float = 0.02
    #: real time, and processor time, a loop held is a blocking call after
    held: float = 0.8
    held_cpu: float = 0.2
    #: real time a loop with nothing to do is waiting for ever after
    idle: float = 1.0
    #: the share of real time a waiting loop may spend on the processor (beats;
    #: trio's clock looking for a timer every few milliseconds)
    busy: float = 0.1
    #: real time between asking the run to stop and stopping it from outside
    grace: float = 1.0
    #: real time before the grading is given up: the command line ends its
    #: subprocess, a notebook stops waiting for its thread
    wall: float = 60.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Limits:
        return cls(**{k: float(v) for k, v in data.items()})


#: ticks a look of the watchdog counts for at most (see Watchdog._watched_time)
LATE = 3
#: virtual seconds past which a clock has jumped to a sleep without end
FOREVER = 1e9

OUTSIDE = "outside your file"
#: asyncio's loop, below which a task's frames are never found
_LOOP_FRAMES = frozenset({"_run_once", "run_forever"})
Post = Callable[[Callable[[], object]], object]


def learner_place(frame: object, filename: str) -> str:
    """``line 12, in main: time.sleep(1)``: the innermost frame of their file."""
    import linecache

    while frame is not None:
        code = frame.f_code  # type: ignore[attr-defined]
        if code.co_filename == filename:
            line = frame.f_lineno  # type: ignore[attr-defined]
            source = linecache.getline(filename, line).strip()
            return f"line {line}, in {code.co_name}" + (f": {source}" if source else "")
        frame = frame.f_back  # type: ignore[attr-defined]
    return OUTSIDE


class Watchdog(threading.Thread):
    def __init__(
        self,
        filename: str,
        *,
        limits: Limits,
        stop: Callable[[str, str], None],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name="exercise watchdog", daemon=True)
        self.filename = filename
        self._monotonic = monotonic
        #: the real time the watchdog saw (see _watched_time), and when it last looked
        self._watched = 0.0
        self._looked = monotonic()
        self.limits = limits
        self.cpu_budget = limits.cpu
        self._stop_run = stop
        self._main = threading.get_ident()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self.blocking: list[Blocking] = []
        self.stopped: str | None = None
        #: why the run was asked to stop from inside: (kind, message)
        self.soft: tuple[str, str] | None = None
        self._cancel: Callable[[], object] | None = None
        self._soft_at = 0.0
        self._post: Post | None = None
        self._clock: Callable[[], float] = lambda: 0.0
        self._origin = 0.0
        self._virtual_limit = float("inf")
        #: the threads before the learner's code: one of theirs could wake a loop
        self._threads = frozenset(threading.enumerate()) | {self}
        self._nothing_can_wake_it: Callable[[], bool] = lambda: False
        self._reset()

    def _reset(self) -> None:
        self._cpu0 = time.process_time()
        self._sent: float | None = None
        self._sent_cpu = 0.0
        self._places: set[str] = set()
        self._quiet_since = self._watched
        self._last_clock: float | None = None
        self._quiet_cpu = self._main_cpu()
        #: what the last beat saw: the loop has nothing left that could wake it
        self._for_ever = False

    def attach(
        self,
        post: Post,
        clock: Callable[[], float],
        origin: float,
        virtual_limit: float,
        cancel: Callable[[], object],
        nothing_can_wake_it: Callable[[], bool] = lambda: False,
    ) -> None:
        """Watch a loop from now on (budgets start again for each backend).
        ``nothing_can_wake_it`` is asked in the loop, at each beat."""
        with self._lock:
            self._post, self._clock, self._origin = post, clock, origin
            self._virtual_limit, self._cancel = virtual_limit, cancel
            self._nothing_can_wake_it = nothing_can_wake_it
            self._reset()

    def detach(self) -> None:
        with self._lock:
            self._post = None

    def restart(self) -> None:
        """A new phase without a loop (a file's top level, a new backend)."""
        with self._lock:
            self._post, self._cancel, self.soft = None, None, None
            self.blocking = []
            self._reset()

    def close(self) -> None:
        self._done.set()

    def _beat(self) -> None:
        # in the loop, between two of its callbacks: an exception here would
        # be the loop's (on trio, the end of the run), so none leaves
        try:
            alone = set(threading.enumerate()) <= self._threads
            self._for_ever = alone and self._nothing_can_wake_it()
        except Exception:
            self._for_ever = False
        self._sent = None

    def run(self) -> None:
        while not self._done.wait(self.limits.tick):
            with self._lock:
                reason = self._check()
                if self.soft is not None and self._monotonic() - self._soft_at > self.limits.grace:
                    reason = self.soft
                elif reason is not None and self._post is not None and self._cancel:
                    # ask the loop to stop the run: it answers unless it is held
                    if self.soft is None:
                        self.soft, self._soft_at = reason, self._monotonic()
                        self._sent = None
                        with suppress(Exception):  # the loop is closing: it stops anyway
                            self._post(self._cancel)
                    reason = None
            if reason is not None:
                kind, message = reason
                self.stopped = kind
                self._stop_run(kind, message)
                return

    def _now(self) -> float:
        try:
            return self._clock() - self._origin
        except Exception:
            return 0.0

    def _where(self) -> str:
        frame = sys._current_frames().get(self._main)
        return learner_place(frame, self.filename)

    def _main_cpu(self) -> float:
        """The main thread's processor time (the process's, where unknown)."""
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(self._main))
        except (AttributeError, OSError):
            return time.process_time()

    def _learner_running(self) -> bool:
        """Is their code running right now: a frame of their file on the main
        thread's stack, above the event loop's own (a ``main(loop)`` that runs
        the loop is below it, and waits)?"""
        frame = sys._current_frames().get(self._main)
        while frame is not None:
            code = frame.f_code
            if code.co_filename == self.filename:
                return True
            if code.co_name in _LOOP_FRAMES and "asyncio" in code.co_filename:
                return False
            frame = frame.f_back
        return False

    def _watched_time(self) -> float:
        """Real time as the watchdog saw it: each look counts for at most
        :data:`LATE` ticks since the one before.  A watchdog that looks late
        was itself kept from running (a machine busy with other work), and
        most likely so was the loop it watches: that time is not the loop's
        fault.  A loop held by a call that waits lets the watchdog look on time."""
        real = self._monotonic()
        self._watched += min(real - self._looked, LATE * self.limits.tick)
        self._looked = real
        return self._watched

    def _check(self) -> tuple[str, str] | None:
        now = self._watched_time()
        cpu = time.process_time() - self._cpu0
        held_for = 0.0
        if self._post is not None:
            if self._sent is None:
                self._sent, self._sent_cpu = now, self._main_cpu()
                try:
                    self._post(self._beat)
                except Exception:  # the loop is closed or closing: nothing to watch
                    self._post = None
                    self._sent = None
            else:
                held_for = now - self._sent
        limits = self.limits
        if held_for > limits.held or (
            held_for and self._main_cpu() - self._sent_cpu > limits.held_cpu
        ):
            where = self._where()
            if where not in self._places:
                self._places.add(where)
                what = "your code kept the loop, without an await, for too long"
                self.blocking.append(Blocking(round(self._now(), 3), what, where))
        # without a loop (a file's top level), real time counts as well
        loopless = self._post is None and now - self._quiet_since > self.cpu_budget
        if held_for > self.cpu_budget and cpu <= self.cpu_budget:
            return "held", (
                f"your code kept the loop for over {self.cpu_budget:g} s without an await"
                f" ({self._where()}), at {self._now():g} s of virtual time"
            )
        if cpu > self.cpu_budget or loopless:
            where = self._where()
            at = f" ({where})" if where != OUTSIDE else ""
            return "cpu", (
                f"stopped after {self.cpu_budget:g} s of processor time{at},"
                f" at {self._now():g} s of virtual time: an endless loop?"
            )
        if self._post is None:
            return None
        clock = self._now()
        if clock > FOREVER:
            # asyncio's sleep(inf) is a timer at infinity: the clock jumped there
            return "idle", (
                "your code waits for ever: nothing is left to run but a sleep that never ends"
            )
        if clock > self._virtual_limit:
            return "virtual", (
                f"your code was still running at {self._virtual_limit:g} s of virtual time"
            )
        quiet_for = now - self._quiet_since
        main_cpu = self._main_cpu()
        if clock != self._last_clock or self._learner_running():
            # time passes, or their code runs (a loop of sleep(0)): not idle
            self._last_clock = clock
            self._quiet_since, self._quiet_cpu = now, main_cpu
        elif quiet_for > limits.idle and main_cpu - self._quiet_cpu > quiet_for * limits.busy:
            # the loop keeps running (a loop of sleep(0), which lets no time
            # pass): the processor-time budget will stop it, if it never ends
            self._quiet_since, self._quiet_cpu = now, main_cpu
        elif self._for_ever or quiet_for > limits.idle:
            return "idle", (
                f"your code waits for ever at {clock:g} s: nothing is left to run"
                " and nothing will wake it up"
            )
        return None

"""What the Ctrl-C tests share: which demos they interrupt, with which seed,
and each demo run alone on virtual time to compare with.

See tests/test_ctrl_c.py (virtual time) and tests/test_ctrl_c_real.py for what they
check.  The seed changes from run to run; set ``LESSONS_CTRL_C_SEED`` to replay
one (every failure message gives it, with the moment).
``LESSONS_CTRL_C_MOMENTS`` (default 3) and ``LESSONS_CTRL_C_REAL`` (default 1;
0: none) set how many random moments each demo gets, on virtual and on real
time (on virtual time, moments at which Ctrl-C lands at the same instant are
one run).
"""

import contextlib
import dataclasses
import os
import random
import signal
import threading
import warnings

import pytest

from common.collecting import collecting_what_it_drops
from common.ctrl_c import Interrupt, handling_sigint
from common.runner import run_demo
from common.virtual import VirtualEventLoop, mock_clock_class, repeatable_trio
from tests.harness import lesson, lesson_names, modern_lesson_names


def _seed():
    if os.environ.get("LESSONS_CTRL_C_SEED"):
        return int(os.environ["LESSONS_CTRL_C_SEED"])
    # pytest-xdist's workers share the run's id: one seed for the whole run
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run_id:
        return int(run_id[:12], 16) % 10**6
    return random.SystemRandom().randrange(10**6)


SEED = _seed()
MOMENTS = int(os.environ.get("LESSONS_CTRL_C_MOMENTS") or 3)
REAL_MOMENTS = int(os.environ.get("LESSONS_CTRL_C_REAL") or 1)
#: Real-time Ctrl-C comes after a line printed in the demo's first second at
#: most (the suite stays fast).
REAL_HORIZON = 1.0
#: Demos that show an unretrieved task exception on purpose (on stderr).
SHOWS_NEVER_RETRIEVED = {("w8s9", "asyncio", "boom")}
#: Demos whose pitfall is a coroutine left unrun: Python warns when it goes,
#: stopped early or not (the video's and the port; the modern version closes
#: it).
SHOWS_NEVER_AWAITED = {
    ("w8s2", "morceaux"): "coroutine 'morceaux' was never awaited",
    ("w8s9", "coroutine_object"): "coroutine 'foo' was never awaited",
}
#: Demos that show a task swallowing its cancellation and carrying on:
#: Ctrl-C cancels it, and the demo ends only when that task does.
SWALLOWS_ITS_CANCELLATION = {("w8s7", "asyncio.modern", "cancel_once")}
#: Lessons none of whose demos takes virtual time (checked below).
NOTHING_LASTS = {"w8s5"}


def never_awaited(case, interrupted=False):
    """The warnings the demo shows on purpose: [] or [its never-awaited one].

    Interrupted, a faithful demo shows none: the runner silences the
    never-awaited warnings of what Ctrl-C cut short (as in IDLE, whose `_`
    still holds the unrun coroutine after Ctrl-C); a port's frames go with
    the cancellation, and Python warns as they go."""
    message = SHOWS_NEVER_AWAITED.get((case.name, case.demo))
    if not message or case.flavour == "asyncio.modern":
        return []
    if interrupted and case.flavour == "asyncio":
        return []
    return [message]


@dataclasses.dataclass(frozen=True)
class Case:
    name: str  # the lesson
    flavour: str  # "asyncio" (faithful), "asyncio.modern" or "anyio" (port)
    backend: str
    demo: str

    @property
    def id(self):
        return f"{self.name}-{self.demo}-{variant_id(self.flavour, self.backend)}"

    def lesson_demo(self):
        return lesson(self.flavour, self.name)[self.demo]

    def replay(self, moment):
        command = f"LESSONS_CTRL_C_SEED={SEED} python -m pytest tests/test_ctrl_c.py"
        return f"{self.id} at {moment!r} s (replay: {command})"


def variant_id(flavour, backend):
    return {"asyncio": "faithful", "asyncio.modern": "modern"}.get(flavour, f"port-{backend}")


FLAVOURS = (
    ("asyncio", ["asyncio"]),
    ("asyncio.modern", ["asyncio"]),
    ("anyio", ["asyncio", "trio"]),
)


def flavours(name):
    """The versions a lesson has, with their backends."""
    for flavour, backends in FLAVOURS:
        if flavour != "asyncio.modern" or name in modern_lesson_names():
            yield flavour, backends


def all_cases(names=None):
    for name in names or lesson_names():
        for flavour, backends in flavours(name):
            for demo in lesson(flavour, name).demos.values():
                # a port (or modern) demo written as a plain function runs its
                # own loops, or none (w8s5's hand-driven coroutines): nothing
                # in it can be interrupted
                if flavour != "asyncio" and not demo.is_async:
                    continue
                for backend in backends:
                    yield Case(name, flavour, backend, demo.name)


#: (lesson, flavour, backend): the tests' parameters, known without running anything
VARIANTS = [
    pytest.param(name, flavour, backend, id=f"{name}-{variant_id(flavour, backend)}")
    for name in lesson_names()
    if name not in NOTHING_LASTS
    for flavour, backends in flavours(name)
    for backend in backends
]


# -- pressing Ctrl-C at a virtual moment ------------------------------------------


class CtrlC:
    """Ctrl-C at ``moment`` of the demo's virtual clock (``None``: never, for
    the uninterrupted run).

    When the clock goes past the moment, a real SIGINT is sent to the main
    thread, whatever thread moved the clock (the loop's own jump to its next
    event, a blocking sleep, w8s4's server thread): the handler installed for the run is the
    command line's (``common.ctrl_c.handling_sigint``), so the signal lands
    as it does on the command line, between two bytecodes of the main thread,
    and cuts short a blocking system call there.
    """

    def __init__(self, moment):
        self.moment = moment
        self.interrupt = Interrupt()
        #: how to read the demo's clock (set when its loop starts)
        self.clock = None
        self.sent = False
        self.pressed_at = None
        #: "timer": the loop had nothing to do; "sleep": something was holding it
        self.pressed_by = None
        self.loops = []
        #: the instants at which the loop had nothing to do (its clock jumped on)
        self.idle = []
        #: the instants the clock moved to (a jump, a blocking sleep), in order
        self.moved_to = []

    def moved(self, now, by):
        """The clock moved to ``now``: Ctrl-C if the moment has come."""
        self.moved_to.append(now)
        if self.due(now):
            self.send(by)

    def due(self, now):
        return self.moment is not None and now >= self.moment

    def send(self, by):
        """Ctrl-C, once: SIGINT to the main thread."""
        if not self.sent:
            self.sent, self.pressed_by = True, by
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    @contextlib.contextmanager
    def handling_sigint(self):
        def note_the_time(signum, frame):
            if self.pressed_at is None:
                self.pressed_at = self.clock()
            handler(signum, frame)

        with handling_sigint(self.interrupt):
            handler = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, note_the_time)
            yield


def pressing_loop(ctrl):
    """A virtual asyncio loop that sends Ctrl-C when its clock passes
    ``ctrl.moment``: when it jumps to its next timer (it had nothing to do), or
    when something that holds the loop moves it (a blocking ``time.sleep``,
    w8s4's server thread)."""

    class PressingLoop(VirtualEventLoop):
        def __init__(self):
            super().__init__()
            ctrl.loops.append(self)
            ctrl.clock = self.time

        def advance(self, seconds):
            super().advance(seconds)
            ctrl.moved(self.time(), "sleep")

        def _jump_to_next_timer(self):
            ctrl.idle.append(self.time())
            super()._jump_to_next_timer()
            ctrl.moved(self.time(), "timer")

    return PressingLoop


def trio_clock_watched(ctrl):
    """trio's MockClock moves by ``jump``: when all tasks wait (autojump), and
    when a blocking ``time.sleep`` moves it; send Ctrl-C when it passes the
    moment, as for asyncio.  (MockClock cannot be subclassed: this one clock's
    own methods are wrapped, given to the run as its ``clock``.)"""
    clock = mock_clock_class()(autojump_threshold=0)
    ctrl.clock = clock.current_time
    real_jump, real_autojump = clock.jump, clock._autojump
    idle = False

    def autojump():
        # trio's run loop found every task waiting: the jump it makes is the
        # loop's (a blocking sleep calls jump directly)
        nonlocal idle
        idle = True
        try:
            real_autojump()
        finally:
            idle = False

    def jump(seconds):
        if idle:
            ctrl.idle.append(clock.current_time())
        real_jump(seconds)
        ctrl.moved(clock.current_time(), "timer" if idle else "sleep")

    clock.jump, clock._autojump = jump, autojump
    return clock


def run_case(case, moment):
    """Run the demo on virtual time, Ctrl-C at ``moment``: (record, ctrl)."""
    ctrl = CtrlC(moment)
    demo = case.lesson_demo()
    clock = trio_clock_watched(ctrl) if case.backend == "trio" else None
    with repeatable_trio(SEED), ctrl.handling_sigint():
        record = run_demo(
            demo,
            backend=case.backend,
            virtual=True,
            echo=False,
            interrupt=ctrl.interrupt,
            loop_factory=pressing_loop(ctrl),
            clock=clock,
        )
    # the signal sent was handled, in the run
    assert ctrl.interrupt.requested == ctrl.sent
    return record, ctrl


# -- each demo left alone ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Baseline:
    record: object
    #: the instants at which the loop had nothing to do (its clock jumped on)
    idle: list
    #: the instants its clock moved to, and those at which it printed
    instants: list


def run_alone(case):
    """The demo left alone, on virtual time, the same way as when interrupted
    (see the ``left_alone`` fixture: once per session)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # what the run dropped is collected after it (a coroutine never
        # awaited warns then), the heap from before it set aside
        with collecting_what_it_drops():
            record, ctrl = run_case(case, None)
    assert [str(w.message) for w in caught] == never_awaited(case), case.id
    # (as the Ctrl-C tests compare them too: to the microsecond)
    printed = [t for time, _, _ in record.writes() for t in (time, round(time, 6))]
    return Baseline(record, ctrl.idle, sorted({*ctrl.moved_to, *printed}))


def lasting(cases, left_alone):
    """The cases whose demo takes virtual time."""
    return [case for case in cases if left_alone(case).record.duration > 0]

"""Ctrl-C anywhere: every demo that lasts, on every flavour and backend.

Which demos last is read from the registries and the demos' own virtual
durations (a demo that takes no virtual time cannot be interrupted half-way),
so a new demo is covered without a word here.  The demos are run when the
tests run, not when they are collected: one test per lesson and variant, one
subtest per demo.

* On virtual time, in-process: Ctrl-C at seeded-random moments of the
  demo's run, and at instants where it has something scheduled.  The signal
  is a real SIGINT, sent to the main thread as the demo's virtual clock goes
  past the moment (as the loop, with nothing to do, jumps to its next event:
  Ctrl-C lands there as it would have at the moment itself, since nothing
  happens in between; or while something holds the loop and moves the clock:
  a blocking ``time.sleep``, w8s4's server thread), and handled by the
  command line's own handler (``common.ctrl_c.handling_sigint``).  No timer
  is added for it: an extra timer would change what the virtual clock does
  while a worker thread works for real (it would jump to that timer).  The
  demo must stop at once, or as soon as what holds its loop lets go
  (``stopped == "interrupt"``), print up to the moment exactly what it prints
  when left alone, say the seed's ``bye`` if it has one, close its loop with
  no task left, and leave no thread, no open file descriptor, no warning,
  nothing logged, nothing on stderr.
* On real time, in subprocesses, all at once: SIGINT as soon as the demo has
  printed a seeded-random number of lines (its header, then the lines it
  prints in its first second): exit code 130, the ``interrupted (Ctrl-C)``
  line, no traceback, no "Task was destroyed but it is pending", no "never
  retrieved" (but for the faithful ``boom``, which shows it on purpose), no
  ``ResourceWarning``.  Waiting for a line, not for a delay, the test presses
  Ctrl-C while the demo runs, however busy the machine.

The seed changes from run to run; set ``LESSONS_CTRL_C_SEED`` to replay one
(every failure message gives it, with the moment).  ``LESSONS_CTRL_C_MOMENTS``
(default 3) and ``LESSONS_CTRL_C_REAL`` (default 1; 0: none) set how many random
moments each demo gets, on virtual and on real time.
"""

import contextlib
import dataclasses
import functools
import gc
import inspect
import os
import random
import re
import signal
import threading

import pytest

from common.ctrl_c import Interrupt, handling_sigint
from common.runner import run_demo
from common.virtual import VirtualEventLoop, repeatable_trio
from tests.harness import Lines, by_instant, leaks, lesson, lesson_names, resources, spawn


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
#: Lessons none of whose demos takes virtual time (checked below).
NOTHING_LASTS = {"w8s5"}


@dataclasses.dataclass(frozen=True)
class Case:
    name: str  # the lesson
    flavour: str  # "asyncio" (faithful) or "anyio" (port)
    backend: str
    demo: str

    @property
    def id(self):
        return f"{self.name}-{self.demo}-{variant_id(self.flavour, self.backend)}"

    def lesson_demo(self):
        return lesson(self.flavour, self.name)[self.demo]

    def replay(self, moment):
        return f"{self.id} at {moment!r} s (replay: LESSONS_CTRL_C_SEED={SEED})"


def variant_id(flavour, backend):
    return "faithful" if flavour == "asyncio" else f"port-{backend}"


FLAVOURS = (("asyncio", ["asyncio"]), ("anyio", ["asyncio", "trio"]))


def all_cases(names=None):
    for name in names or lesson_names():
        for flavour, backends in FLAVOURS:
            for demo in lesson(flavour, name).demos.values():
                # a port demo written as a plain function runs its own loops
                # on a real clock, and nothing in it can be interrupted
                if flavour == "anyio" and not demo.is_async:
                    continue
                for backend in backends:
                    yield Case(name, flavour, backend, demo.name)


#: (lesson, flavour, backend): the tests' parameters, known without running anything
VARIANTS = [
    pytest.param(name, flavour, backend, id=f"{name}-{variant_id(flavour, backend)}")
    for name in lesson_names()
    if name not in NOTHING_LASTS
    for flavour, backends in FLAVOURS
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
            if ctrl.due(self.time()):
                ctrl.send("sleep")

        def _jump_to_next_timer(self):
            ctrl.idle.append(self.time())
            super()._jump_to_next_timer()
            if ctrl.due(self.time()):
                ctrl.send("timer")

    return PressingLoop


def trio_clock_watched(ctrl):
    """trio's MockClock moves by ``jump``: when all tasks wait (autojump), and
    when a blocking ``time.sleep`` moves it; send Ctrl-C when it passes the
    moment, as for asyncio.  (MockClock cannot be subclassed: this one clock's
    own methods are wrapped, given to the run as its ``clock``.)"""
    from trio.testing import MockClock

    clock = MockClock(autojump_threshold=0)
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
        if ctrl.due(clock.current_time()):
            ctrl.send("timer" if idle else "sleep")

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


# -- each demo left alone, once per session ------------------------------------------


@dataclasses.dataclass(frozen=True)
class Baseline:
    record: object
    #: the instants at which the loop had nothing to do (its clock jumped on)
    idle: list


@pytest.fixture(scope="session")
def baseline():
    """``baseline(case)``: the demo left alone, on virtual time (the same way
    as when interrupted), run once, when a test first needs it."""

    @functools.cache
    def run_alone(case):
        record, ctrl = run_case(case, None)
        return Baseline(record, ctrl.idle)

    return run_alone


def lasting(cases, baseline):
    """The cases whose demo takes virtual time."""
    return [case for case in cases if baseline(case).record.duration > 0]


def next_idle(alone, after):
    """The first instant from ``after`` on at which the demo left alone has
    nothing to do (or ends): a Ctrl-C pressed at ``after`` has landed by then."""
    return min([t for t in alone.idle if t >= after] + [alone.record.duration])


def moments(record, rng):
    """Random moments of the demo's run, and an instant where it has
    something scheduled (Ctrl-C then lands as that instant comes)."""
    duration = record.duration
    chosen = [round(rng.uniform(0, duration), 4) for _ in range(MOMENTS)]
    instants = sorted({t for t, _ in record.lines() if 0 < t < duration})
    chosen += rng.sample(instants, min(1, len(instants)))
    return [m for m in chosen if 0 < m < duration]


def characters(record):
    """What the demo printed, character by character with its time; the port
    of w8s4's embedded server (a new one at each run) is left out."""
    return [
        (round(chunk.time, 6), char)
        for chunk in record.chunks
        if chunk.stream == "stdout"
        for char in re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", chunk.text)
    ]


def says_bye(case):
    """Does the demo print the seed's ``bye`` on Ctrl-C?"""
    source = inspect.getsource(case.lesson_demo().func)
    return "print('bye')" in source or 'print("bye")' in source


@pytest.fixture(scope="module", autouse=True)
def _frozen_heap():
    # the collections that close each faithful demo: only its own objects
    gc.freeze()
    yield
    gc.unfreeze()


def test_the_demos_that_last_are_found(baseline):
    # every faithful demo that runs forever lasts (a port's may fail at once:
    # w8s9's boom), and every lesson that runs a loop has demos that last, in
    # each flavour and on each backend; the others have none
    cases = list(all_cases())
    found = lasting(cases, baseline)
    forever = {
        case
        for case in cases
        if case.flavour == "asyncio" and case.lesson_demo().forever is not None
    }
    assert forever and forever <= set(found)
    variants = {(case.name, case.flavour, case.backend) for case in found}
    assert {name for name, *_ in variants} == set(lesson_names()) - NOTHING_LASTS
    for name in set(lesson_names()) - NOTHING_LASTS:
        assert variants >= {
            (name, "asyncio", "asyncio"),
            (name, "anyio", "asyncio"),
            (name, "anyio", "trio"),
        }, name


# -- virtual time: in-process, at exact moments ----------------------------------------


def check_ctrl_c_at(case, moment, alone, caplog):
    where = case.replay(moment)
    before = resources()
    caplog.clear()
    with warnings_caught() as caught:
        record, ctrl = run_case(case, moment)
        gc.collect()
    assert [str(w.message) for w in caught] == [], where
    assert record.stopped == "interrupt", where
    # pressed at the moment, or at the end of the blocking sleep it fell in
    assert ctrl.pressed_at is not None and ctrl.pressed_at >= moment, where
    # it stops at once, or (if something holds the loop: a blocking sleep,
    # a task that does not await) before the loop next has nothing to do
    assert ctrl.pressed_at <= record.duration <= next_idle(alone, ctrl.pressed_at), (
        where,
        ctrl.pressed_by,
        record.duration,
    )
    # up to the moment, exactly what the demo prints when left alone
    expected = [(t, c) for t, c in characters(alone.record) if t < moment]
    printed = [(t, c) for t, c in characters(record) if t < moment]
    assert by_instant(printed) == by_instant(expected), where
    # its cleanup ran: the seed's bye
    if ctrl.pressed_at < alone.record.duration:
        assert ("bye" in record.text()) == says_bye(case), (where, record.text())
    # (pressed as the demo's last instant comes, Ctrl-C and the end race:
    # on trio, the demo may end before the cancellation reaches it)
    # nothing on stderr, nothing logged by asyncio (pytest captures its
    # log): no task destroyed while pending, no exception never retrieved,
    # but the one that the faithful boom shows on purpose
    logged = [r.getMessage().split("\n")[0] for r in caplog.records if r.name == "asyncio"]
    assert record.text("stderr") == "", (where, record.text("stderr"))
    if (case.name, case.flavour, case.demo) in SHOWS_NEVER_RETRIEVED:
        assert logged == ["Task exception was never retrieved"], (where, logged)
    else:
        assert logged == [], (where, logged)
    # (asyncio) a closed loop with no task left; no thread, no file left open
    assert leaks(before, loops=ctrl.loops) == [], where


@contextlib.contextmanager
def warnings_caught():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


@pytest.mark.parametrize(("name", "flavour", "backend"), VARIANTS)
def test_ctrl_c_on_virtual_time(name, flavour, backend, baseline, caplog, subtests):
    cases = [c for c in all_cases([name]) if (c.flavour, c.backend) == (flavour, backend)]
    for case in lasting(cases, baseline):
        alone = baseline(case)
        rng = random.Random(f"{SEED}:{case.id}")
        checked = moments(alone.record, rng)
        assert checked, case.id
        for moment in checked:
            with subtests.test(msg=case.replay(moment)):
                check_ctrl_c_at(case, moment, alone, caplog)


# -- real time: SIGINT in subprocesses, all at once ---------------------------------


@dataclasses.dataclass(frozen=True)
class RealJob:
    case: Case
    #: Ctrl-C once this many lines are printed: the header, then the demo's
    lines: int

    def command(self):
        case = self.case
        module = f"lessons_{case.flavour}.{case.name}"
        backend = ["--backend", case.backend] if case.flavour == "anyio" else []
        # the demo twice: should the chosen line be the last before its end,
        # Ctrl-C still finds a demo running (or the runner between two)
        return [module, case.demo, case.demo, *backend]

    def replay(self):
        command = " ".join(self.command())
        return f"{command}: Ctrl-C after {self.lines} line(s) (LESSONS_CTRL_C_SEED={SEED})"


def real_jobs(baseline):
    jobs = []
    for case in lasting(all_cases(), baseline):
        record = baseline(case).record
        rng = random.Random(f"{SEED}:real:{case.id}")
        # the lines it prints in its first second (not those printed as it ends)
        printed = sum(
            chunk.text.count("\n")
            for chunk in record.chunks
            if chunk.stream == "stdout"
            and chunk.time < record.duration
            and chunk.time <= REAL_HORIZON
        )
        # after the header and at least one of the demo's own lines (pressed
        # as the demo starts, Ctrl-C is for the runner, see below)
        jobs += [
            RealJob(case, 1 + rng.randint(min(1, printed), printed)) for _ in range(REAL_MOMENTS)
        ]
    return jobs


def check_real_run(job, finished):
    case, where = job.case, f"{job.replay()}\n{finished}"
    assert finished.out.startswith(f"=== {case.name} {case.demo}"), where
    assert finished.pressed, f"the demos ended before Ctrl-C: {where}"
    assert finished.code == 130, where
    *rest, last = finished.err.splitlines()
    # Ctrl-C stops the demo, or the runner between two demos
    assert last in (
        f"interrupted (Ctrl-C): {case.demo} stopped, its cleanup ran",
        "interrupted (Ctrl-C)",
    ), where
    for bad in ("Task was destroyed but it is pending", "ResourceWarning", "Exception ignored"):
        assert bad not in finished.err, where
    if (case.name, case.flavour, case.demo) not in SHOWS_NEVER_RETRIEVED:
        assert rest == [], where
    else:
        # only what the demo shows on purpose: the lost exception of boom(0)
        assert all("never retrieved" in line for line in rest if line.startswith("Task ")), where


def test_ctrl_c_on_real_time(baseline, subtests):
    if REAL_MOMENTS == 0:
        pytest.skip("LESSONS_CTRL_C_REAL=0: no real-time run asked for")
    jobs = real_jobs(baseline)
    assert jobs
    # all at once (they mostly wait); each child's reader presses Ctrl-C the
    # moment its line comes
    children = [spawn(*job.command()).ctrl_c_when(Lines(job.lines)) for job in jobs]
    try:
        finished = [child.finish() for child in children]
    finally:
        for child in children:
            child.close()
    for job, run in zip(jobs, finished, strict=True):
        with subtests.test(msg=job.case.id):
            check_real_run(job, run)

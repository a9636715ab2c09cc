"""Ctrl-C anywhere: every demo that lasts, on every flavour and backend (SPEC §4).

Which demos last is read from the registries and the demos' own virtual
durations (a demo that takes no virtual time cannot be interrupted half-way),
so a new demo is covered without a word here.

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
* On real time, in subprocesses, all at once: SIGINT at a seeded-random
  moment after the demo's header line: exit code 130, the ``interrupted
  (Ctrl-C)`` line, no traceback, no "Task was destroyed but it is pending",
  no "never retrieved" (but for the faithful ``boom``, which shows it on
  purpose), no ``ResourceWarning``.

The seed changes from run to run; set ``LESSONS_CTRL_C_SEED`` to replay one
(every failure message gives it, with the moment).  ``LESSONS_CTRL_C_MOMENTS``
(default 3) and ``LESSONS_CTRL_C_REAL`` (default 1; 0: none) set how many random
moments each demo gets, on virtual and on real time.
"""

import asyncio
import contextlib
import dataclasses
import functools
import gc
import math
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from common.ctrl_c import Interrupt, handling_sigint
from common.runner import run_demo
from common.sidebyside import repeatable_trio
from common.virtual import VirtualEventLoop
from tests.harness import ROOT, by_instant, lesson, lesson_names, modern_lesson_names


def _seed():
    if os.environ.get("LESSONS_CTRL_C_SEED"):
        return int(os.environ["LESSONS_CTRL_C_SEED"])
    # pytest-xdist's workers each collect the tests: they must draw the same
    # moments, so they share a seed derived from the run's common id
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run_id:
        return int(run_id[:12], 16) % 10**6
    return random.SystemRandom().randrange(10**6)


SEED = _seed()
MOMENTS = int(os.environ.get("LESSONS_CTRL_C_MOMENTS") or 3)
REAL_MOMENTS = int(os.environ.get("LESSONS_CTRL_C_REAL") or 1)
#: Real-time Ctrl-C comes at most this long after the header (the suite stays fast).
REAL_HORIZON = 1.0
#: Demos that show an unretrieved task exception on purpose (on stderr).
SHOWS_NEVER_RETRIEVED = {("w8s9", "asyncio", "boom")}
#: Demos whose pitfall is a coroutine left unrun: Python warns when it goes,
#: stopped early or not (both flavours).
SHOWS_NEVER_AWAITED = {
    ("w8s2", "morceaux"): "coroutine 'morceaux' was never awaited",
    ("w8s9", "coroutine_object"): "coroutine 'foo' was never awaited",
}


def never_awaited(case, interrupted=False):
    """The warnings the demo shows on purpose: [] or [its never-awaited one].

    Interrupted, a faithful demo shows none: the runner silences the
    never-awaited warnings of what Ctrl-C cut short (as in IDLE, whose `_`
    still holds the unrun coroutine after Ctrl-C); a port's frames go with
    the cancellation, and Python warns as they go."""
    message = SHOWS_NEVER_AWAITED.get((case.name, case.demo))
    if not message or (interrupted and case.flavour == "asyncio"):
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
        variant = {"asyncio": "faithful", "asyncio.modern": "modern"}.get(
            self.flavour, f"port-{self.backend}"
        )
        return f"{self.name}-{self.demo}-{variant}"

    def lesson_demo(self):
        return lesson(self.flavour, self.name)[self.demo]

    def replay(self, moment):
        return f"{self.id} at {moment!r} s (replay: LESSONS_CTRL_C_SEED={SEED})"


def all_cases():
    for name in lesson_names():
        for flavour, backends in (("asyncio", ["asyncio"]), ("anyio", ["asyncio", "trio"])):
            for demo in lesson(flavour, name).demos.values():
                # a port demo written as a plain function runs its own loops
                # on a real clock, and nothing in it can be interrupted
                if flavour == "anyio" and not demo.is_async:
                    continue
                for backend in backends:
                    yield Case(name, flavour, backend, demo.name)
    # asyncio as written today: async demos on asyncio (w8s5's hand-driven
    # protocol demos are plain functions that run no loop)
    for name in modern_lesson_names():
        for demo in lesson("asyncio.modern", name).demos.values():
            if demo.is_async:
                yield Case(name, "asyncio.modern", "asyncio", demo.name)


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


@functools.cache
def baseline_run(case):
    """The demo left alone, on virtual time (the same way as when interrupted):
    its record, and when its loop was idle."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record, ctrl = run_case(case, None)
        gc.collect()
    assert [str(w.message) for w in caught] == never_awaited(case), case.id
    return record, ctrl.idle


def baseline(case):
    return baseline_run(case)[0]


def next_idle(case, after):
    """The first instant from ``after`` on at which the demo left alone has
    nothing to do (or ends): a Ctrl-C pressed at ``after`` has landed by then."""
    record, idle = baseline_run(case)
    return min([t for t in idle if t >= after] + [record.duration])


def lasting_cases():
    """Every demo, flavour and backend whose run takes virtual time."""
    gc.freeze()  # the collections that close each faithful demo: only its own objects
    try:
        return [case for case in all_cases() if baseline(case).duration > 0]
    finally:
        gc.unfreeze()


LASTING = lasting_cases()


def moments(case, rng):
    """Random moments of the demo's run, and an instant where it has
    something scheduled (Ctrl-C then lands as that instant comes)."""
    duration = baseline(case).duration
    chosen = [round(rng.uniform(0, duration), 4) for _ in range(MOMENTS)]
    instants = sorted({t for t, _ in baseline(case).lines() if 0 < t < duration})
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
    import inspect

    source = inspect.getsource(case.lesson_demo().func)
    return "print('bye')" in source or 'print("bye")' in source


@pytest.fixture(scope="module", autouse=True)
def _frozen_heap():
    gc.freeze()
    yield
    gc.unfreeze()


def open_fds():
    return sorted(os.listdir("/proc/self/fd"))


def threads_left(before):
    """Threads started since ``before`` that are still alive: non-daemon ones
    get a moment to end (anyio stops its idle workers as its run ends);
    trio's thread cache keeps idle daemon threads by design (not the demo's)."""
    left = []
    for thread in threading.enumerate():
        if thread in before:
            continue
        if not thread.daemon:
            thread.join(timeout=5)
        if thread.is_alive() and not thread.name.startswith("Trio thread"):
            left.append(thread.name)
    return left


def test_the_demos_that_last_are_found():
    # every faithful demo that runs forever lasts (a port's may fail at once:
    # w8s9's boom), and every lesson that runs a loop has demos that last, in
    # each flavour and on each backend
    forever = {
        case
        for case in all_cases()
        if case.flavour == "asyncio" and case.lesson_demo().forever is not None
    }
    assert forever and forever <= set(LASTING)
    variants = {(case.name, case.flavour, case.backend) for case in LASTING}
    for name in set(lesson_names()) - {"w8s5"}:
        assert variants >= {
            (name, "asyncio", "asyncio"),
            (name, "anyio", "asyncio"),
            (name, "anyio", "trio"),
        }, name
    for name in set(modern_lesson_names()) - {"w8s5"}:
        assert (name, "asyncio.modern", "asyncio") in variants, name


@pytest.mark.parametrize("case", LASTING, ids=[case.id for case in LASTING])
def test_ctrl_c_on_virtual_time(case, caplog):
    full = baseline(case)
    rng = random.Random(f"{SEED}:{case.id}")
    bye = says_bye(case)
    checked = moments(case, rng)
    assert checked, case.id
    for moment in checked:
        where = case.replay(moment)
        threads, fds = set(threading.enumerate()), open_fds()
        caplog.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            record, ctrl = run_case(case, moment)
            gc.collect()
        assert [str(w.message) for w in caught] == never_awaited(case, True), where
        assert record.stopped == "interrupt", where
        # pressed at the moment, or at the end of the blocking sleep it fell in
        assert ctrl.pressed_at is not None and ctrl.pressed_at >= moment, where
        # it stops at once, or (if something holds the loop: a blocking sleep,
        # a task that does not await) before the loop next has nothing to do
        assert ctrl.pressed_at <= record.duration <= next_idle(case, ctrl.pressed_at), (
            where,
            ctrl.pressed_by,
            record.duration,
        )
        # up to the moment, exactly what the demo prints when left alone
        before = [(t, c) for t, c in characters(full) if t < moment]
        after_ctrl_c = [(t, c) for t, c in characters(record) if t < moment]
        assert by_instant(after_ctrl_c) == by_instant(before), where
        # its cleanup ran: the seed's bye, and (asyncio) a closed loop with no task left
        if ctrl.pressed_at < full.duration:
            assert ("bye" in record.text()) == bye, (where, record.text())
        # (pressed as the demo's last instant comes, Ctrl-C and the end race:
        # on trio, the demo may end before the cancellation reaches it)
        for loop in ctrl.loops:
            assert loop.is_closed(), where
            assert not asyncio.all_tasks(loop), where
        # nothing on stderr, nothing logged by asyncio (pytest captures its
        # log): no task destroyed while pending, no exception never retrieved,
        # but the one that the faithful boom shows on purpose
        logged = [r.getMessage().split("\n")[0] for r in caplog.records if r.name == "asyncio"]
        assert record.text("stderr") == "", (where, record.text("stderr"))
        if (case.name, case.flavour, case.demo) in SHOWS_NEVER_RETRIEVED:
            assert logged == ["Task exception was never retrieved"], (where, logged)
        else:
            assert logged == [], (where, logged)
        assert threads_left(threads) == [], where
        assert open_fds() == fds, where


# -- real time: SIGINT in subprocesses, all at once ---------------------------------


@dataclasses.dataclass(frozen=True)
class RealJob:
    case: Case
    moment: float

    def command(self):
        case = self.case
        duration = baseline(case).duration
        # the demo several times over: should Ctrl-C come late on a busy
        # machine, it still finds a demo running (or the runner between two)
        times = max(2, math.ceil(4 / duration) + 1)
        module = f"lessons_{case.flavour}.{case.name}"
        backend = ["--backend", case.backend] if case.flavour == "anyio" else []
        return [sys.executable, "-m", module, *[case.demo] * times, *backend]


def real_jobs():
    jobs = []
    for case in LASTING:
        rng = random.Random(f"{SEED}:real:{case.id}")
        horizon = min(baseline(case).duration, REAL_HORIZON)
        jobs += [RealJob(case, round(rng.uniform(0, horizon), 3)) for _ in range(REAL_MOMENTS)]
    return jobs


REAL_JOBS = real_jobs()


def ctrl_c_after_the_header(job):
    """Start the command, wait for its header line, then ``job.moment`` more
    seconds, and press Ctrl-C: (exit code, stdout, stderr, ended before, timing)."""
    env = {k: v for k, v in os.environ.items() if k != "LESSONS_VIRTUAL_TIME"}
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        job.command(),
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    start = time.monotonic()
    try:
        header = proc.stdout.readline()
        seen = time.monotonic()
        time.sleep(job.moment)  # the point of the test: a moment of real time
        ended_before = proc.poll() is not None
        sent = time.monotonic()
        if not ended_before:
            os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        # when things happened, from the start: to tell a slow machine from a bug
        timing = f"header at {seen - start:.3f} s, SIGINT at {sent - start:.3f} s,"
        timing += f" exit at {time.monotonic() - start:.3f} s"
        return proc.returncode, header + out, err, ended_before, timing
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.fixture(scope="module")
def real_runs():
    with ThreadPoolExecutor(max_workers=len(REAL_JOBS)) as pool:
        return dict(zip(REAL_JOBS, pool.map(ctrl_c_after_the_header, REAL_JOBS), strict=True))


@pytest.mark.parametrize(
    "job", REAL_JOBS, ids=[f"{job.case.id}-{job.moment}s" for job in REAL_JOBS]
)
def test_ctrl_c_on_real_time(job, real_runs):
    code, out, err, ended_before, timing = real_runs[job]
    where = f"{' '.join(job.command()[2:])}: {job.case.replay(job.moment)} after the header"
    where += f" ({timing}; {out.count('=== ')} demo(s) started)"
    print(where)
    assert out.startswith(f"=== {job.case.name} {job.case.demo}"), (where, out)
    assert not ended_before, f"{where}: the demos ended before Ctrl-C (a very slow machine?)"
    assert code == 130, (where, out[-500:], err)
    *rest, last = err.splitlines()
    # Ctrl-C stops the demo, or the runner between two demos
    assert last in (
        f"interrupted (Ctrl-C): {job.case.demo} stopped, its cleanup ran",
        "interrupted (Ctrl-C)",
    ), (where, err)
    shown = (job.case.name, job.case.flavour, job.case.demo) in SHOWS_NEVER_RETRIEVED
    for bad in ("Task was destroyed but it is pending", "ResourceWarning", "Exception ignored"):
        assert bad not in err, (where, err)
    if never_awaited(job.case):
        # the demo's pitfall: Python's warning (3 lines) for each demo that
        # made its unrun coroutine and ended, or (port) was cancelled
        started = out.count("=== ")
        warned = [line for line in rest if never_awaited(job.case)[0] in line]
        assert len(rest) == 3 * len(warned), (where, err)
        assert started - 1 <= len(warned) <= started, (where, err)
    elif not shown:
        assert rest == [], (where, err)
    else:
        # only what the demo shows on purpose: the lost exception of boom(0)
        assert all("never retrieved" in line for line in rest if line.startswith("Task ")), where

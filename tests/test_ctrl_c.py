"""Ctrl-C anywhere: every demo that lasts, on every flavour and backend (SPEC §4).

Which demos last is read from the registries and the demos' own virtual
durations (a demo that takes no virtual time cannot be interrupted half-way),
so a new demo is covered without a word here.

* On virtual time, in-process: Ctrl-C is pressed at seeded-random moments of
  the demo's run, and at moments where something else is scheduled too,
  through the runner's own mechanism (what the command line's SIGINT handler
  does: set ``requested``, call ``wake()``), from a timer of the demo's own
  loop, or from inside a blocking ``time.sleep`` (a signal lands there too).
  The demo must stop there (``stopped == "interrupt"``), print up to that
  moment exactly what it prints when left alone, say the seed's ``bye`` if it
  has one, close its loop with no task left, leave no thread, no open file
  descriptor, no warning, and nothing new on stderr.
* On real time, in subprocesses, all at once: SIGINT at a seeded-random
  moment after the demo's header line: exit code 130, the ``interrupted
  (Ctrl-C)`` line, no traceback, no "Task was destroyed but it is pending",
  no "never retrieved" (but for the faithful ``boom``, which shows it on
  purpose), no ``ResourceWarning``.

The seed changes from run to run; set ``LESSONS_CTRL_C_SEED`` to replay one
(every failure message gives it, with the moment).  ``LESSONS_CTRL_C_MOMENTS``
(default 4) and ``LESSONS_CTRL_C_REAL`` (default 1) set how many random
moments each demo gets, on virtual and on real time.
"""

import asyncio
import dataclasses
import functools
import gc
import math
import os
import random
import signal
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

import common.runner
import common.virtual
from common.runner import _Interrupt, run_demo
from common.sidebyside import repeatable_trio
from common.virtual import VirtualEventLoop
from tests.harness import ROOT, by_instant, lesson, lesson_names

SEED = int(os.environ.get("LESSONS_CTRL_C_SEED") or random.SystemRandom().randrange(10**6))
MOMENTS = int(os.environ.get("LESSONS_CTRL_C_MOMENTS") or 4)
REAL_MOMENTS = int(os.environ.get("LESSONS_CTRL_C_REAL") or 1)
#: Real-time Ctrl-C comes at most this long after the header (the suite stays fast).
REAL_HORIZON = 1.0
#: Demos that show an unretrieved task exception on purpose (on stderr).
SHOWS_NEVER_RETRIEVED = {("w8s9", "asyncio", "boom")}


@dataclasses.dataclass(frozen=True)
class Case:
    name: str  # the lesson
    flavour: str  # "asyncio" (faithful) or "anyio" (port)
    backend: str
    demo: str

    @property
    def id(self):
        variant = "faithful" if self.flavour == "asyncio" else f"port-{self.backend}"
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


# -- pressing Ctrl-C at a virtual moment ------------------------------------------


class CtrlC:
    """What the command line's SIGINT handler does, at ``moment`` of the demo's
    virtual clock (``None``: never, for the uninterrupted run)."""

    def __init__(self, moment):
        self.moment = moment
        self.interrupt = _Interrupt()
        self.pressed_at = None
        #: "timer": the loop was waiting; "sleep": a blocking sleep was running
        self.pressed_by = None
        self.loops = []
        #: the instants at which the loop had nothing to do (its clock jumped on)
        self.idle = []
        self.in_blocking_sleep = False

    def due(self, now):
        return self.moment is not None and now >= self.moment

    def press(self, now, by):
        # as common.runner._handling_sigint's handler: a second Ctrl-C changes nothing
        first = not self.interrupt.requested
        self.interrupt.requested = True
        if first:
            self.pressed_at, self.pressed_by = now, by
            if self.interrupt.wake is not None:
                self.interrupt.wake()


def pressing_loop(ctrl):
    """A virtual asyncio loop that presses Ctrl-C at ``ctrl.moment``: from a
    timer when the loop waits, or during a blocking ``time.sleep`` (which
    moves the clock through ``advance``), as a real signal would."""

    class PressingLoop(VirtualEventLoop):
        def __init__(self):
            super().__init__()
            ctrl.loops.append(self)
            if ctrl.moment is not None:
                self.call_at(ctrl.moment, lambda: ctrl.press(self.time(), "timer"))

        def advance(self, seconds):
            super().advance(seconds)
            if ctrl.due(self.time()):
                ctrl.press(self.time(), "sleep")

        def _jump_to_next_timer(self):
            ctrl.idle.append(self.time())
            super()._jump_to_next_timer()

    return PressingLoop


def with_trio_alarm(demo, ctrl):
    """The port demo, with a trio system task that sleeps until ``ctrl.moment``
    (so that the clock stops there: trio's clock jumps from deadline to
    deadline) and presses Ctrl-C.  The uninterrupted run
    gets the same task, which never wakes: trio's (seeded) scheduling sees the
    same tasks in both runs."""

    @functools.wraps(demo.func)
    async def func(*args, **kwargs):
        import trio

        scope = trio.CancelScope()

        async def alarm():
            with scope:
                await trio.sleep_until(math.inf if ctrl.moment is None else ctrl.moment)
                ctrl.press(trio.current_time(), "timer")

        trio.lowlevel.spawn_system_task(alarm)
        try:
            return await func.__wrapped__(*args, **kwargs)
        finally:
            scope.cancel()

    return dataclasses.replace(demo, func=func)


def trio_clock_watched(ctrl, monkeypatch):
    """trio's MockClock moves by ``jump``: when all tasks wait (autojump), and
    when a blocking ``time.sleep`` moves it.  The first is an idle instant; in
    the second, press Ctrl-C if the sleep goes past the moment, as a real
    signal would."""
    from trio.testing import MockClock

    real_jump = MockClock.jump

    def jump(self, seconds):
        if not ctrl.in_blocking_sleep:
            ctrl.idle.append(self.current_time())
        real_jump(self, seconds)

    monkeypatch.setattr(MockClock, "jump", jump)
    real_virtual_advance = common.runner.virtual_advance

    def virtual_advance():
        advance = real_virtual_advance()
        if advance is None:
            return None

        def advance_and_press(seconds):
            import trio

            ctrl.in_blocking_sleep = True
            try:
                advance(seconds)
            finally:
                ctrl.in_blocking_sleep = False
            if ctrl.due(trio.current_time()):
                ctrl.press(trio.current_time(), "sleep")

        return advance_and_press

    monkeypatch.setattr(common.runner, "virtual_advance", virtual_advance)


def run_case(case, moment, monkeypatch):
    """Run the demo on virtual time, Ctrl-C at ``moment``: (record, ctrl)."""
    ctrl = CtrlC(moment)
    demo = case.lesson_demo()
    with monkeypatch.context() as patch:
        loop_class = pressing_loop(ctrl)
        patch.setattr(common.runner, "VirtualEventLoop", loop_class)
        patch.setattr(common.virtual, "VirtualEventLoop", loop_class)
        if case.flavour == "anyio" and case.backend == "trio":
            demo = with_trio_alarm(demo, ctrl)
            trio_clock_watched(ctrl, patch)
        with repeatable_trio(SEED):
            record = run_demo(
                demo, backend=case.backend, virtual=True, echo=False, _interrupt=ctrl.interrupt
            )
    return record, ctrl


@functools.cache
def baseline_run(case):
    """The demo left alone, on virtual time (the same way as when interrupted):
    its record, and when its loop was idle."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        record, ctrl = run_case(case, None, monkeypatch)
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
    """Random moments of the demo's run, and two instants where it has
    something scheduled (Ctrl-C and a timer at the same time)."""
    duration = baseline(case).duration
    chosen = [round(rng.uniform(0, duration), 4) for _ in range(MOMENTS)]
    instants = sorted({t for t, _ in baseline(case).lines() if 0 < t < duration})
    chosen += rng.sample(instants, min(2, len(instants)))
    return [m for m in chosen if 0 < m < duration]


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


@pytest.mark.parametrize("case", LASTING, ids=[case.id for case in LASTING])
def test_ctrl_c_on_virtual_time(case, monkeypatch, caplog):
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
            record, ctrl = run_case(case, moment, monkeypatch)
            gc.collect()
        assert [str(w.message) for w in caught] == [], where
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
        before = [(t, c) for t, c in full.characters() if t < moment]
        after_ctrl_c = [(t, c) for t, c in record.characters() if t < moment]
        assert by_instant(after_ctrl_c) == by_instant(before), where
        # its cleanup ran: the seed's bye, and (asyncio) a closed loop with no task left
        assert ("bye" in record.text()) == bye, (where, record.text())
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
    seconds, and press Ctrl-C: (exit code, stdout, stderr, ended before)."""
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
    try:
        header = proc.stdout.readline()
        time.sleep(job.moment)  # the point of the test: a moment of real time
        ended_before = proc.poll() is not None
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        return proc.returncode, header + out, err, ended_before
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
    code, out, err, ended_before = real_runs[job]
    where = f"{' '.join(job.command()[2:])}: {job.case.replay(job.moment)} after the header"
    print(where)
    assert out.startswith(f"=== {job.case.name} {job.case.demo}"), (where, out)
    assert not ended_before, f"{where}: the demos ended before Ctrl-C (a very slow machine?)"
    assert code == 130, (where, out, err)
    *rest, last = err.splitlines()
    # Ctrl-C stops the demo, or the runner between two demos
    assert last in (
        f"interrupted (Ctrl-C): {job.case.demo} stopped, its cleanup ran",
        "interrupted (Ctrl-C)",
    ), (where, err)
    shown = (job.case.name, job.case.flavour, job.case.demo) in SHOWS_NEVER_RETRIEVED
    for bad in ("Task was destroyed but it is pending", "ResourceWarning", "Exception ignored"):
        assert bad not in err, (where, err)
    if not shown:
        assert rest == [], (where, err)
    else:
        # only what the demo shows on purpose: the lost exception of boom(0)
        assert all("never retrieved" in line for line in rest if line.startswith("Task ")), where

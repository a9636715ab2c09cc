"""w8s9: every pitfall's real outcome, and the dots and crosses, on virtual time."""

import importlib
import inspect
import logging
import math
import re
import sys
import time
import warnings

import anyio
import pytest

from common.outcome import Case, cases, observe
from common.runner import run_demo
from common.virtual import blocking_sleep_moves_clock, virtual_advance, virtual_hold
from tests.harness import (
    ctrl_c_after,
    faithful_record,
    lesson,
    port_record,
    run_cli,
    showing_never_awaited,
)

pytestmark = pytest.mark.anyio

# -- pitfall 1: what each case really does -----------------------------------

NEVER = "RuntimeWarning: coroutine 'asynchro' was never awaited"
AWAIT_OUTSIDE = "SyntaxError: 'await' outside async function"
# Python 3.14 rewords the error for awaiting something that is not awaitable.
NONE_AWAIT = "TypeError: " + (
    "object NoneType can't be used in 'await' expression"
    if sys.version_info < (3, 14)
    else "'NoneType' object can't be awaited"
)

# Everything happens at 0 s: no case sleeps.  foo() as typed stops at its
# first await (case 3); afoo() as typed runs cases 5 to 7 (7 drops a
# coroutine: it warns) and fails on case 8.  Then each case alone: a plain
# call is fine (1, 5), a coroutine called without await warns (2, 7), await
# outside async def does not compile (3, 4), awaiting a coroutine is fine (6),
# awaiting None is a TypeError (8).
SCENARIOS = [
    f"foo() as typed:  {AWAIT_OUTSIDE}",
    f"afoo() as typed: {NEVER}; {NONE_AWAIT}",
    "1  def foo():        synchro()         OK",
    f"2  def foo():        asynchro()        {NEVER}",
    f"3  def foo():        await synchro()   {AWAIT_OUTSIDE}",
    f"4  def foo():        await asynchro    {AWAIT_OUTSIDE}",
    "5  async def afoo(): synchro()         OK",
    "6  async def afoo(): await asynchro()  OK",
    f"7  async def afoo(): asynchro()        {NEVER}",
    f"8  async def afoo(): await synchro()   {NONE_AWAIT}",
]

# call2 and call7 both drop coro() unawaited: it never prints "dans coro".
NEVER_AWAITED = [
    "call2.py: RuntimeWarning: coroutine 'coro' was never awaited",
    "call7.py: RuntimeWarning: coroutine 'coro' was never awaited",
]

# the video's isawaitable, then running case 8 (not in the video)
AWAIT_SYNC = ["False", f"await synchro(): {NONE_AWAIT}"]

COROUTINE_OBJECT = ["<coroutine object foo at 0x…>", "<generator object squares at 0x…>"]


def at_zero(lines):
    return [(0.0, line) for line in lines]


def check_quiet(record):
    """Nothing leaked on stderr (the warnings were caught, not printed)."""
    assert record.text("stderr") == ""


@pytest.mark.parametrize(
    "demo, expected",
    [
        ("scenarios", SCENARIOS),
        ("never_awaited", NEVER_AWAITED),
        ("await_sync", AWAIT_SYNC),
    ],
)
def test_pitfall_one_faithful(demo, expected):
    record = faithful_record("w8s9", demo)
    assert record.schedule() == at_zero(expected)
    assert "dans coro" not in record.text()
    check_quiet(record)


@pytest.mark.parametrize(
    "demo, expected",
    [
        ("scenarios", SCENARIOS),
        ("never_awaited", NEVER_AWAITED),
        ("await_sync", AWAIT_SYNC),
    ],
)
async def test_pitfall_one_port(demo, expected):
    record = await port_record("w8s9", demo)
    assert record.schedule() == at_zero(expected)
    check_quiet(record)


FOO_NEVER_AWAITED = "RuntimeWarning: coroutine 'foo' was never awaited"


def check_foo_warned(record):
    """As in the video's shell: foo(4)'s coroutine is echoed, then dropped
    unrun when the shell echoes squares(4)'s generator, and Python warns on
    stderr, between the two echoes."""
    assert record.schedule() == at_zero(COROUTINE_OBJECT)
    assert record.text("stderr").count(FOO_NEVER_AWAITED) == 1
    order = [(c.stream, c.text) for c in record.chunks]
    warned = next(i for i, (_, text) in enumerate(order) if FOO_NEVER_AWAITED in text)
    before = "".join(text for stream, text in order[:warned] if stream == "stdout")
    after = "".join(text for stream, text in order[warned:] if stream == "stdout")
    assert (before, after) == (COROUTINE_OBJECT[0] + "\n", COROUTINE_OBJECT[1] + "\n")


def test_coroutine_object_faithful():
    with showing_never_awaited():
        check_foo_warned(faithful_record("w8s9", "coroutine_object"))
    with pytest.warns(RuntimeWarning, match="coroutine 'foo' was never awaited"):
        faithful_record("w8s9", "coroutine_object")


async def test_coroutine_object_port():
    with showing_never_awaited():
        check_foo_warned(await port_record("w8s9", "coroutine_object"))


def test_check_foo_warned_fails_without_the_warning():
    with pytest.raises(AssertionError):
        check_foo_warned(faithful_record("w8s9", "never_awaited"))


async def test_start_soon_coro_port():
    # The TypeError comes first (start_soon cannot call a coroutine object),
    # then the coroutine object, dropped, warns; the right call runs coro().
    record = await port_record("w8s9", "start_soon_coro")
    assert record.schedule() == at_zero(
        [
            (
                "tg.start_soon(coro()): ExceptionGroup(TypeError: 'coroutine' object is"
                " not callable); RuntimeWarning: coroutine 'coro' was never awaited"
            ),
            "dans coro",
            "tg.start_soon(coro):   OK",
        ]
    )
    check_quiet(record)


# -- common.outcome, on its own -----------------------------------------------


async def asynchro():
    pass


def test_observe_records_the_warning_and_lets_nothing_out():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a leaked warning would raise here
        with observe() as outcome:
            asynchro()
    assert [w.category for w in outcome.warnings] == [RuntimeWarning]
    assert str(outcome.warnings[0].message) == "coroutine 'asynchro' was never awaited"
    assert outcome.error_type is None
    assert str(outcome) == NEVER


def test_observe_catches_the_exception_in_words():
    with observe() as outcome:
        compile("def foo():\n    await asynchro()\n", "foo.py", "exec")
    assert outcome.error_type is SyntaxError
    assert str(outcome) == AWAIT_OUTSIDE
    with observe() as outcome:
        pass
    assert str(outcome) == "OK"


def test_observe_lets_keyboard_interrupt_through():
    with pytest.raises(KeyboardInterrupt), observe():
        raise KeyboardInterrupt


def test_cases_cut_the_seed_functions_into_numbered_lines():
    from lessons_asyncio.w8s9 import FOO

    found = list(cases(FOO))
    assert [(c.number, c.header, c.line) for c in found] == [
        (1, "def foo()", "synchro()"),
        (2, "def foo()", "asynchro()"),
        (3, "def foo()", "await synchro()"),
        (4, "def foo()", "await asynchro"),
    ]
    called = []
    found[0].define({"synchro": lambda: called.append("synchro")})()
    assert called == ["synchro"]
    with pytest.raises(SyntaxError):
        found[2].define({})
    assert Case(6, "async def afoo()", "await asynchro()").source == (
        "async def afoo():\n    await asynchro()\n"
    )


# What each case does, by type: (exception, warning categories).
CASE_OUTCOMES = {
    1: (None, []),
    2: (None, [RuntimeWarning]),
    3: (SyntaxError, []),
    4: (SyntaxError, []),
    5: (None, []),
    6: (None, []),
    7: (None, [RuntimeWarning]),
    8: (TypeError, []),
}


@pytest.mark.parametrize("flavour", ["asyncio", "anyio"])
def test_each_case_by_type(flavour):
    """The seed's own functions, each case driven by hand (``send``, as a
    loop would), no event loop involved."""
    module = importlib.import_module(f"lessons_{flavour}.w8s9")
    found = {}
    for case in cases(module.FOO, inspect.getsource(module.afoo)):
        with observe() as outcome:
            result = case.define(vars(module))()
            if inspect.iscoroutine(result):
                with pytest.raises(StopIteration):
                    result.send(None)
        found[case.number] = (outcome.error_type, [w.category for w in outcome.warnings])
    assert found == CASE_OUTCOMES


# -- pitfall 2: dots and crosses ---------------------------------------------


def lines_of(record):
    """Each line of dots and crosses: ``([(time, char)], time of its newline)``,
    times from the line's first character (the port labels its lines: the
    label is left out, its time is the line's start)."""
    result, current, start = [], [], None
    for t, c in record.characters():
        if start is None:
            start = t
        if c == "\n":
            result.append((current, round(t - start, 6)))
            current, start = [], None
        elif c in ".x":
            current.append((round(t - start, 6), c))
    assert not current, "the demo must end its line"
    return result


def timed(pairs):
    return [(round(t, 6), c) for t, c in pairs]


# countdown(10, .05) prints a dot, sleeps 0.05 s, eleven times (n = 10 … 0);
# compute(10, .05) sleeps 0.05 s then prints a cross, ten times, and never
# awaits.  countdown starts first and prints its dot at 0 s; compute then
# holds the loop 0.5 s, printing a cross every 0.05 s; countdown's sleep, due
# at 0.05 s, ends at 0.5 s, so its ten other dots come at 0.5, 0.55, … 0.95 s;
# its last sleep ends at 1 s, where the demo ends the line.
BLOCKING = (
    timed(
        [(0, ".")]
        + [(0.05 * k, "x") for k in range(1, 11)]
        + [(0.5 + 0.05 * k, ".") for k in range(10)]
    ),
    1.0,
)

# compute breathes after each cross (asyncio.sleep(0): its next step is
# scheduled behind what is ready).  A turn of asyncio's loop runs what was
# ready when it began: compute's step (0.05 s, a cross), then countdown's
# timer's callback once it is due, which makes countdown's step ready for
# the turn after.  So from a dot at t (countdown sleeps until t + 0.05): one
# turn where compute alone runs (cross at t + 0.05), one where the timer also
# fires (cross at t + 0.1), one where countdown runs after compute (cross at
# t + 0.15, then the dot): dots at 0, 0.15, 0.3, 0.45.  compute's last cross
# is at 0.5 s (the timer fired in that turn); compute ends in the next turn,
# countdown prints at 0.5 s, then every 0.05 s to 0.8 s; it ends at 0.85 s.
BREATHING = (
    timed(
        [(0, ".")]
        + [
            pair
            for start in (0, 0.15, 0.3)
            for pair in [
                (start + 0.05, "x"),
                (start + 0.1, "x"),
                (start + 0.15, "x"),
                (start + 0.15, "."),
            ]
        ]
        + [(0.5, "x")]
        + [(0.5 + 0.05 * k, ".") for k in range(7)]
    ),
    0.85,
)

# The sleep runs in a worker thread: the loop stays free, countdown keeps its
# pace (a dot every 0.05 s, 0 to 0.5 s, then its last sleep until 0.55 s).
# compute's thread sleeps from 0 s, so its crosses come at 0.05, … 0.5 s,
# each after the dot of that instant: countdown's timer and the thread's end
# at the same instant, and the thread's result still has to come back.
TO_THREAD = (
    timed([(0, ".")] + [pair for k in range(1, 11) for pair in [(0.05 * k, "."), (0.05 * k, "x")]]),
    0.55,
)


def test_expected_sequences_read_as_the_video():
    """The spelled-out schedules, as strings: what a student sees."""
    assert "".join(c for _, c in BLOCKING[0]) == ".xxxxxxxxxx.........."
    assert "".join(c for _, c in BREATHING[0]) == ".xxx.xxx.xxx.x......."
    assert "".join(c for _, c in TO_THREAD[0]) == "..x.x.x.x.x.x.x.x.x.x"


def test_blocking_faithful():
    record = faithful_record("w8s9", "blocking")
    assert lines_of(record) == [BLOCKING]
    assert round(record.duration, 6) == 1.0
    check_quiet(record)


def test_breathing_faithful():
    record = faithful_record("w8s9", "breathing")
    assert lines_of(record) == [BREATHING]
    assert round(record.duration, 6) == 0.85
    check_quiet(record)


async def test_blocking_port():
    # countdown takes its first step before compute starts (one checkpoint in
    # between), so trio's order of tasks started together plays no part.
    record = await port_record("w8s9", "blocking")
    assert lines_of(record) == [BLOCKING]
    assert round(record.duration, 6) == 1.0
    check_quiet(record)


def check_trio_breathing(line):
    """The interleavings trio may give (it runs the tasks that are ready at
    once in an order of its choosing, reversed at random):

    countdown wakes in the first batch that starts once its sleep is over,
    and compute, always ready, runs in every batch, before or after it.  So
    between two dots there are one or two crosses (never three, as asyncio's
    extra turn gives); a dot comes at the time of the cross before it (only
    compute's blocking sleeps move the clock); once compute is done (its last
    cross at 0.5 s), the next dot comes at 0.5 s, and the others every 0.05 s.
    """
    chars, end = line
    assert [p for p in chars if p[1] == "x"] == timed((0.05 * k, "x") for k in range(1, 11))
    assert [c for _, c in chars].count(".") == 11
    assert chars[0] == (0.0, ".")
    last_cross = max(i for i, (_, c) in enumerate(chars) if c == "x")
    during = chars[: last_cross + 1]
    runs = "".join(c for _, c in during).split(".")[1:]
    assert all(run in ("x", "xx") for run in runs[:-1]), runs
    assert runs[-1] in ("x", "xx"), runs
    assert all(t == during[i - 1][0] for i, (t, c) in enumerate(during) if c == "." and i)
    after = chars[last_cross + 1 :]
    assert after == timed((0.5 + 0.05 * k, ".") for k in range(len(after)))
    assert end == round(after[-1][0] + 0.05, 6)


async def test_breathing_port(backend_name):
    # trio: a few runs, each one of its random interleavings
    for _ in range(4 if backend_name == "trio" else 1):
        record = await port_record("w8s9", "breathing")
        labels = [line[:13] for _, line in record.lines()]
        assert labels == ["checkpoint() ", "to_thread    "]
        checkpoint, to_thread = lines_of(record)
        if backend_name == "asyncio":
            # anyio on asyncio: checkpoint() is asyncio.sleep(0), as in the video
            assert checkpoint == BREATHING
        else:
            check_trio_breathing(checkpoint)
        assert to_thread == TO_THREAD
        check_quiet(record)


def test_check_trio_breathing_rejects_asyncio_and_blocking():
    """The trio check must be able to fail: asyncio's three crosses in a row,
    blocking's ten."""
    with pytest.raises(AssertionError):
        check_trio_breathing(BREATHING)
    with pytest.raises(AssertionError):
        check_trio_breathing(BLOCKING)


# -- worker threads on a virtual clock (common/virtual.py) --------------------


async def test_thread_sleep_follows_the_virtual_clock():
    """``to_thread.run_sync(time.sleep, s)`` sleeps ``s`` virtual seconds
    without holding the loop, which keeps its own timers meanwhile."""
    ticks = []

    async def ticker():
        for _ in range(3):
            await anyio.sleep(0.1)
            ticks.append(round(anyio.current_time() - start, 6))

    start = anyio.current_time()
    with blocking_sleep_moves_clock(virtual_advance(), virtual_hold()):
        async with anyio.create_task_group() as tg:
            tg.start_soon(ticker)
            await anyio.to_thread.run_sync(time.sleep, 0.25)
            slept = round(anyio.current_time() - start, 6)
        # other work in a thread is left alone
        assert await anyio.to_thread.run_sync(lambda: 42) == 42
        # in the loop's thread, time.sleep still blocks: the clock moves at once
        time.sleep(0.5)  # noqa: ASYNC251 (blocks on purpose)
        assert round(anyio.current_time() - start, 6) == 0.8
    assert slept == 0.25
    assert ticks == [0.1, 0.2, 0.3]


async def test_thread_sleep_patch_is_undone(backend_name):
    real_run_sync, real_sleep = anyio.to_thread.run_sync, time.sleep
    hold = virtual_hold()
    with blocking_sleep_moves_clock(virtual_advance(), hold):
        assert anyio.to_thread.run_sync is not real_run_sync
    assert (anyio.to_thread.run_sync, time.sleep) == (real_run_sync, real_sleep)
    if backend_name == "trio":
        import trio

        clock = trio.lowlevel.current_clock()
        hold(+1)
        hold(+1)
        assert clock.autojump_threshold == math.inf
        hold(-1)
        assert clock.autojump_threshold == math.inf
        hold(-1)
        assert clock.autojump_threshold == 0


def test_no_hold_on_a_real_clock():
    assert virtual_hold() is None


# -- boom ---------------------------------------------------------------------

NEVER_RETRIEVED = "Task exception was never retrieved"


class _ToCurrentStderr(logging.Handler):
    """What logging does when nothing is configured (its "last resort"):
    write the message, at WARNING and above, to whatever ``sys.stderr`` is
    now (the recorder, while a demo runs)."""

    def emit(self, record):
        sys.stderr.write(self.format(record) + "\n")


@pytest.fixture(autouse=True)
def asyncio_logs_on_stderr():
    """asyncio logs through the ``logging`` module.  On the command line
    nothing configures logging, so its messages go to ``sys.stderr``, where
    the recorder sees them; pytest configures logging (it captures it), so
    here a handler puts them on ``sys.stderr`` as the command line would."""
    logger = logging.getLogger("asyncio")
    handler = _ToCurrentStderr(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def test_boom_faithful():
    """The error only shows as asyncio's log line, at 0 s: the finished task
    is freed at once (nothing keeps it); the loop goes on until the bound."""
    record = faithful_record("w8s9", "boom")
    # the bound is the video's Ctrl-C: the seed's except says bye
    assert record.schedule() == [(1.5, "bye")]
    assert record.stopped == "bound"
    assert round(record.duration, 6) == 1.5
    stderr = record.lines("stderr")
    assert stderr[0] == (0.0, NEVER_RETRIEVED)
    assert record.text("stderr").count(NEVER_RETRIEVED) == 1
    assert "coro=<boom() done" in record.text("stderr")
    assert stderr[-1] == (0.0, "ZeroDivisionError: division by zero")


def test_boom_faithful_duration():
    record = faithful_record("w8s9", "boom", duration=3)
    assert round(record.duration, 6) == 3
    assert record.lines("stderr")[0] == (0.0, NEVER_RETRIEVED)


async def test_boom_port():
    """The task group fails at 0 s with the ZeroDivisionError, caught by
    ``except*``; boom(1)'s result is kept; the bound is never reached."""
    record = await port_record("w8s9", "boom")
    assert record.schedule() == at_zero(
        ["caught ZeroDivisionError('division by zero')", "boom(1) returned 1.0"]
    )
    assert record.stopped is None
    assert record.duration == 0
    check_quiet(record)


# -- --debug: asyncio's slow-callback warning ---------------------------------

SLOW = re.compile(
    r"Executing <Task finished name='(?P<name>[^']+)' coro=<(?P<coro>[^>]+)>.*> took 0\.500 seconds"
)


def test_debug_faithful_logs_the_blocking_step():
    record = faithful_record("w8s9", "blocking", debug=True)
    slow = SLOW.findall(record.text("stderr"))
    assert len(slow) == 1
    assert slow[0][1].startswith("compute() done")
    # the same output on stdout, debug or not
    assert lines_of(record) == [BLOCKING]
    assert "Executing" not in faithful_record("w8s9", "blocking").text("stderr")


def test_debug_faithful_breathing_steps_are_short():
    # each step of the breathing compute holds the loop 0.05 s: under 0.1 s
    record = faithful_record("w8s9", "breathing", debug=True)
    assert "Executing" not in record.text("stderr")


def test_debug_port_on_asyncio():
    demo = lesson("anyio", "w8s9")["blocking"]
    record = run_demo(demo, backend="asyncio", virtual=True, echo=False, debug=True)
    slow = SLOW.findall(record.text("stderr"))
    assert [name for name, _ in slow] == ["lessons_anyio.w8s9.compute"]


def test_debug_port_on_trio_changes_nothing():
    demo = lesson("anyio", "w8s9")["blocking"]
    record = run_demo(demo, backend="trio", virtual=True, echo=False, debug=True)
    assert record.text("stderr") == ""
    assert lines_of(record) == [BLOCKING]


# -- command line -------------------------------------------------------------

DEMOS = [
    "coroutine_object",
    "scenarios",
    "never_awaited",
    "await_sync",
    "blocking",
    "breathing",
    "boom",
]


def headers(stdout):
    return [line.split()[2].rstrip(":") for line in stdout.splitlines() if line.startswith("=== ")]


def test_cli_faithful_all_demos():
    result = run_cli("lessons_asyncio.w8s9")
    assert result.returncode == 0, result.stderr
    assert headers(result.stdout) == DEMOS
    for line in SCENARIOS + NEVER_AWAITED + AWAIT_SYNC:
        assert line in result.stdout.splitlines()
    assert ".xxxxxxxxxx..........\n" in result.stdout
    assert ".xxx.xxx.xxx.x.......\n" in result.stdout
    assert "bye\n(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)\n" in (
        result.stdout
    )
    # stderr: coroutine_object's warning (Python's, 3 lines), then boom's lost exception
    warning, _, rest = result.stderr.partition("allocation traceback\n")
    assert warning.count(FOO_NEVER_AWAITED) == 1
    assert len(warning.splitlines()) == 3, result.stderr
    assert rest.startswith(NEVER_RETRIEVED)
    assert rest.count(NEVER_RETRIEVED) == 1
    assert "Warning" not in rest


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cli_port_all_demos(backend):
    result = run_cli("lessons_anyio.w8s9", "--backend", backend)
    assert result.returncode == 0, result.stderr
    assert headers(result.stdout) == [*DEMOS, "start_soon_coro"]
    for line in SCENARIOS + NEVER_AWAITED + AWAIT_SYNC:
        assert line in result.stdout.splitlines()
    assert ".xxxxxxxxxx..........\n" in result.stdout
    assert "to_thread    ..x.x.x.x.x.x.x.x.x.x\n" in result.stdout
    assert "caught ZeroDivisionError('division by zero')" in result.stdout
    # stderr: only coroutine_object's warning (Python's, 3 lines)
    assert result.stderr.count(FOO_NEVER_AWAITED) == 1
    assert len(result.stderr.splitlines()) == 3, result.stderr


@pytest.mark.parametrize(
    "module, extra",
    [("lessons_asyncio.w8s9", []), ("lessons_anyio.w8s9", ["--backend", "asyncio"])],
)
def test_cli_debug(module, extra):
    result = run_cli(module, "blocking", "--debug", *extra)
    assert result.returncode == 0, result.stderr
    assert len(SLOW.findall(result.stderr)) == 1
    assert "--debug" in run_cli(module, "--help").stdout


def test_cli_list_marks_the_port_only_demo():
    result = run_cli("lessons_anyio.w8s9", "--list")
    assert result.stdout.splitlines()[-1].endswith("[port only]")
    assert result.stdout.splitlines()[-1].startswith("start_soon_coro")


def test_ctrl_c_during_boom_prints_bye():
    """Real time: once asyncio has logged the lost exception the loop runs
    forever; Ctrl-C reaches the seed's ``except KeyboardInterrupt``."""
    # asyncio has logged the lost exception (its last line) on stderr
    stopped = ctrl_c_after(
        "lessons_asyncio.w8s9",
        "boom",
        "--duration",
        "5",
        event=re.compile(r"^ZeroDivisionError.*\n", re.MULTILINE),
        stream="stderr",
    )
    stdout, stderr = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert stdout.splitlines()[-1] == "bye"
    assert "interrupted (Ctrl-C): boom stopped, its cleanup ran" in stderr
    assert stderr.count(NEVER_RETRIEVED) == 1
    # the one traceback is the one asyncio logs for boom(0)
    assert stderr.count("Traceback") == 1
    assert "was destroyed" not in stderr
    assert "ResourceWarning" not in stderr


@pytest.mark.parametrize(
    "module, extra",
    [
        ("lessons_asyncio.w8s9", []),
        ("lessons_anyio.w8s9", ["--backend", "asyncio"]),
        ("lessons_anyio.w8s9", ["--backend", "trio"]),
    ],
)
def test_ctrl_c_waits_for_the_blocking_crosses(module, extra):
    """Real time: Ctrl-C right after the first dot, while compute holds the
    loop: the demo stops only after compute's ten crosses (0.5 s).

    The interrupt is handed to the loop (a callback, thread-safe) while
    compute blocks; asyncio runs it before the callback of countdown's timer,
    due meanwhile, so no dot follows.  trio runs the two in either order:
    countdown may print one more dot before its sleep is cancelled."""
    # Ctrl-C once countdown's first dot is printed, as compute starts; a
    # machine too busy to see the dot before compute has ended tries again
    for _ in range(3):
        stopped = ctrl_c_after(module, "blocking", *extra, event="\n.")
        if stopped.pressed_after.rsplit("\n", 1)[-1].count("x") < 10:
            break  # pressed while compute held the loop
    else:
        pytest.fail(f"Ctrl-C came after compute ended, three times: {stopped}")
    assert stopped.code == 130, stopped
    last = stopped.out.splitlines()[-1]
    if "trio" in extra:
        assert last in (".xxxxxxxxxx", ".xxxxxxxxxx.")
    else:
        assert last == ".xxxxxxxxxx"
    assert stopped.err == "interrupted (Ctrl-C): blocking stopped, its cleanup ran\n"

"""w8s5: every step of the await protocol, faithful and port; what real
event loops make of a bare yield; the portable stack on both backends."""

import inspect

import anyio
import pytest

from common.runner import BACKENDS, run_demo
from tests.harness import faithful_record, lesson, port_record, run_main

pytestmark = pytest.mark.anyio

# The video's five demos drive coroutines by hand: no loop, no time passes.
# The shell echoes the repr of what each send() returns (strings in quotes).

# send(None) runs main into Awaitable.__await__, which prints, then yields
# 'yielded': the value comes out of send().
AWAITABLE = ["in Awaitable", "'yielded'"]

# Two sends, one per yield; the third resumes after the last yield:
# __await__ returns 'returned' to the `await` in main, which drops it, so
# main returns None and send() raises StopIteration with value None.
AWAITABLE2 = [
    "step1",
    "'yield1'",
    "step2",
    "'yield2'",
    "oops <class 'StopIteration'> None",
]

# Each coroutine keeps its own place: coro1 and coro2 alternate, each goes
# through step1, step2, then its StopIteration, in the order of the sends.
INTERLEAVED = [
    "step1",
    "'yield1'",
    "step1",
    "'yield1'",
    "step2",
    "'yield2'",
    "step2",
    "'yield2'",
    "oops <class 'StopIteration'> None",
    "oops <class 'StopIteration'> None",
]

# w2 awaits w1('first') then w1('second'): their yields come out of the
# send() on w4, through w3 and w2.  The third send finishes: 1 + 1 = 2 in
# w2, + 1 in w3, + 1 in w4 = 4.
STACK = [
    "'yield first'",
    "'yield second'",
    "OOPS <class 'StopIteration'> 4",
]

# send(None) starts it: step1, then 'yielded1' comes out.  send("message")
# resumes the yield, which evaluates to "message"; it runs to the next yield.
BOTHWAYS = [
    "step1",
    "'yielded1'",
    "received1 message",
    "step2",
    "'yielded2'",
]

SHARED = {
    "awaitable": AWAITABLE,
    "awaitable2": AWAITABLE2,
    "interleaved": INTERLEAVED,
    "stack": STACK,
    "bothways": BOTHWAYS,
}

# The bad yield: what each real loop says, and the words that identify it.
BAD_YIELD = {
    "asyncio": (RuntimeError, "Task got bad yield: 'yielded'"),
    "trio": (TypeError, "trio.run received unrecognized yield message 'yielded'"),
}

# faithful, then the port on each backend (its runner's --backend)
RUNS = [
    pytest.param("asyncio", "asyncio", id="faithful"),
    pytest.param("anyio", "asyncio", id="port-asyncio"),
    pytest.param("anyio", "trio", id="port-trio"),
]


def module(flavour):
    return inspect.getmodule(lesson(flavour, "w8s5")["awaitable"].func)


def record_of(flavour, demo, backend):
    if flavour == "asyncio":
        return faithful_record("w8s5", demo)
    # The port's protocol demos are plain functions, run as the command line
    # runs them (they start no loop; the backend must not matter).
    return run_demo(lesson("anyio", "w8s5")[demo], backend=backend, virtual=True, echo=False)


def printed(record):
    return [line for _, line in record.lines()]


# -- the video's demos, as printed --------------------------------------------


@pytest.mark.parametrize(("flavour", "backend"), RUNS)
@pytest.mark.parametrize("demo", list(SHARED))
def test_shared_demo_prints_every_step(flavour, backend, demo):
    record = record_of(flavour, demo, backend)
    assert printed(record) == SHARED[demo]
    assert record.text("stderr") == ""


@pytest.mark.parametrize("demo", list(SHARED))
def test_shared_demo_takes_no_time_faithful(demo):
    """On the runner's virtual loop, nothing moves the clock: all at 0 s."""
    record = faithful_record("w8s5", demo)
    assert record.schedule() == [(0.0, line) for line in SHARED[demo]]
    assert record.duration == 0


def test_port_protocol_code_is_the_faithful_code():
    """The port's docstring says so: the video's classes, coroutines and
    demos are the same source in both twins."""
    faithful, port = module("asyncio"), module("anyio")
    names = ["Awaitable", "Awaitable2", "w1", "w2", "w3", "w4", "BothWays"]
    for name in names:
        assert inspect.getsource(getattr(port, name)) == inspect.getsource(
            getattr(faithful, name)
        ), name
    for demo in SHARED:
        assert inspect.getsource(lesson("anyio", "w8s5")[demo].func) == inspect.getsource(
            lesson("asyncio", "w8s5")[demo].func
        ), demo


def test_port_only_demos_come_last():
    demos = lesson("anyio", "w8s5").demos
    assert list(demos) == [*SHARED, "bad_yield", "portable"]
    assert [d.name for d in demos.values() if d.port_only] == ["bad_yield", "portable"]
    assert not any(d.port_only for d in lesson("asyncio", "w8s5").demos.values())


# -- the protocol itself, step by step, on both flavours's classes -------------

FLAVOURS = ["asyncio", "anyio"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_awaitable_protocol(flavour, capsys):
    mod = module(flavour)
    it = mod.Awaitable().__await__()
    assert capsys.readouterr().out == ""  # __await__ is a generator: nothing ran
    assert it.send(None) == "yielded"
    assert capsys.readouterr().out == "in Awaitable\n"
    with pytest.raises(StopIteration) as info:
        it.send(None)
    assert info.value.value is None  # falls off the end: returns None


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_awaitable2_returns_to_await_not_to_the_caller(flavour, capsys):
    mod = module(flavour)
    it = mod.Awaitable2().__await__()
    assert it.send(None) == "yield1"
    assert it.send(None) == "yield2"
    with pytest.raises(StopIteration) as info:
        it.send(None)
    assert info.value.value == "returned"
    assert capsys.readouterr().out == "step1\nstep2\n"

    # what the demo's main (the seed's) does with it: drops it
    async def main():
        await mod.Awaitable2()

    # what bothways' main does: returns it
    async def main_returns():
        return await mod.Awaitable2()

    for coroutine_function, value in [(main, None), (main_returns, "returned")]:
        coro = coroutine_function()
        assert [coro.send(None), coro.send(None)] == ["yield1", "yield2"]
        with pytest.raises(StopIteration) as info:
            coro.send(None)
        assert info.value.value == value


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_stack_protocol(flavour):
    mod = module(flavour)
    coro = mod.w4()
    assert coro.send(None) == "yield first"
    assert coro.send(None) == "yield second"
    with pytest.raises(StopIteration) as info:
        coro.send(None)
    assert info.value.value == 4
    # a finished coroutine cannot be resumed
    with pytest.raises(RuntimeError, match="cannot reuse already awaited coroutine"):
        coro.send(None)
    # each level adds its own: w2 gives 2, w3 gives 3
    for coroutine_function, value in [(mod.w2, 2), (mod.w3, 3)]:
        coro = coroutine_function()
        assert [coro.send(None), coro.send(None)] == ["yield first", "yield second"]
        with pytest.raises(StopIteration) as info:
            coro.send(None)
        assert info.value.value == value


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_bothways_protocol_to_the_end(flavour, capsys):
    """The video stops after two sends; a third one finishes the exchange."""
    mod = module(flavour)

    async def main():
        return await mod.BothWays()

    coro = main()
    assert coro.send(None) == "yielded1"
    assert coro.send("message") == "yielded2"
    with pytest.raises(StopIteration) as info:
        coro.send("reply")
    assert info.value.value == "returned"
    assert capsys.readouterr().out == ("step1\nreceived1 message\nstep2\nreceived2 reply\n")


# -- port only: real event loops and a bare yield ------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_yield_demo(backend):
    """The demo runs both loops itself, whatever the runner's backend."""
    record = run_demo(lesson("anyio", "w8s5")["bad_yield"], backend=backend, echo=False)
    lines = printed(record)
    assert len(lines) == 6
    assert lines[0] == lines[3] == "in Awaitable"  # __await__ ran up to its yield
    assert lines[1] == "asyncio: RuntimeError: Task got bad yield: 'yielded'"
    assert lines[2].startswith("  an asyncio task understands only None")
    assert lines[4].startswith(
        "trio: TypeError: trio.run received unrecognized yield message 'yielded'."
    )
    assert lines[5].startswith("  trio understands only the private messages")
    assert record.text("stderr") == ""


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_yield_comes_out_of_run(backend):
    """What the demo catches: the backend's own error, out of anyio.run."""
    error, words = BAD_YIELD[backend]

    async def main():
        await module("anyio").Awaitable()

    with pytest.raises(error) as info:
        anyio.run(main, backend=backend)
    assert words in str(info.value)


async def test_bad_yield_is_thrown_back_in_at_the_yield(backend_name, capsys):
    """Each loop throws its error into the coroutine, at the yield: it can be
    caught around the await, and the task goes on (here on virtual clocks)."""
    error, words = BAD_YIELD[backend_name]
    with pytest.raises(error) as info:
        await module("anyio").Awaitable()
    assert words in str(info.value)
    await anyio.sleep(1)  # the task is still alive and well
    assert capsys.readouterr().out == "in Awaitable\n"


async def test_the_video_stack_fails_under_a_real_loop(backend_name):
    """The reason the port needs `portable`: the seed's w1 yields a string."""
    error, _ = BAD_YIELD[backend_name]
    with pytest.raises(error, match="'yield first'"):
        await module("anyio").w4()


async def test_portable_stack_returns_4(backend_name):
    record = await port_record("w8s5", "portable")
    # each w1 prints its marker, then checkpoints (no time passes);
    # w4 returns 1 + 1 + 1 + 1
    assert record.schedule() == [
        (0.0, "yield first"),
        (0.0, "yield second"),
        (0.0, "4"),
    ]
    assert record.text("stderr") == ""


@pytest.mark.parametrize("backend", BACKENDS)
def test_portable_demo_from_the_runner(backend):
    record = run_demo(
        lesson("anyio", "w8s5")["portable"], backend=backend, virtual=True, echo=False
    )
    assert record.schedule() == [(0.0, "yield first"), (0.0, "yield second"), (0.0, "4")]


async def test_checkpoint_yields_what_the_loop_understands(backend_name):
    """The docstring's claim: anyio's checkpoint yields None on asyncio, and a
    private message of trio's on trio, which sends an outcome back in."""
    from anyio.lowlevel import checkpoint

    seen = []

    class Spy:
        """Passes on what the awaitable yields and what is sent back, noting
        both (enough for a checkpoint, which is not cancelled here)."""

        def __init__(self, awaitable):
            self.awaitable = awaitable

        def __await__(self):
            inner = self.awaitable.__await__()
            value = None
            while True:
                try:
                    message = inner.send(value)
                except StopIteration as stop:
                    return stop.value
                value = yield message
                seen.append((message, value))

    await Spy(checkpoint())
    assert len(seen) == 1
    message, sent_back = seen[0]
    if backend_name == "asyncio":
        assert (message, sent_back) == (None, None)
    else:
        import outcome

        assert message.__name__ == "CancelShieldedCheckpoint"
        assert sent_back == outcome.Value(None)


async def test_a_bare_yield_is_asyncio_only(backend_name):
    """None is asyncio's own "let the others run" (what asyncio.sleep(0)
    yields); trio refuses it like any other foreign value."""

    class Bare:
        def __await__(self):
            yield
            return 1

    if backend_name == "asyncio":
        assert await Bare() == 1
    else:
        with pytest.raises(TypeError, match="unrecognized yield message None"):
            await Bare()


# -- the command line ----------------------------------------------------------


def expected_output(names, flavour, backend):
    lessons = lesson(flavour, "w8s5")
    on = f" on {backend}" if flavour == "anyio" else ""
    lines = []
    for name in names:
        lines.append(f"=== w8s5 {name}{on}: {lessons[name].description}")
        lines.extend(SHARED.get(name, []))
    return lines


@pytest.mark.parametrize(("flavour", "backend"), RUNS)
def test_cli_runs_each_demo(flavour, backend):
    names = lesson(flavour, "w8s5").names()
    args = ["--backend", backend] if flavour == "anyio" else []
    result = run_main(f"lessons_{flavour}.w8s5", *names, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout.splitlines()
    if flavour == "asyncio":
        assert out == expected_output(names, flavour, backend)
        return
    # the shared demos, then the port's two with their own lines
    shared = expected_output(list(SHARED), flavour, backend)
    assert out[: len(shared)] == shared
    rest = out[len(shared) :]
    assert rest[0] == expected_output(["bad_yield"], flavour, backend)[0]
    assert rest[2] == "asyncio: RuntimeError: Task got bad yield: 'yielded'"
    assert rest[5].startswith("trio: TypeError: trio.run received unrecognized yield message")
    assert rest[7:] == [
        expected_output(["portable"], flavour, backend)[0],
        "yield first",
        "yield second",
        "4",
    ]


def test_cli_list_marks_the_port_only_demos():
    result = run_main("lessons_anyio.w8s5", "--list")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [*SHARED, "bad_yield", "portable"]
    port_only = [line.split()[0] for line in result.stdout.splitlines() if "[port only]" in line]
    assert port_only == ["bad_yield", "portable"]

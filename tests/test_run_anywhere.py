"""``from common import run``: wherever it is called, what a learner gets.

A plain call, inside ``asyncio.run``, ``trio.run`` and ``anyio.run`` (where the
demo cannot take over the caller's thread), from a worker thread, twice at
once from two threads; output printed live; Ctrl-C while the caller waits;
bad input.  Schedules on virtual time, exact.
"""

import _thread
import asyncio
import io
import signal
import sys
import threading
from contextlib import redirect_stdout

import anyio
import anyio.lowlevel
import pytest
import trio

import common
from common.lesson import Lesson
from common.runner import interrupted
from tests.harness import lesson, no_leaks

GATHER_END = (1.5, "['run1 par morceaux', 'run2 par morceaux']")
WINDOW_END = (5.0, "5s + 000ms <<< job7 - duration 2")


def faithful_gather():
    return common.run("w8s2", "gather", virtual=True, echo=False)


def test_run_by_demo_by_function_and_by_name_is_the_same():
    import lessons_asyncio.w8s2 as w8s2

    by_demo = common.run(w8s2.lesson["gather"], virtual=True, echo=False)
    by_name = faithful_gather()
    assert by_demo.schedule()[-1] == GATHER_END
    assert by_name.schedule() == by_demo.schedule()
    port = common.run("w8s2", "gather", flavour="anyio", backend="trio", virtual=True, echo=False)
    assert port.schedule()[-1] == GATHER_END


def test_run_inside_asyncio_run():
    async def main():
        faithful = faithful_gather()
        port = common.run("w8s8", "window", flavour="anyio", virtual=True, echo=False)
        return faithful, port

    faithful, port = asyncio.run(main())
    assert faithful.schedule()[-1] == GATHER_END
    assert port.schedule()[-1] == WINDOW_END


def test_run_inside_trio_run():
    async def main():
        return faithful_gather()

    assert trio.run(main).schedule()[-1] == GATHER_END


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_run_inside_anyio_run(backend):
    async def main():
        return common.run(
            "w8s2", "gather", flavour="anyio", backend="trio", virtual=True, echo=False
        )

    assert anyio.run(main, backend=backend).schedule()[-1] == GATHER_END


def test_run_from_a_worker_thread():
    records = []
    thread = threading.Thread(target=lambda: records.append(faithful_gather()))
    thread.start()
    thread.join()
    assert records[0].schedule()[-1] == GATHER_END


def test_two_runs_at_once_from_two_threads_each_get_their_own_lines():
    """Two demos printing at the same time: each record has its own demo's
    lines only, and each caller's stream gets its own demo's output."""
    start = threading.Barrier(2)
    results = {}

    def one(name, demo, flavour):
        # each caller's own stream, given (not redirect_stdout: it swaps the
        # process's sys.stdout, and two threads swapping it at once race)
        out = io.StringIO()
        start.wait()
        record = common.run(name, demo, flavour=flavour, virtual=True, stdout=out)
        results[demo] = record, out.getvalue()

    threads = [
        threading.Thread(target=one, args=("w8s8", "window", "asyncio")),
        threading.Thread(target=one, args=("w8s2", "gather", "anyio")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    window, window_out = results["window"]
    gather, gather_out = results["gather"]
    assert gather.schedule()[-1] == GATHER_END
    assert not any("job" in line for _, line in gather.schedule())
    assert all("run" not in line for _, line in window.schedule())
    assert window.text() == window_out
    assert gather.text() == gather_out
    assert window.stopped == "bound"


def test_output_reaches_the_callers_stream_as_it_is_printed():
    """The demo waits until its first line has reached the caller's stream:
    it would wait for ever if output came only at the end (a timeout fails)."""
    seen = threading.Event()
    fake = Lesson("lessons_asyncio.fake_live")

    class Stream(io.StringIO):
        def write(self, text):
            if "first" in text:
                seen.set()
            return super().write(text)

    @fake.demo
    def live():
        "prints, then waits to be seen"
        print("first")
        assert seen.wait(timeout=30), "the line was not forwarded while the demo ran"
        print("second")

    stream = Stream()
    with redirect_stdout(stream):
        record = common.run(fake["live"])
    assert stream.getvalue() == record.text() == "first\nsecond\n"


def ctrl_c_to_the_caller():
    """Ctrl-C, as a terminal or a Jupyter kernel sends it: SIGINT to the main
    thread, which waits in run()."""
    signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)


def lesson_pressed_by_ctrl_c(flavour, press):
    """A demo that runs forever, sends Ctrl-C to its caller once started
    (``press``), and says bye where it catches it, as the seed does."""
    package = {"asyncio": "lessons_asyncio", "anyio": "lessons_anyio"}.get(
        flavour, "lessons_asyncio.modern"
    )
    fake = Lesson(f"{package}.fake_ctrl_c")
    if flavour == "asyncio":

        @fake.demo
        def forever():
            "runs forever"
            loop = asyncio.get_event_loop()
            loop.call_soon(print, "started")
            loop.call_soon(press)
            try:
                loop.run_forever()
            except KeyboardInterrupt:
                print("bye")

    elif flavour == "anyio":

        @fake.demo
        async def forever():
            "runs forever"
            print("started")
            press()
            try:
                await anyio.sleep_forever()
            except anyio.get_cancelled_exc_class():
                if interrupted():
                    print("bye")
                raise

    else:

        @fake.demo
        async def forever():
            "runs forever"
            print("started")
            press()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                print("bye")
                raise

    return fake


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals")
@pytest.mark.parametrize(
    "press",
    [
        pytest.param(ctrl_c_to_the_caller, id="sigint"),
        # sets Python's Ctrl-C flag and sends no signal, as a real Ctrl-C
        # does that lands just before the caller's wait blocks
        pytest.param(_thread.interrupt_main, id="no-signal"),
    ],
)
@pytest.mark.parametrize("flavour", ["asyncio", "anyio", "modern"])
def test_ctrl_c_while_waiting_stops_the_demo_then_raises(flavour, press):
    """The demo is stopped as on the command line (its bye), its cleanup has
    run, and then the caller gets KeyboardInterrupt, with the record.  Should
    the caller's wait miss the Ctrl-C, a real SIGINT sent 10 s later ends it,
    and the test fails instead of hanging."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("Ctrl-C is handled by someone else here")
    fake = lesson_pressed_by_ctrl_c(flavour, press)
    rescued = threading.Event()

    def rescue():
        rescued.set()
        ctrl_c_to_the_caller()

    timer = threading.Timer(10, rescue)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            common.run(fake["forever"], echo=False)
    finally:
        timer.cancel()
        timer.join()
    assert not rescued.is_set()  # seen without a second Ctrl-C
    record = caught.value.record
    assert record.text() == "started\nbye\n"
    assert record.stopped == "interrupt"
    assert demo_threads() == []  # the demo's thread is gone


def test_the_same_demo_runs_again_afterwards():
    first, second = faithful_gather(), faithful_gather()
    assert first.schedule() == second.schedule()


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        ((None,), {}, TypeError, "not a demo: None"),
        ((42,), {}, TypeError, "not a demo: 42"),
        ((print,), {}, ValueError, "is not a registered demo"),
        ((lambda: None,), {}, ValueError, "is not a registered demo"),
        (("w8s2",), {}, TypeError, "needs the demo's name"),
        (("w8s99", "gather"), {}, ValueError, "no lesson 'w8s99'"),
        (("w8s2", "nope"), {}, ValueError, "has no demo 'nope'"),
        (("w8s2", "gather"), {"flavour": "curio"}, ValueError, "unknown flavour 'curio'"),
        (("w8s2", "gather"), {"backend": "curio"}, ValueError, "unknown backend 'curio'"),
        (("w8s2", "gather"), {"backend": "trio"}, ValueError, "runs on asyncio only"),
        (("w8s8", "window"), {"duration": 2e7}, ValueError, "duration must be"),
        (("w8s8", "window"), {"duration": -1}, ValueError, "duration must be"),
        (("w8s8", "window"), {"duration": "5"}, TypeError, "duration must be a number"),
    ],
)
def test_bad_input_is_a_clear_exception(args, kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        common.run(*args, **kwargs)


def test_a_lesson_is_not_a_demo():
    with pytest.raises(TypeError, match=r"lesson\['morceaux'\]"):
        common.run(lesson("asyncio", "w8s2"))


def test_a_failing_demo_raises_its_error_with_the_record():
    fake = Lesson("lessons_asyncio.fake_fails")

    @fake.demo
    def fails():
        "prints, then fails"
        print("before")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom") as caught:
        common.run(fake["fails"], echo=False)
    assert caught.value.record.text() == "before\n"


@pytest.mark.anyio
async def test_arun_a_port_in_the_callers_loop(backend_name):
    """Same backend: in the caller's own loop, on its (virtual) clock."""
    record = await common.arun("w8s2", "gather", flavour="anyio", echo=False)
    assert record.schedule()[-1] == GATHER_END
    assert anyio.current_time() == 1.5  # the test's own clock moved


@pytest.mark.anyio
@pytest.mark.parametrize("flavour", ["anyio", "asyncio"])
async def test_arun_writes_to_the_streams_given(backend_name, flavour):
    """In the caller's loop (the port) or in a thread (the video's code)."""
    out, err = io.StringIO(), io.StringIO()
    record = await common.arun(
        "w8s2", "gather", flavour=flavour, virtual=True, stdout=out, stderr=err
    )
    assert (out.getvalue(), err.getvalue()) == (record.text(), "")
    assert out.getvalue().endswith(GATHER_END[1] + "\n")


@pytest.mark.anyio
async def test_arun_elsewhere_does_not_block_the_callers_loop(backend_name):
    """A faithful demo (or another backend) runs in a thread: meanwhile the
    caller's loop goes on (a task of the caller's ticks)."""
    ticks = []

    async def tick():
        while True:
            ticks.append(anyio.current_time())
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        tg.start_soon(tick)
        record = await common.arun("w8s2", "gather", virtual=True, echo=False)
        tg.cancel_scope.cancel()
    assert record.schedule()[-1] == GATHER_END
    assert len(ticks) > 1


def demo_threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("lesson ")]


def test_arun_cancelled_stops_the_demo_and_waits_for_its_cleanup():
    fake = Lesson("lessons_asyncio.fake_cancelled")
    started = threading.Event()
    said = []

    @fake.demo
    def forever():
        "runs until cancelled"
        loop = asyncio.get_event_loop()
        loop.call_soon(started.set)
        try:
            loop.run_forever()
        except KeyboardInterrupt:
            said.append("bye")

    async def main():
        with anyio.move_on_after(30) as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(lambda: common.arun(fake["forever"], echo=False))
                await anyio.to_thread.run_sync(started.wait)
                tg.cancel_scope.cancel()
        return scope.cancelled_caught

    assert anyio.run(main) is False  # cancelled by the task group, in time
    # arun returned after the demo's cleanup: its bye, its thread gone
    assert (said, demo_threads()) == (["bye"], [])


def test_run_is_exported_lazily():
    import subprocess

    code = (
        "import sys, common; assert 'common.api' not in sys.modules;"
        " from common import run; from common.runner import run as same;"
        " assert run is same; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout == "ok\n", out.stderr


def test_many_runs_leave_no_thread_and_no_file_descriptor_behind():
    """A kernel runs demos again and again: threads and open files come back
    to where they were (loops closed, worker threads joined)."""
    runs = [
        ("w8s2", "gather", "asyncio", "asyncio"),
        ("w8s9", "blocking", "anyio", "asyncio"),  # threads of its own (to_thread)
        ("w8s9", "blocking", "anyio", "trio"),
    ]
    for name, demo, flavour, backend in runs:  # the first run's imports and caches
        common.run(name, demo, flavour=flavour, backend=backend, virtual=True, echo=False)
    # no thread kept, not even trio's idle ones: the first runs made them
    with no_leaks(kept=()):
        for _ in range(10):
            for name, demo, flavour, backend in runs:
                common.run(name, demo, flavour=flavour, backend=backend, virtual=True, echo=False)

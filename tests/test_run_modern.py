"""Modern demos (``lessons_asyncio.modern``): stdlib asyncio, run as
``asyncio.run`` runs them, with the bound and Ctrl-C as its Ctrl-C."""

import asyncio
import subprocess
import sys
import textwrap

from common.ctrl_c import Interrupt
from common.lesson import Lesson
from common.runner import interrupted, run_demo
from tests.harness import ROOT


def modern_lesson():
    fake = Lesson("lessons_asyncio.modern.fake")

    @fake.demo(forever=2.5)
    async def ticks():
        "a tick a second, for ever; bye when cancelled"
        try:
            for n in range(1_000_000):
                print(f"tick{n}")
                await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("bye", interrupted())
            raise

    @fake.demo
    async def debug_mode():
        "says whether the loop is in debug mode"
        print(asyncio.get_running_loop().get_debug())

    @fake.demo
    async def task_group():
        "two tasks in a TaskGroup"
        async with asyncio.TaskGroup() as tg:
            tg.create_task(asyncio.sleep(2))
            tg.create_task(asyncio.sleep(1))
        print("done")

    return fake


def test_the_bound_cancels_the_main_task():
    record = run_demo(modern_lesson()["ticks"], virtual=True, echo=False)
    assert record.schedule() == [
        (0.0, "tick0"),
        (1.0, "tick1"),
        (2.0, "tick2"),
        (2.5, "bye True"),
    ]
    assert (record.stopped, record.duration) == ("bound", 2.5)


def test_duration_changes_the_bound():
    record = run_demo(modern_lesson()["ticks"], virtual=True, echo=False, duration=1.25)
    assert record.schedule()[-1] == (1.25, "bye True")


def test_ctrl_c_cancels_the_main_task():
    interrupt = Interrupt()

    class PressingLoop(asyncio.SelectorEventLoop):
        """A real loop (a loop_factory of the test's own), Ctrl-C at once."""

    def loop_factory():
        loop = PressingLoop()
        loop.call_soon(interrupt.press)
        return loop

    record = run_demo(
        modern_lesson()["ticks"], echo=False, interrupt=interrupt, loop_factory=loop_factory
    )
    assert [line for _, line in record.schedule()] == ["tick0", "bye True"]
    assert record.stopped == "interrupt"


def test_ctrl_c_before_it_starts():
    # the cancellation lands at the demo's first await, as asyncio's does
    record = run_demo(
        modern_lesson()["ticks"], virtual=True, echo=False, interrupt=Interrupt(requested=True)
    )
    assert (record.schedule(), record.stopped) == ([(0, "tick0"), (0, "bye True")], "interrupt")


def test_debug_mode_is_honoured():
    demo = modern_lesson()["debug_mode"]
    assert run_demo(demo, virtual=True, echo=False, debug=True).text() == "True\n"
    assert run_demo(demo, virtual=True, echo=False).text() == "False\n"


def test_a_task_group_on_virtual_time():
    record = run_demo(modern_lesson()["task_group"], virtual=True, echo=False)
    assert (record.schedule(), record.stopped) == ([(2.0, "done")], None)


def test_command_line_of_a_modern_lesson_imports_no_anyio():
    code = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, ".")
        from tests.test_run_modern import modern_lesson
        from common.cli import main
        code = main(modern_lesson(), ["ticks", "--duration", "1.5"])
        print("anyio imported:", "anyio" in sys.modules, "exit", code)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"LESSONS_VIRTUAL_TIME": "1", "PATH": ""},
        timeout=60,
    )
    assert out.stderr == ""
    assert out.stdout.splitlines() == [
        "=== fake ticks: a tick a second, for ever; bye when cancelled",
        "tick0",
        "tick1",
        "bye True",
        "(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)",
        "anyio imported: False exit 0",
    ]

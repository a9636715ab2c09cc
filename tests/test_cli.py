"""The command line shared by every lesson (common/cli.py), run in this process.

``main(lesson, argv)`` is what ``python -m lessons_…`` runs: the tests here call
it through :func:`tests.harness.run_main` (its output, its exit code, nothing
left behind), which costs no interpreter.  What only a real process shows is
in tests/test_cli_processes.py.
"""

import re

import pytest

from tests.harness import lesson, lesson_names, run_main

MODULES = [
    f"lessons_{flavour}.{name}" for name in lesson_names() for flavour in ("asyncio", "anyio")
]

#: Python's warning for the coroutine that w8s2's morceaux makes and drops, as
#: a script shows it (a process adds a line on tracemalloc: see run_main)
NEVER_AWAITED = r"\S+: RuntimeWarning: coroutine 'morceaux' was never awaited\n  .*\n"


@pytest.mark.parametrize("module", MODULES)
def test_list_names_every_demo_in_order(module):
    flavour, name = module.removeprefix("lessons_").split(".")
    result = run_main(module, "--list")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == lesson(flavour, name).names()
    assert result.stderr == ""


@pytest.mark.parametrize("module", MODULES)
def test_help(module):
    result = run_main(module, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: python -m {module} ")
    assert "--duration" in result.stdout
    assert ("--backend" in result.stdout) == module.startswith("lessons_anyio")


def test_faithful_runs_every_demo_under_a_header():
    result = run_main("lessons_asyncio.w8s2")
    assert result.returncode == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if line.startswith("=== ")]
    assert [h.split()[2].rstrip(":") for h in headers] == ["morceaux", "gather", "famine"]
    assert "run2 fin" in result.stdout
    # only the warning that morceaux's pitfall shows (Python's), once
    assert re.fullmatch(NEVER_AWAITED, result.stderr), result.stderr


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("demo", lesson("anyio", "w8s2").names())
def test_port_runs_each_demo_on_each_backend(demo, backend):
    result = run_main("lessons_anyio.w8s2", demo, "--backend", backend)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"=== w8s2 {demo} on {backend}: ")
    # nothing but the warning that morceaux's pitfall shows (Python's)
    expected = NEVER_AWAITED if demo == "morceaux" else ""
    assert re.fullmatch(expected, result.stderr), result.stderr


def test_the_runner_finishes_a_line_the_demo_left_open():
    """A demo stopped mid-line (dots printed with ``end=""``): the runner's
    next words start on a line of their own."""
    from common.runner import Lesson

    fake = Lesson("lessons_asyncio.fake")

    @fake.demo(forever=1.5)
    def dots():
        "dots forever"
        import asyncio

        async def forever():
            while True:
                print(".", end="", flush=True)
                await asyncio.sleep(1)

        asyncio.ensure_future(forever())  # noqa: RUF006 (the runner cancels it)
        asyncio.get_event_loop().run_forever()

    result = run_main(fake)
    assert result.returncode == 0
    # one dot at 0 s and one at 1 s, then the bound at 1.5 s
    assert result.stdout.splitlines()[1:] == [
        "..",
        "(Ctrl-C pressed by the bound after 1.5 s; --duration S changes it)",
    ]


# -- output encoding, environment, numbers past what the clocks hold ---------------------


@pytest.mark.parametrize(
    "args",
    [
        ("lessons_asyncio.w8s2", "gather"),
        ("lessons_anyio.w8s2", "gather", "--backend", "trio"),
        ("lessons_anyio.w8s2", "gather", "--timeline"),
    ],
)
def test_any_output_encoding(args):
    """On an ASCII terminal the lesson's ``é`` is escaped, not a traceback."""
    result = run_main(*args, encoding="ascii")
    assert (result.returncode, result.stderr) == (0, "")
    assert "run1 d\\xe9but" in result.stdout.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ("lessons_asyncio.w8s8",),
        ("lessons_anyio.w8s8", "--backend", "asyncio"),
        ("lessons_anyio.w8s8", "--backend", "trio"),
    ],
)
@pytest.mark.parametrize("duration", ["2e7", "1e35", "1000001"])
def test_a_bound_past_what_the_clock_counts_is_a_usage_error(args, duration):
    """On virtual time, past ~1e7 s, ``t + 1e-9 == t``: a timer that far would
    never fire and the run would spin for ever.  The maximum is 1e6 s."""
    result = run_main(*args, "producer_consumer", "--duration", duration)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"python -m {args[0]}: error: argument --duration: at most 1e+06 seconds,"
        f" not {duration!r} (see --help)"
    ]


def test_the_longest_bound_is_accepted():
    result = run_main("lessons_asyncio.w8s8", "--duration", "1e6", "--list")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("value", ["maybe", "2", "on please"])
def test_lessons_virtual_time_is_parsed_strictly(value):
    result = run_main("lessons_asyncio.w8s2", "gather", env={"LESSONS_VIRTUAL_TIME": value})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"python -m lessons_asyncio.w8s2: error: LESSONS_VIRTUAL_TIME={value!r}:"
        " use 1 (or true, yes, on) or 0 (or false, no, off)"
    ]


@pytest.mark.parametrize(
    ("value", "virtual"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
        (None, False),
    ],
)
def test_lessons_virtual_time_values(value, virtual, monkeypatch):
    from common.virtual import virtual_from_env

    if value is None:
        monkeypatch.delenv("LESSONS_VIRTUAL_TIME", raising=False)
    else:
        monkeypatch.setenv("LESSONS_VIRTUAL_TIME", value)
    assert virtual_from_env() is virtual


@pytest.mark.parametrize(
    "args",
    [
        ("lessons_asyncio.w8s6",),
        ("lessons_anyio.w8s6", "--backend", "asyncio"),
        ("lessons_anyio.w8s6", "--backend", "trio"),
    ],
    ids=["faithful", "port-asyncio", "port-trio"],
)
def test_the_bound_presses_ctrl_c_on_real_time(args):
    """On real time too, the bound is the video's Ctrl-C: fork's seed says
    bye, the exit code is 0, one line says the bound pressed it."""
    result = run_main(*args, "fork", "--duration", "0.2", virtual=False)
    assert (result.returncode, result.stderr) == (0, "")
    *_, first, bye, bound = result.stdout.splitlines()
    # (on real time the timer's milliseconds are the machine's: 000 when it
    # is quiet, a few more when it is busy; the schedule's tests are on
    # virtual time)
    assert re.fullmatch(r"0s \+ \d\d\dms >>> c1", first), first
    assert (bye, bound) == (
        "bye",
        "(Ctrl-C pressed by the bound after 0.2 s; --duration S changes it)",
    )

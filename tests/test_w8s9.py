"""w8s9: every pitfall's real outcome, on virtual time (the dots and crosses:
test_w8s9_blocking.py; boom, --debug, the command line: test_w8s9_cli.py)."""

import importlib
import inspect
import sys
import warnings

import pytest

from common.outcome import Case, cases, observe
from tests.harness import (
    faithful_record,
    port_record,
    showing_never_awaited,
)
from tests.w8s9_support import asyncio_logs_on_stderr  # noqa: F401 (a fixture: asyncio's log on stderr)

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

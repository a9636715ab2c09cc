"""w8s2: the exact schedules of the video, faithful and port, on virtual time."""

import pytest

from tests.harness import by_instant, faithful_record, port_record, run_main, showing_never_awaited

pytestmark = pytest.mark.anyio

FUNCTION = "<function morceaux at 0x…>"
COROUTINE = "<coroutine object morceaux at 0x…>"

# morceaux prints, sleeps 0.5 s, prints, sleeps 1 s, prints and returns.
MORCEAUX = [
    (0.0, FUNCTION),
    (0.0, COROUTINE),
    (0.0, "run début"),
    (0.5, "run milieu"),
    (1.5, "run fin"),
    (1.5, "'run par morceaux'"),
]

# Both start at once, so each piece of one runs at the instant of the other's.
GATHER = [
    (0.0, ["run1 début", "run2 début"]),
    (0.5, ["run1 milieu", "run2 milieu"]),
    (1.5, ["['run1 par morceaux', 'run2 par morceaux']", "run1 fin", "run2 fin"]),
]


def famine_schedule(first, second):
    """``first`` wakes first at 0.5 s and blocks the loop for 1 s; ``second``,
    due at 0.5 s too, only gets its turn at 1.5 s, and blocks until 2.5 s."""
    return [
        (0.0, ["run1 début", "run2 début"]),
        (0.5, [f"{first} milieu"]),
        (1.5, sorted([f"{first} fin", f"{second} milieu"])),
        (2.5, ["['run1 par famine', 'run2 par famine']", f"{second} fin"]),
    ]


def check_famine(schedule):
    woken = by_instant(schedule)[1][1]
    assert len(woken) == 1, f"only one task may run at 0.5 s, not {woken}"
    first = woken[0].split()[0]
    second = {"run1": "run2", "run2": "run1"}[first]
    assert by_instant(schedule) == famine_schedule(first, second)


NEVER_AWAITED = "RuntimeWarning: coroutine 'morceaux' was never awaited"


def check_never_awaited(record):
    """The video's pitfall: the coroutine echoed unrun is dropped when the
    shell replaces its last value, after ``run fin`` and before the echo of
    the result; Python warns then, on stderr, once."""
    assert record.text("stderr").count(NEVER_AWAITED) == 1
    order = [(c.stream, c.text) for c in record.chunks]
    warned = next(i for i, (stream, text) in enumerate(order) if NEVER_AWAITED in text)
    printed = [text for stream, text in order[:warned] if stream == "stdout"]
    assert "".join(printed).endswith("run fin\n")
    after = [text for stream, text in order[warned + 1 :] if stream == "stdout"]
    assert after == ["'run par morceaux'", "\n"]


def test_morceaux_faithful():
    with showing_never_awaited():
        record = faithful_record("w8s2", "morceaux")
    assert record.schedule() == MORCEAUX
    check_never_awaited(record)


async def test_morceaux_port():
    with showing_never_awaited():
        record = await port_record("w8s2", "morceaux")
    assert record.schedule() == MORCEAUX
    check_never_awaited(record)


def test_morceaux_warns_as_the_suite_sees_warnings():
    """The same warning through pytest's own check of warnings."""
    with pytest.warns(RuntimeWarning, match="coroutine 'morceaux' was never awaited"):
        faithful_record("w8s2", "morceaux")


@pytest.mark.parametrize("module", ["lessons_asyncio.w8s2", "lessons_anyio.w8s2"])
def test_morceaux_cli_shows_the_warning_on_stderr(module):
    result = run_main(module, "morceaux")
    assert result.returncode == 0
    assert result.stderr.count(NEVER_AWAITED) == 1
    assert "'run par morceaux'\n" in result.stdout


def test_check_never_awaited_rejects_a_silent_run():
    """The check fails on a record without the warning (it must be able to fail)."""
    with pytest.raises((AssertionError, StopIteration)):
        check_never_awaited(faithful_record("w8s2", "gather"))


def test_gather_faithful():
    record = faithful_record("w8s2", "gather")
    assert by_instant(record.schedule()) == GATHER
    # asyncio runs the tasks that wake together in the order they slept
    assert [line for _, line in record.schedule()][:2] == ["run1 début", "run2 début"]


async def test_gather_port():
    record = await port_record("w8s2", "gather")
    assert by_instant(record.schedule()) == GATHER


def test_famine_faithful():
    record = faithful_record("w8s2", "famine")
    check_famine(record.schedule())
    # asyncio: run1 went to sleep first, so it wakes first
    assert by_instant(record.schedule()) == famine_schedule("run1", "run2")
    assert record.duration == 2.5


async def test_famine_port():
    record = await port_record("w8s2", "famine")
    check_famine(record.schedule())
    assert record.duration == 2.5


def test_famine_blocks_where_morceaux_does_not():
    """The lesson in one number: the same two pieces take 1.5 s when they
    await, 2.5 s when the second piece blocks."""
    assert faithful_record("w8s2", "gather").duration == 1.5
    assert faithful_record("w8s2", "famine").duration == 2.5


def test_check_famine_rejects_a_wrong_schedule():
    """The famine check fails on gather's schedule (it must be able to fail)."""
    with pytest.raises(AssertionError):
        check_famine(faithful_record("w8s2", "gather").schedule())

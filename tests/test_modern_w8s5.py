"""w8s5, asyncio as written today: the video's hand-driven protocol demos,
unchanged, and what asyncio's own task makes of the yields (not in the video)."""

import inspect

import pytest

from lessons_asyncio import w8s5 as faithful
from lessons_asyncio.modern import w8s5 as modern
from tests.harness import lesson, modern_record
from tests.test_w8s5 import BAD_YIELD, SHARED


@pytest.mark.parametrize("demo", list(SHARED))
def test_shared_demo_prints_every_step_at_zero(demo):
    record = modern_record("w8s5", demo)
    assert record.schedule() == [(0.0, line) for line in SHARED[demo]]
    assert record.text("stderr") == ""


def test_protocol_code_is_the_faithful_code():
    """The modern docstring says so: the protocol did not change.  Only the
    empty ``()`` after three class names is dropped."""
    for name in ["Awaitable", "Awaitable2", "w1", "w2", "w3", "w4", "BothWays"]:
        source = inspect.getsource(getattr(faithful, name))
        source = source.replace(f"class {name}():", f"class {name}:")
        assert inspect.getsource(getattr(modern, name)) == source, name
    for demo in SHARED:
        assert inspect.getsource(lesson("asyncio.modern", "w8s5")[demo].func) == inspect.getsource(
            lesson("asyncio", "w8s5")[demo].func
        ), demo
        # they drive coroutines by hand: plain functions, no loop
        assert not lesson("asyncio.modern", "w8s5")[demo].is_async


def test_loop_driven_modern():
    record = modern_record("w8s5", "loop_driven")
    error, words = BAD_YIELD["asyncio"]
    assert record.schedule() == [
        (0.0, "in Awaitable"),
        (0.0, f"{error.__name__}: {words}"),
        (
            0.0,
            "  an asyncio task understands only None (let the others run)"
            " or a Future (wake me when it is done)",
        ),
        (0.0, "yield first"),
        (0.0, "yield second"),
        (0.0, "4"),
    ]
    assert record.text("stderr") == ""
    assert modern.lesson["loop_driven"].in_video is False


def test_demos_in_order():
    assert lesson("asyncio.modern", "w8s5").names() == [*SHARED, "loop_driven"]

"""Every lesson exists three times (the video's asyncio, asyncio as written
today, the anyio port), and the three stay in step."""

import ast
import importlib
import inspect
import os
import re
import subprocess
import sys

import pytest

from tests.harness import ROOT, lesson, lesson_names, modern_lesson_names, port_lesson_names

LESSONS = lesson_names()
MODERN = modern_lesson_names()


def test_every_lesson_has_its_twin():
    assert LESSONS, "no lesson found"
    assert port_lesson_names() == LESSONS


def test_every_lesson_has_its_modern_version():
    assert MODERN == LESSONS


def test_the_modern_subpackage_is_not_a_lesson():
    """lessons_asyncio holds the modern subpackage: it is not a lesson."""
    assert "modern" not in LESSONS
    assert (ROOT / "lessons_asyncio" / "modern" / "__init__.py").is_file()


@pytest.mark.parametrize("name", MODERN)
def test_modern_same_demos_in_the_same_order(name):
    """The video's demos first, in its order; then the modern version's own
    additions (not in the video), and only those."""
    faithful, modern = lesson("asyncio", name), lesson("asyncio.modern", name)
    shared = [d.name for d in modern.demos.values() if d.in_video]
    assert shared == faithful.names()
    flags = [not d.in_video for d in modern.demos.values()]
    assert flags == sorted(flags)
    assert not any(d.port_only for d in modern.demos.values())
    # the port has the same shared demos (its own additions are port-only)
    port = lesson("anyio", name)
    assert [d.name for d in port.demos.values() if not d.port_only] == shared


@pytest.mark.parametrize("name", MODERN)
def test_modern_demos_are_described_and_async(name):
    for demo in lesson("asyncio.modern", name).demos.values():
        assert demo.description, f"modern {name}.{demo.name} has no docstring"
        if not demo.in_video:
            doc = inspect.getdoc(demo.func)
            assert "Not in the video" in doc, f"modern {name}.{demo.name}"
        # coroutine functions, run in a loop, but for the demos that drive
        # coroutines by hand (w8s5's: the protocol itself, no loop)
        if not demo.is_async:
            assert (name, demo.in_video) == ("w8s5", True), f"modern {name}.{demo.name}"
            assert "send(" in inspect.getsource(demo.func)


@pytest.mark.parametrize("name", MODERN)
def test_modern_docstring_ends_with_its_two_lists(name):
    doc = inspect.getdoc(importlib.import_module(f"lessons_asyncio.modern.{name}"))
    _, marker, tail = doc.partition("Differs from the video:")
    assert marker, f"lessons_asyncio.modern.{name}: no 'Differs from the video:' list"
    differs, marker, adds = tail.partition("What anyio adds beyond it:")
    assert marker, f"lessons_asyncio.modern.{name}: no 'What anyio adds beyond it:' list"
    for part in (differs, adds):
        lines = part.strip().splitlines()
        assert lines and lines[0].startswith("- "), "an empty list"
        # only list items and their continuations, up to the end of the docstring
        assert all(line.startswith(("- ", "  ")) for line in lines)
    # each modern-only demo is named in the first list
    for demo in lesson("asyncio.modern", name).demos.values():
        if not demo.in_video:
            assert f"``{demo.name}``" in differs, demo.name


@pytest.mark.parametrize("name", LESSONS)
def test_same_demos_in_the_same_order(name):
    faithful, port = lesson("asyncio", name), lesson("anyio", name)
    shared = [d.name for d in port.demos.values() if not d.port_only]
    assert shared == faithful.names()
    # teaching additions come after the shared demos
    flags = [d.port_only for d in port.demos.values()]
    assert flags == sorted(flags)
    assert not any(d.port_only for d in faithful.demos.values())


@pytest.mark.parametrize("name", LESSONS)
def test_demos_are_described_and_of_the_right_kind(name):
    for demo in lesson("asyncio", name).demos.values():
        assert demo.description, f"{name}.{demo.name} has no docstring"
        assert not demo.is_async, f"faithful {name}.{demo.name} must be a plain function"
    for demo in lesson("anyio", name).demos.values():
        assert demo.description, f"{name}.{demo.name} has no docstring"


@pytest.mark.parametrize("name", LESSONS)
def test_port_docstring_ends_with_what_differs(name):
    doc = inspect.getdoc(importlib.import_module(f"lessons_anyio.{name}"))
    _, marker, tail = doc.partition("Differs from the asyncio version:")
    assert marker, f"lessons_anyio.{name}: no 'Differs from the asyncio version:' list"
    items = [line for line in tail.strip().splitlines() if line.startswith("- ")]
    assert items, "the list is empty"
    # it is the last thing in the docstring: only list items and their continuations
    assert all(line.startswith(("- ", "  ")) for line in tail.strip().splitlines())


def top_level_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
    return names


@pytest.mark.parametrize("name", LESSONS)
def test_same_functions_in_the_same_order(name):
    """The course's functions and the demos, same names, same order; the port
    may only add (its teaching additions and their helpers)."""
    faithful = top_level_names(ROOT / "lessons_asyncio" / f"{name}.py")
    port = top_level_names(ROOT / "lessons_anyio" / f"{name}.py")
    assert [n for n in port if n in faithful] == faithful


@pytest.mark.parametrize("name", MODERN)
def test_modern_same_functions_in_the_same_order(name):
    """The modern version keeps the course's functions and demos, in order;
    it may only add."""
    faithful = top_level_names(ROOT / "lessons_asyncio" / f"{name}.py")
    modern = top_level_names(ROOT / "lessons_asyncio" / "modern" / f"{name}.py")
    assert [n for n in modern if n in faithful] == faithful


@pytest.mark.parametrize("name", LESSONS)
def test_same_docstring_layout(name):
    """Both module docstrings open with the same title line."""
    faithful = inspect.getdoc(importlib.import_module(f"lessons_asyncio.{name}"))
    port = inspect.getdoc(importlib.import_module(f"lessons_anyio.{name}"))
    assert faithful.splitlines()[0] == port.splitlines()[0]
    assert re.match(rf"{name} — ", faithful)
    if name in MODERN:
        modern = inspect.getdoc(importlib.import_module(f"lessons_asyncio.modern.{name}"))
        assert modern.splitlines()[0] == faithful.splitlines()[0]


@pytest.mark.parametrize("name", LESSONS)
def test_every_demo_has_its_tests(name):
    """A new demo without a test fails here: each demo name appears, quoted,
    in its lesson's test module."""
    tests = (ROOT / "tests" / f"test_{name}.py").read_text(encoding="utf-8")
    for flavour in ("asyncio", "anyio"):
        for demo in lesson(flavour, name).names():
            assert f'"{demo}"' in tests, f"tests/test_{name}.py never names demo {demo!r}"


@pytest.mark.parametrize("name", MODERN)
def test_every_modern_demo_has_its_tests(name):
    tests = (ROOT / "tests" / f"test_modern_{name}.py").read_text(encoding="utf-8")
    for demo in lesson("asyncio.modern", name).names():
        assert f'"{demo}"' in tests, f"tests/test_modern_{name}.py never names demo {demo!r}"


# Run in a fresh interpreter with warnings as errors: every function that
# gets, sets, makes or runs an event loop is replaced by a spy first, so that
# a lesson that touched one at import time is caught (by public API only: the
# policy object that holds the current loop is deprecated from Python 3.14).
SPY_ON_LOOPS = """
import asyncio, asyncio.events, threading, warnings
import anyio
warnings.simplefilter("error")
calls = []

def spy(name, real):
    def wrapper(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)
    return wrapper

for module, names in [
    (asyncio, ["get_event_loop", "set_event_loop", "new_event_loop", "run", "Runner"]),
    (asyncio.events, ["get_event_loop", "set_event_loop", "new_event_loop"]),
    (anyio, ["run"]),
]:
    for name in names:
        setattr(module, name, spy(f"{module.__name__}.{name}", getattr(module, name)))
"""


@pytest.mark.parametrize("name", LESSONS)
def test_nothing_runs_at_import(name):
    """Importing a lesson prints nothing, starts no thread, touches no event loop."""
    modern = f", lessons_asyncio.modern.{name}" if name in MODERN else ""
    code = SPY_ON_LOOPS + (
        f"import lessons_asyncio.{name}, lessons_anyio.{name}{modern}\n"
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "assert calls == [], calls\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_import_check_sees_a_loop_touched():
    """The spy does catch a module that gets the event loop when imported."""
    code = SPY_ON_LOOPS + "asyncio.get_event_loop\nfrom asyncio import get_event_loop\n"
    code += "try:\n    get_event_loop()\nexcept (DeprecationWarning, RuntimeError):\n    pass\n"
    code += "print(calls)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "['asyncio.get_event_loop']\n", result.stderr


@pytest.mark.parametrize("name", MODERN)
def test_readme_names_the_modern_demos(name):
    """The README's lesson table has a modern column: its row names every
    demo that the modern version adds."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| modern (asyncio today) |" in readme
    row = next(line for line in readme.splitlines() if line.startswith(f"| {name} |"))
    modern_cell = row.rstrip(" |").rsplit("|", 1)[1]
    for demo in lesson("asyncio.modern", name).demos.values():
        if not demo.in_video:
            assert f"`{demo.name}`" in modern_cell, (name, demo.name)

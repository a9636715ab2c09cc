"""Every lesson exists three times (the video's asyncio, asyncio as written
today, the anyio port), and the three stay in step."""

import ast
import importlib
import inspect
import json
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


def modern_additions(name):
    """The demos the modern version adds: those the faithful version lacks."""
    faithful = lesson("asyncio", name).names()
    return [d for d in lesson("asyncio.modern", name).demos.values() if d.name not in faithful]


@pytest.mark.parametrize("name", MODERN)
def test_modern_same_demos_in_the_same_order(name):
    """The faithful version's demos first, in its order (w8s4_limits' are the
    project's, not the video's, in every version); then the modern version's
    own additions (not in the video), and only those."""
    faithful, modern = lesson("asyncio", name), lesson("asyncio.modern", name)
    shared = modern.names()[: len(faithful.names())]
    assert shared == faithful.names()
    assert not any(d.in_video for d in modern_additions(name))
    assert not any(d.port_only for d in modern.demos.values())
    # the port has the same shared demos (its own additions are port-only)
    port = lesson("anyio", name)
    assert [d.name for d in port.demos.values() if not d.port_only] == shared


@pytest.mark.parametrize("name", MODERN)
def test_modern_demos_are_described_and_async(name):
    for demo in lesson("asyncio.modern", name).demos.values():
        assert demo.description, f"modern {name}.{demo.name} has no docstring"
        if demo in modern_additions(name):
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
    for demo in modern_additions(name):
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
    tests = lesson_tests(f"test_{name}")
    for flavour in ("asyncio", "anyio"):
        for demo in lesson(flavour, name).names():
            assert f'"{demo}"' in tests, f"tests/test_{name}*.py never name demo {demo!r}"


@pytest.mark.parametrize("name", MODERN)
def test_every_modern_demo_has_its_tests(name):
    tests = lesson_tests(f"test_modern_{name}")
    for demo in lesson("asyncio.modern", name).names():
        assert f'"{demo}"' in tests, f"tests/test_modern_{name}*.py never name demo {demo!r}"


def lesson_tests(stem):
    """The text of a lesson's test modules: ``tests/STEM.py`` and the files
    it is split into by topic (``STEM_cli.py``…), not another lesson's
    (``test_w8s4_limits.py`` is w8s4_limits', not w8s4's)."""
    others = {f"test_{other}" for other in LESSONS} | {f"test_modern_{other}" for other in LESSONS}
    files = [ROOT / "tests" / f"{stem}.py"] + [
        path
        for path in sorted((ROOT / "tests").glob(f"{stem}_*.py"))
        if not any(
            path.stem.startswith(other) for other in others - {stem} if len(other) > len(stem)
        )
    ]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


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


#: Imports each lesson (its three versions) in turn, in one fresh interpreter,
#: and reports for each what the imports did: printed, raised, threads left,
#: the event loop functions called (those called while the lesson was imported).
IMPORT_EACH = """
import contextlib, io, json, sys
report = {}
for name, modules in json.loads(sys.argv[1]).items():
    out, err, error, before = io.StringIO(), io.StringIO(), None, len(calls)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            for module in modules:
                __import__(module)
        except BaseException as exc:
            error = repr(exc)
    report[name] = {
        "error": error,
        "out": out.getvalue(),
        "err": err.getvalue(),
        "threads": [thread.name for thread in threading.enumerate()],
        "calls": calls[before:],
    }
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def imported_alone():
    """What importing each lesson did, in a fresh interpreter (one for all: a
    thread or a loop left by one lesson shows at its own import)."""
    modules = {
        name: [
            f"lessons_asyncio.{name}",
            f"lessons_anyio.{name}",
            *([f"lessons_asyncio.modern.{name}"] if name in MODERN else []),
        ]
        for name in LESSONS
    }
    result = subprocess.run(
        [sys.executable, "-c", SPY_ON_LOOPS + IMPORT_EACH, json.dumps(modules)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", LESSONS)
def test_nothing_runs_at_import(name, imported_alone):
    """Importing a lesson prints nothing, starts no thread, touches no event loop."""
    assert imported_alone[name] == {
        "error": None,
        "out": "",
        "err": "",
        "threads": ["MainThread"],
        "calls": [],
    }


def test_the_import_check_sees_a_loop_touched():
    """The spy does catch a module that gets the event loop when imported."""
    code = SPY_ON_LOOPS + "asyncio.get_event_loop\nfrom asyncio import get_event_loop\n"
    code += "try:\n    get_event_loop()\nexcept (DeprecationWarning, RuntimeError):\n    pass\n"
    code += "print(calls)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "['asyncio.get_event_loop']\n", result.stderr


# -- what is not in the video: the code and the README agree ------------------

NOT_IN_THE_VIDEO = "*(not in the video)*"
PORT_ONLY = "; port only, not in the video:"


def readme_lesson_table(text=None):
    """The README's lesson table: {lesson: (demos of both versions, those
    marked not in the video in both, the port's own)}."""
    if text is None:
        text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The lessons\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        # lesson | what the video teaches | demos | modern (asyncio today)
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != 4 or not re.fullmatch(r"w8s\w+", cells[0]):
            continue
        shared, _, port_only = cells[2].partition(PORT_ONLY)
        names, marked = [], set()
        for item in shared.split(","):
            name = re.fullmatch(rf"\s*`(\w+)`(\s*{re.escape(NOT_IN_THE_VIDEO)})?\s*", item)
            assert name, f"README, {cells[0]}: cannot read {item!r}"
            names.append(name[1])
            if name[2]:
                marked.add(name[1])
        rows[cells[0]] = (names, marked, re.findall(r"`(\w+)`", port_only))
    return rows


def _keyword(options, key, default):
    return options[key].value if key in options else default


def not_in_the_video(module_path):
    """The demos a lesson file registers with in_video=False or port_only=True,
    read from its source: {demo name: is it port only}."""
    tree = ast.parse(module_path.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if not (
                isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "lesson.demo"
            ):
                continue
            options = {kw.arg: kw.value for kw in decorator.keywords}
            name = options["name"].value if "name" in options else node.name
            port_only = _keyword(options, "port_only", False)
            if port_only or not _keyword(options, "in_video", True):
                found[name] = port_only
    return found


def test_the_readme_lists_every_lesson_and_its_demos():
    rows = readme_lesson_table()
    assert sorted(rows) == LESSONS
    for name, (shared, _, port_only) in rows.items():
        assert shared == lesson("asyncio", name).names(), name
        assert shared + port_only == lesson("anyio", name).names(), name


@pytest.mark.parametrize("name", LESSONS)
def test_the_readme_marks_what_is_not_in_the_video(name):
    """Parsed from both files: the demos marked not in the video are exactly
    those the README marks, and the port-only ones those it lists as such."""
    _, marked, port_only = readme_lesson_table()[name]
    faithful = not_in_the_video(ROOT / "lessons_asyncio" / f"{name}.py")
    port = not_in_the_video(ROOT / "lessons_anyio" / f"{name}.py")
    assert set(faithful) == marked, "faithful vs README"
    assert not any(faithful.values()), "a faithful demo cannot be port only"
    assert {demo for demo, only in port.items() if not only} == marked, "port vs README"
    assert [demo for demo in port if port[demo]] == port_only, "port only vs README"
    # and the runner reads them so (what --list and the HTML page show)
    for flavour, found in (("asyncio", faithful), ("anyio", port)):
        demos = lesson(flavour, name).demos.values()
        assert {d.name for d in demos if not d.in_video} == set(found), flavour


def test_the_readme_check_sees_a_missing_mark():
    """The parser reads the marks from the text: without lifecycle's, or
    with a port-only demo left out, what it reads no longer matches the code
    (so the check above can fail)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_lesson_table(text)["w8s7"][1] == {"lifecycle"}
    unmarked = text.replace("`lifecycle` *(not in the video)*", "`lifecycle`")
    assert readme_lesson_table(unmarked)["w8s7"][1] == set()
    assert readme_lesson_table(text)["w8s5"][2] == ["bad_yield", "portable"]
    dropped = text.replace("`bad_yield`, `portable`", "`portable`")
    assert readme_lesson_table(dropped)["w8s5"][2] == ["portable"]


@pytest.mark.parametrize("name", MODERN)
def test_readme_names_the_modern_demos(name):
    """The README's lesson table has a modern column: its row names every
    demo that the modern version adds."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| modern (asyncio today) |" in readme
    row = next(line for line in readme.splitlines() if line.startswith(f"| {name} |"))
    modern_cell = row.rstrip(" |").rsplit("|", 1)[1]
    for demo in modern_additions(name):
        assert f"`{demo.name}`" in modern_cell, (name, demo.name)

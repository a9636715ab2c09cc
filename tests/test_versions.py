"""No asyncio API that Python 3.14 removed, made an error or deprecated.

CI runs the suite on CPython 3.11, 3.12 and 3.13; 3.14 cannot be installed on
this machine, so what 3.14 changed is checked by reading the code (an AST
scan of ``common/``, the lessons, the tests and the benchmarks):

* removed in 3.14: the child watchers (``get_child_watcher``,
  ``set_child_watcher``, ``AbstractChildWatcher``, ``SafeChildWatcher``, …);
  ``asyncio.get_event_loop()`` raises ``RuntimeError`` where no loop is set;
* deprecated in 3.14 (to be removed in 3.16): the policy system
  (``get_event_loop_policy``, ``set_event_loop_policy``,
  ``AbstractEventLoopPolicy``, ``DefaultEventLoopPolicy``, the Windows
  policies) and ``asyncio.iscoroutinefunction``;
* removed earlier, and still typed from old tutorials: ``@asyncio.coroutine``
  (3.11), ``Task.all_tasks``/``Task.current_task`` (3.9), the ``loop``
  argument of the high-level functions and classes (3.10).

The modern lessons (``lessons_asyncio/modern``) are held to more: none of the
video's loop plumbing either (``get_event_loop``, ``run_until_complete``,
``run_forever``, ``ensure_future``, ``wait_for``…), which today's asyncio
replaces with ``asyncio.run``/``Runner``, ``TaskGroup`` and ``timeout()``.

``asyncio.get_event_loop()`` stays in the faithful lessons, as the videos type
it: the runner sets a loop for each demo before calling it, which is what 3.14
requires (tests/test_w8s*.py run them; ``common.runner`` says so).  Anywhere
else it is flagged, but in a function registered with ``@lesson.demo`` (a
test's own faithful demo) and where ``GET_EVENT_LOOP_ALLOWED`` says why.
Comments are not code: the lessons' comments that explain what was removed
are not flagged; strings are, but docstrings are not (a test may run code
given as a string, in a subprocess).
"""

import ast
import re

import pytest

from tests.harness import ROOT

DEPRECATED_OR_REMOVED = {
    # the policy system: deprecated in 3.14, removed in 3.16
    "get_event_loop_policy",
    "set_event_loop_policy",
    "AbstractEventLoopPolicy",
    "DefaultEventLoopPolicy",
    "BaseDefaultEventLoopPolicy",
    "WindowsSelectorEventLoopPolicy",
    "WindowsProactorEventLoopPolicy",
    # deprecated in 3.14: inspect.iscoroutinefunction is the one to use
    "iscoroutinefunction",
    # the child watchers: removed in 3.14
    "get_child_watcher",
    "set_child_watcher",
    "AbstractChildWatcher",
    "SafeChildWatcher",
    "FastChildWatcher",
    "MultiLoopChildWatcher",
    "ThreadedChildWatcher",
    "PidfdChildWatcher",
    # generator-based coroutines: removed in 3.11
    "coroutine",
}

#: Functions and classes whose ``loop`` argument was removed in 3.10.
NO_LOOP_ARGUMENT = {
    "sleep",
    "gather",
    "wait",
    "wait_for",
    "shield",
    "as_completed",
    "Queue",
    "PriorityQueue",
    "LifoQueue",
    "Lock",
    "Event",
    "Condition",
    "Semaphore",
    "BoundedSemaphore",
    "open_connection",
    "start_server",
    "open_unix_connection",
    "start_unix_server",
    "create_subprocess_exec",
    "create_subprocess_shell",
}

#: The video's loop plumbing, and what it used for timeouts: none of it in
#: a modern lesson (as an attribute or an import, whatever the object).
NOT_IN_MODERN = {
    "get_event_loop",
    "set_event_loop",
    "new_event_loop",
    "run_until_complete",
    "run_forever",
    "ensure_future",
    "wait_for",
}

#: Where ``asyncio.get_event_loop()`` may be called, and why a loop is set there.
GET_EVENT_LOOP_ALLOWED = {
    "lessons_asyncio": "the faithful lessons: the runner sets a loop before each demo",
    "common/w8s4/setup.py": "w8s4's faithful setup: the runner calls it after setting the loop",
}

IN_STRINGS = re.compile(
    r"\basyncio\.(?:events\.)?(" + "|".join(sorted(DEPRECATED_OR_REMOVED)) + r")\b"
    r"|\bTask\.(all_tasks|current_task)\b"
)


def python_files():
    folders = ["common", "lessons_asyncio", "lessons_anyio", "tests", "benchmarks"]
    found = [
        path
        for folder in folders
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("*.py")
    ]
    # this file names what it looks for, in strings (see the test of the scan)
    return sorted(path for path in found if path != ROOT / "tests" / "test_versions.py")


def dotted(node):
    """``asyncio.events.get_event_loop`` for the expression, or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def is_demo(node):
    """Is ``node`` a function registered with ``@lesson.demo``?  The runner
    sets a loop before it calls it."""
    return any(
        (dotted(d.func if isinstance(d, ast.Call) else d) or "").endswith(".demo")
        for d in node.decorator_list
    )


def docstring(node):
    """The docstring's node of a module, class or function, or None."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[0].value
    return None


def problems(path, root=ROOT):
    """[(line, what)] for one file of the tree at ``root``."""
    relative = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
    modern = relative.startswith("lessons_asyncio/modern/")
    may_get_loop = not modern and any(
        relative.startswith(prefix) for prefix in GET_EVENT_LOOP_ALLOWED
    )
    # names bound by "from asyncio import x [as y]": y -> x
    imported = {}
    found = []
    skip = set()  # the docstrings' nodes: text, not code
    in_demos = set()  # the nodes inside demos (see is_demo)
    # (ast.walk gives a node before those inside it: a definition's docstring
    # and body are known to be such before they come)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            if (text := docstring(node)) is not None:
                skip.add(id(text))
            if not modern and not isinstance(node, (ast.Module, ast.ClassDef)) and is_demo(node):
                in_demos.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "asyncio":
            for alias in node.names:
                imported[alias.asname or alias.name] = alias.name
                if modern and alias.name in NOT_IN_MODERN:
                    found.append((node.lineno, f"{alias.name} in a modern lesson"))
                if alias.name in DEPRECATED_OR_REMOVED:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Attribute):
            if modern and node.attr in NOT_IN_MODERN:
                found.append((node.lineno, f"{node.attr} in a modern lesson"))
            name = dotted(node)
            if name is None:
                continue
            head, _, attr = name.rpartition(".")
            modules = ("asyncio", "asyncio.events", "asyncio.unix_events", "asyncio.coroutines")
            if head in modules and attr in DEPRECATED_OR_REMOVED:
                found.append((node.lineno, name))
            if attr in ("all_tasks", "current_task") and head in ("Task", "asyncio.Task"):
                found.append((node.lineno, f"{name} (removed in 3.9)"))
        elif isinstance(node, ast.Call):
            name = dotted(node.func)
            if name is None:
                continue
            head, _, attr = name.rpartition(".")
            if not head and name in imported:
                head, attr = "asyncio", imported[name]
            if head != "asyncio":
                continue
            if attr == "get_event_loop" and not may_get_loop and id(node) not in in_demos:
                found.append((node.lineno, "asyncio.get_event_loop() where no loop is set"))
            if attr in NO_LOOP_ARGUMENT and any(k.arg == "loop" for k in node.keywords):
                found.append((node.lineno, f"asyncio.{attr}(loop=...) (removed in 3.10)"))
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            for match in IN_STRINGS.finditer(node.value):
                found.append((node.lineno, f"{match.group(0)} in a string of code"))
    return sorted(set(found))


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_asyncio_api_that_python_3_14_removed_or_deprecated(path):
    assert problems(path) == []


def test_the_scan_sees_what_it_looks_for(tmp_path):
    """Each kind of use is found (so a clean scan means something)."""
    code = """
import asyncio
from asyncio import get_event_loop as gel, iscoroutinefunction
from asyncio import Task

asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
watcher = asyncio.get_child_watcher()

@asyncio.coroutine
def old():
    yield

def f():
    "asyncio.get_event_loop_policy() in a docstring is not code"
    # asyncio.get_event_loop_policy() in a comment is not code
    loop = asyncio.get_event_loop()
    gel()
    Task.all_tasks()
    asyncio.Task.current_task()
    asyncio.sleep(1, loop=loop)
    asyncio.ensure_future(old(), loop=loop)
    code = "asyncio.get_event_loop_policy()._local._loop"
"""
    (tmp_path / "common").mkdir()
    sample = tmp_path / "common" / "sample.py"
    sample.write_text(code)
    assert [line for line, _ in problems(sample, tmp_path)] == [
        3,
        6,
        6,
        7,
        9,
        16,
        17,
        18,
        19,
        20,
        22,
    ]
    # inside a demo too (``@lesson.demo``: the runner sets the loop first)
    demo = tmp_path / "common" / "demo.py"
    demo.write_text(
        "import asyncio\n"
        "@lesson.demo\n"
        "def a():\n"
        "    asyncio.get_event_loop()\n"
        "def b():\n"
        "    asyncio.get_event_loop()\n"
    )
    assert problems(demo, tmp_path) == [(6, "asyncio.get_event_loop() where no loop is set")]
    # in a faithful lesson, get_event_loop() is fine: the runner has set the loop
    (tmp_path / "lessons_asyncio").mkdir()
    lesson = tmp_path / "lessons_asyncio" / "sample.py"
    lesson.write_text(code)
    assert [line for line, _ in problems(lesson, tmp_path)] == [3, 6, 6, 7, 9, 18, 19, 20, 22]
    # in a modern lesson, neither the plumbing nor the exemption of demos
    (tmp_path / "lessons_asyncio" / "modern").mkdir()
    modern = tmp_path / "lessons_asyncio" / "modern" / "sample.py"
    modern.write_text(code)
    expected = [3, 3, 6, 6, 7, 9, 16, 16, 17, 18, 19, 20, 21, 22]
    assert [line for line, _ in problems(modern, tmp_path)] == expected
    modern.write_text(
        "import asyncio\n"
        "from asyncio import wait_for\n"
        "async def f(loop, coro):\n"
        "    loop.run_until_complete(coro)\n"
        "    await asyncio.wait_for(coro, 1)\n"
        "    async with asyncio.timeout(1):\n"
        "        await asyncio.sleep(1)\n"
    )
    assert problems(modern, tmp_path) == [
        (2, "wait_for in a modern lesson"),
        (4, "run_until_complete in a modern lesson"),
        (5, "wait_for in a modern lesson"),
    ]

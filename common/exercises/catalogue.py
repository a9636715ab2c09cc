"""Every exercise, by name, and the files that go with it.

The exercises are defined lesson by lesson in :mod:`common.exercises.lessons`.
Each has a starter file (``starters/NAME.py``: the statement is its
docstring, ``...`` marks where the learner writes) and a reference solution
(``solutions/NAME.py``), which ``solution`` prints and the tests grade.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from common.exercises.model import Exercise

HERE = Path(__file__).resolve().parent
LESSONS = ("w8s2", "w8s4", "w8s5", "w8s6", "w8s7", "w8s8", "w8s9")


def exercises(lessons: tuple[str, ...] = LESSONS) -> dict[str, Exercise]:
    found: dict[str, Exercise] = {}
    for lesson in lessons:
        module = importlib.import_module(f"common.exercises.lessons.{lesson}")
        for exercise in module.EXERCISES:
            found[exercise.name] = exercise
    return found


def get(name: str) -> Exercise:
    """The exercise called ``name`` (KeyError, with the names, if there is none)."""
    # the lesson named first (w8s4_fetch: w8s4) has it: import that one only
    lesson = name.split("_", 1)[0]
    known = exercises((lesson,)) if lesson in LESSONS else {}
    if name not in known:
        known = exercises()
    if name not in known:
        raise KeyError(f"no exercise {name!r} (try: {', '.join(known)})")
    return known[name]


def starter_path(name: str) -> Path:
    return HERE / "starters" / f"{name}.py"


def reference_path(name: str) -> Path:
    return HERE / "solutions" / f"{name}.py"


def statement(name: str) -> str:
    """The statement: the starter file's docstring."""
    tree = ast.parse(starter_path(name).read_text(encoding="utf-8"))
    return ast.get_docstring(tree) or ""

"""Exercises: every reference passes on every backend, every known-wrong
solution fails with its hint, and the expected schedules are the ones the
statements describe.

The wrong solutions live in ``tests/exercises/NAME/wrong_*.py``; the first
line of each says the mistake it makes (``# mistake: no limit``).  They are
graded in this process with :func:`common.exercises.check`, as a notebook
would; the command line's subprocess has its own tests
(``test_exercises_cli.py``).
"""

import re
from pathlib import Path

import pytest

from common.exercises import check
from common.exercises.catalogue import exercises, reference_path, starter_path, statement
from common.exercises.lessons.w8s8 import window_schedule

HERE = Path(__file__).resolve().parent / "exercises"
NAMES = list(exercises())
LESSONS = ("w8s2", "w8s4", "w8s5", "w8s6", "w8s7", "w8s8", "w8s9")


def wrong_solutions():
    return sorted(HERE.glob("*/wrong_*.py"))


def declared_mistake(path):
    """``# mistake: KEY``, or ``# mistake: KEY (trio)`` for a mistake that only
    one backend catches: the mistake, and the backends where it fails."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    found = re.fullmatch(r"# mistake: (.+?)(?: \((\w+)\))?", first)
    assert found, f"{path} does not say its mistake on its first line"
    return found.group(1), found.group(2)


# --------------------------------------------------------------------------
# The catalogue


def test_at_least_ten_exercises_and_one_per_lesson_in_both_styles():
    assert len(NAMES) >= 10
    for lesson in LESSONS:
        styles = {e.style for e in exercises().values() if e.lesson == lesson}
        assert styles == {"asyncio", "anyio"}, lesson


def test_every_exercise_has_its_files_and_three_wrong_solutions():
    for name in NAMES:
        assert starter_path(name).is_file() and reference_path(name).is_file()
        assert f"check {name}" in statement(name)
        assert len(list((HERE / name).glob("wrong_*.py"))) >= 3, name
    assert {p.parent.name for p in wrong_solutions()} == set(NAMES)


def test_anyio_exercises_are_graded_on_both_backends():
    for exercise in exercises().values():
        wanted = ("asyncio", "trio") if exercise.style == "anyio" else ("asyncio",)
        assert exercise.backends == wanted


# --------------------------------------------------------------------------
# Expected schedules, reasoned


def test_window_schedule_first_come_first_served():
    # 3 jobs of 1, 2, 3 s with 2 tokens: job2 takes job0's token at 1 s
    assert window_schedule(3, 2) == [
        (0.0, ">>> job0"),
        (0.0, ">>> job1"),
        (1.0, "<<< job0"),
        (1.0, ">>> job2"),
        (2.0, "<<< job1"),
        (4.0, "<<< job2"),
    ]
    # one token: one after the other, 1 + 2 + 3 s
    assert window_schedule(3, 1)[-1] == (6.0, "<<< job2")
    # the exercise: 10 jobs, 4 tokens, the last one ends at 6 s
    full = window_schedule()
    assert len(full) == 20 and full[-1] == (6.0, "<<< job8")
    at_1 = [line for t, line in full if t == 1.0]
    assert at_1 == ["<<< job0", "<<< job3", ">>> job4", ">>> job5"]


# --------------------------------------------------------------------------
# Grading


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_on_every_backend(name):
    result = check(name, reference_path(name))
    assert [(o.run.backend, o.passed) for o in result.outcomes] == [
        (b, True) for b in exercises()[name].backends
    ], str(result)
    assert "passed" in str(result)


@pytest.mark.parametrize("name", NAMES)
def test_starter_is_not_a_solution(name):
    result = check(name, starter_path(name))
    assert not result.passed
    # a blank starter prints nothing; a debugging exercise's starter has the bug
    assert all(o.mistake for o in result.outcomes), str(result)


@pytest.mark.parametrize("path", wrong_solutions(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_solution_fails_with_its_hint(path):
    mistake, only = declared_mistake(path)
    exercise = exercises()[path.parent.name]
    result = check(exercise.name, path)
    assert not result.passed
    for outcome in result.outcomes:
        if only is not None and outcome.run.backend != only:
            assert outcome.passed, str(result)
            continue
        assert not outcome.passed
        assert outcome.mistake == mistake, str(result)
        assert outcome.explanation and outcome.hint
    hints = {m.key: m.hint for m in exercise.mistakes}
    if mistake in hints:
        assert hints[mistake] in str(result)

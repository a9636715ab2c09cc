"""Lint as part of the lesson: ruff confirms the pitfalls the lessons show.

Every deliberate pitfall in a lesson carries ``# noqa: CODE``.  Run with the
noqa comments ignored, ruff must flag exactly those lines with exactly those
codes: a pitfall that stops being one, or a new problem, fails here.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.harness import ROOT

NOQA = re.compile(r"#\s*noqa:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def ruff(*args):
    """ruff from the test environment (it is in the ``test`` extra)."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], capture_output=True, text=True, cwd=ROOT
    )


def intended():
    """{(file, line, code)} from the noqa comments in the lessons."""
    found = set()
    lessons = [*ROOT.glob("lessons_*/w8s*.py"), *ROOT.glob("lessons_asyncio/modern/w8s*.py")]
    for path in sorted(lessons):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = NOQA.search(text)
            if match:
                for code in re.split(r"\s*,\s*", match.group(1)):
                    found.add((path.relative_to(ROOT).as_posix(), number, code))
    return found


def flagged():
    result = ruff(
        "check",
        "--ignore-noqa",
        "--output-format",
        "json",
        "--exit-zero",
        "lessons_asyncio",
        "lessons_anyio",
    )
    assert result.returncode == 0, result.stderr
    return {
        (
            Path(item["filename"]).resolve().relative_to(ROOT).as_posix(),
            item["location"]["row"],
            item["code"],
        )
        for item in json.loads(result.stdout)
    }


def test_ruff_flags_exactly_the_intended_pitfalls():
    expected = intended()
    assert expected, "no lesson marks a pitfall: the check would prove nothing"
    assert flagged() == expected


def test_the_modern_lessons_need_no_exemption():
    """The modern lessons are today's code: the exemptions that keep the
    videos' style (UP, SIM, B007…) are not needed; only their noqa pitfalls."""
    result = ruff("check", "--config", "lint.per-file-ignores = {}", "lessons_asyncio/modern")
    assert result.returncode == 0, result.stdout
    # and the check does see a lesson that needs one (the faithful w8s5's
    # `class Awaitable():`, UP039)
    result = ruff("check", "--config", "lint.per-file-ignores = {}", "lessons_asyncio/w8s5.py")
    assert "UP039" in result.stdout


def test_the_lessons_pass_lint_with_their_noqa():
    result = ruff("check", "lessons_asyncio", "lessons_anyio")
    assert result.returncode == 0, result.stdout

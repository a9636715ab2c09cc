"""A result in words: for the terminal (:func:`text`) and for a notebook (:func:`html`).

Per backend: passed or not yet; then, for a run that did not pass, the first
difference, what the mistake did, the hint, the learner's traceback if any,
and the two timelines side by side.  Backends that failed the same way are
told once.
"""

from __future__ import annotations

import html as escape
from typing import TYPE_CHECKING

from common.exercises import compare
from common.exercises.model import Schedule

if TYPE_CHECKING:
    from common.exercises.grader import Outcome, Result


#: problems that mean the code never ran: no timeline to compare
_UNRUN = ("syntax", "unreadable", "missing")


def _key(outcome: Outcome) -> tuple[object, ...]:
    if outcome.passed:
        return (True,)
    run = outcome.run
    instants = sorted(
        (t, sorted(lines.elements())) for t, lines in compare.by_instant(run.schedule).items()
    )
    return (outcome.difference, outcome.explanation, run.details, str(instants))


def _groups(result: Result) -> list[tuple[list[str], Outcome]]:
    groups: list[tuple[list[str], Outcome]] = []
    for outcome in result.outcomes:
        for backends, first in groups:
            if _key(first) == _key(outcome):
                backends.append(outcome.run.backend)
                break
        else:
            groups.append(([outcome.run.backend], outcome))
    return groups


def _findings(outcome: Outcome) -> list[str]:
    run = outcome.run
    lines = []
    if outcome.explanation:
        lines.append(f"  what happened: {outcome.explanation}")
    if outcome.difference and run.problem not in _UNRUN:
        lines.append(f"  first difference: {outcome.difference}")
    if run.details:
        lines.append("  your code:")
        lines.extend("    " + line for line in run.details.splitlines())
    if run.truncated:
        lines.append("  (your output was cut: more than 100,000 characters)")
    lines.append(f"  hint: {outcome.hint}")
    return lines


def text(result: Result) -> str:
    exercise = result.exercise
    out = []
    for backends, outcome in _groups(result):
        status = "passed" if outcome.passed else "not yet"
        out.append(f"{exercise.name} on {' and '.join(backends)}: {status}")
        if outcome.passed:
            continue
        out.extend(_findings(outcome))
        if outcome.run.problem not in _UNRUN:
            out.append("")
            out.append(compare.side_by_side(exercise.expected, outcome.run.schedule))
        out.append("")
    if result.passed:
        out.append("Well done: the schedule is right on every backend.")
    return "\n".join(out).rstrip() + "\n"


def _svg(schedule: Schedule, end: float, title: str) -> str:
    # the timeline view draws a Record: rebuild one from the schedule's lines
    from common.record import Chunk, Record
    from common.timeline import build, to_svg

    record = Record([Chunk(t, line + "\n") for t, line in schedule], duration=end)
    return to_svg(build(record), end=end, width=420, title=title)


def html(result: Result) -> str:
    exercise = result.exercise
    parts = [f"<div class='exercise'><h4>{escape.escape(exercise.name)}</h4>"]
    for backends, outcome in _groups(result):
        status = "passed ✔" if outcome.passed else "not yet ✘"
        parts.append(f"<p><b>{' and '.join(backends)}</b>: {status}</p>")
        if outcome.passed:
            continue
        findings = "\n".join(line.strip() for line in _findings(outcome))
        parts.append(f"<pre>{escape.escape(findings)}</pre>")
        end = max([exercise.end, *(t for t, _ in outcome.run.schedule)])
        parts.append(
            "<div style='display:flex;gap:1em'>"
            + _svg(exercise.expected, end, "expected")
            + _svg(outcome.run.schedule, end, "yours")
            + "</div>"
        )
    parts.append("</div>")
    return "\n".join(parts)

"""``python -m common.exercises list|start|check|solution``.

Exit codes: ``check`` 0 passed, 1 not yet (or code that cannot be graded),
2 a usage error (an unknown exercise, a missing argument); ``start`` 1 when
the file exists (``--force`` replaces it) or cannot be written.

:func:`main` takes the arguments (``sys.argv[1:]`` unless given) and the
grading's real-time limits (the defaults unless given: the tests pass
smaller ones); ``check`` always grades in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from common.exercises import catalogue
from common.exercises.watchdog import Limits


def _exercise(parser: argparse.ArgumentParser, name: str) -> str:
    try:
        catalogue.get(name)
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    return name


def cmd_list() -> int:
    exercises = catalogue.exercises().values()
    width = max(len(e.name) for e in exercises)
    for e in exercises:
        backends = " and ".join(e.backends)
        print(f"{e.name:<{width}}  {e.lesson}  {e.title} [{backends}]")
    return 0


def cmd_start(name: str, directory: Path, force: bool) -> int:
    target = directory / f"{name}.py"
    if target.exists() and not force:
        print(f"{target} already exists: edit it, or add --force to start again", file=sys.stderr)
        return 1
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target.write_text(catalogue.starter_path(name).read_text(encoding="utf-8"), "utf-8")
    except OSError as exc:
        print(f"cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {target}: the statement is at its top. When done:")
    print(f"    python -m common.exercises check {name} {target}")
    return 0


def cmd_solution(name: str) -> int:
    print(f"spoiler: the reference solution of {name} follows", file=sys.stderr)
    sys.stdout.write(catalogue.reference_path(name).read_text(encoding="utf-8"))
    return 0


def grade_file(name: str, path: Path, limits: Limits) -> list[dict[str, object]] | str:
    """The runs, graded in a subprocess; or why there are none."""
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    env.pop("LESSONS_VIRTUAL_TIME", None)
    command = [sys.executable, "-B", "-m", "common.exercises.driver", name, str(path.resolve())]
    if limits != Limits():
        command.append(json.dumps(limits.to_json()))
    try:
        child = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=limits.wall,
            env=env,
            cwd=path.resolve().parent,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {limits.wall:g} s of real time"
    try:
        runs = json.loads(child.stdout)
    except ValueError:
        code = child.returncode
        why = f"signal {-code}" if code < 0 else f"exit code {code}"
        return f"the grader's subprocess stopped ({why}): your code used up its limits"
    return runs  # type: ignore[no-any-return]


def cmd_check(name: str, path: Path, limits: Limits) -> int:
    from common.exercises import grader, learner
    from common.exercises.model import Run

    exercise = catalogue.get(name)
    try:
        learner.compile_source(learner.read_source(path), str(path))
        graded = grade_file(name, path, limits)
    except learner.NotGradable as exc:
        runs = [
            Run(b, problem=exc.kind, message=exc.message, details=exc.details)
            for b in exercise.backends
        ]
    else:
        if isinstance(graded, str):
            runs = [Run(b, problem="cpu", message=graded) for b in exercise.backends]
        else:
            runs = [Run.from_json(r) for r in graded]
    result = grader.result(exercise, runs)
    sys.stdout.write(str(result))
    return 0 if result.passed else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m common.exercises",
        description="Exercises graded by their schedule, on virtual time (asyncio and trio).",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="the exercises: name, lesson, one line each")
    start = sub.add_parser("start", help="write the starter file NAME.py")
    start.add_argument("name")
    start.add_argument("--dir", type=Path, default=Path("."), help="where (default: here)")
    start.add_argument("--force", action="store_true", help="replace an existing file")
    check = sub.add_parser("check", help="grade FILE (exit 0 passed, 1 not yet)")
    check.add_argument("name")
    check.add_argument("file", type=Path)
    solution = sub.add_parser("solution", help="print the reference solution (a spoiler)")
    solution.add_argument("name")
    return p


def main(argv: Sequence[str] | None = None, *, limits: Limits | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.command == "list":
        return cmd_list()
    _exercise(p, args.name)
    if args.command == "start":
        return cmd_start(args.name, args.dir, args.force)
    if args.command == "solution":
        return cmd_solution(args.name)
    return cmd_check(args.name, args.file, limits or Limits())

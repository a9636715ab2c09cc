"""The harness's command line: ``python -m benchmarks [--quick] [--out FILE]``."""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import exercises, fidelity, lesson_w8s4, notebook, startup, suite, window
from benchmarks.report import Section, machine, summary
from benchmarks.worker import ROOT

DEFAULT_OUT = ROOT / "benchmarks" / "RESULTS.md"
QUICK_OUT = Path(tempfile.gettempdir()) / "lessons-benchmarks-quick.md"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sections(timer: str) -> dict[str, Callable[[bool], Section]]:
    return {
        "suite": lambda quick: suite.run(quick=quick, log=log),
        "fidelity": lambda quick: fidelity.run(quick=quick, log=log),
        "w8s4": lambda quick: lesson_w8s4.run(quick=quick, log=log),
        "startup": lambda quick: startup.run(quick=quick, timer=timer, log=log),
        "window": lambda quick: window.run(quick=quick, log=log),
        "notebook": lambda quick: notebook.run(quick=quick, log=log),
        "exercises": lambda quick: exercises.run(quick=quick, log=log),
    }


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure the project's performance targets and write the results as Markdown.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a fast smoke run: fewer runs and sizes (the targets are not judged on it)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"where to write the results (default {DEFAULT_OUT.relative_to(ROOT)};"
        f" with --quick {QUICK_OUT})",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help="comma-separated sections to run: " + ", ".join(sections("auto")),
    )
    parser.add_argument(
        "--timer",
        choices=("auto", "hyperfine", "perf_counter"),
        default="auto",
        help="how start-up is timed (auto: hyperfine if installed)",
    )
    args = parser.parse_args(argv)
    known = sections(args.timer)
    args.names = args.only.split(",") if args.only else list(known)
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown section {unknown[0]!r} (choose from {', '.join(known)})")
    if args.out is None:
        args.out = QUICK_OUT if args.quick else DEFAULT_OUT
    return args


def header(argv: Sequence[str], quick: bool, compiled: str) -> str:
    command = " ".join(["python -m benchmarks", *map(shlex.quote, argv)])
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        f"Made by `{command}` from the project root, {now}."
        + (" **Quick run**: fewer runs and sizes, targets not judged." if quick else ""),
        "## Machine",
        machine().markdown(),
        compiled,
    ]
    return "\n\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    started = time.perf_counter()
    log("byte-compiling the project…")
    parts = [header(argv, args.quick, startup.byte_compile())]
    print(parts[0], flush=True)
    status = 0
    known = sections(args.timer)
    done: list[Section] = []
    for name in args.names:
        log(f"== {name}")
        try:
            section = known[name](args.quick)
        except Exception as exc:  # one section's failure must not lose the others
            traceback.print_exc()
            section = Section(name, notes=[f"**Failed**: {type(exc).__name__}: {exc}"])
            section.targets.append([f"section {name}", "failed (see its section)", "-"])
            status = 1
        done.append(section)
        parts.append(section.markdown())
        print(section.markdown(), flush=True)
        args.out.write_text("\n".join(parts), encoding="utf-8")
    glance = "## Targets at a glance\n\n" + summary(done, args.quick).markdown() + "\n"
    footer = f"Harness run time: {time.perf_counter() - started:.0f} s."
    if hasattr(os, "getloadavg"):
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        footer += f" Load average at the end (1/5/15 min): {load}."
    footer += "\n"
    print(glance, flush=True)
    print(footer, flush=True)
    # the summary goes right after the machine, before the details
    parts = [parts[0], glance, *parts[1:], footer]
    args.out.write_text("\n".join(parts), encoding="utf-8")
    log(f"written to {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())

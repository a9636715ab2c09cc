"""w8s4 (asynchronous HTTP, embedded server): handed to ``benchmarks/bench_w8s4.py``.

The lesson w8s4 measures itself (its helper knows its server and options).
This section calls into ``benchmarks/bench_w8s4.py`` when both it and
``lessons_anyio.w8s4`` exist, and is skipped with a note otherwise.  The
script may offer, by order of preference:

1. ``run(*, quick: bool)`` returning Markdown (``str``), a
   :class:`benchmarks.report.Table` or :class:`~benchmarks.report.Section`,
   or a list of them: included as is;
2. a command line (``python benchmarks/bench_w8s4.py``): run in a subprocess,
   its output included verbatim; with ``--quick``, the options in
   :data:`QUICK_OPTIONS` are passed if its ``--help`` lists them all.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys

from benchmarks.report import Log, Section, Table
from benchmarks.worker import ROOT, worker_env

SCRIPT = ROOT / "benchmarks" / "bench_w8s4.py"
#: A short run: lower latency, fewer documents (if the script has these options).
QUICK_OPTIONS = ("--latency", "0.25", "--count", "100", "--limit", "10")
TITLE = "3. w8s4: HTTP against the embedded server"
TARGETS = "w8s4: concurrent / sequential ≤ 0.3; 1,000 documents ≤ 1.25x the ideal"


def skipped(reason: str) -> Section:
    section = Section(TITLE, intro=[f"Skipped: {reason}."])
    section.targets.append([TARGETS, "skipped: " + reason, "-"])
    return section


def run(*, quick: bool, log: Log = print) -> Section:
    if importlib.util.find_spec("lessons_anyio.w8s4") is None:
        return skipped("`lessons_anyio.w8s4` does not exist yet (lesson not merged)")
    if not SCRIPT.exists():
        return skipped("`benchmarks/bench_w8s4.py` does not exist yet")
    module = importlib.import_module("benchmarks.bench_w8s4")
    entry = getattr(module, "run", None)
    if callable(entry):
        log("  bench_w8s4.run()…")
        return as_section(entry(quick=quick))
    return from_script(quick, log)


def as_section(result: object) -> Section:
    """Whatever ``bench_w8s4.run()`` returned, as a section of the results."""
    if isinstance(result, Section):
        section = result
    else:
        section = Section(TITLE)
        for part in result if isinstance(result, list) else [result]:
            if isinstance(part, Table):
                section.tables.append(part)
            elif isinstance(part, Section):
                section.raw.append(part.markdown())
                section.targets += part.targets
            else:
                section.raw.append(str(part).strip())
    if not section.targets:
        section.targets.append([TARGETS, "see section 3", "see section 3"])
    return section


def from_script(quick: bool, log: Log) -> Section:
    command = [sys.executable, str(SCRIPT)]
    env = worker_env()
    if quick:
        usage = subprocess.run(
            [*command, "--help"], capture_output=True, text=True, cwd=ROOT, env=env, check=False
        ).stdout
        if all(option in usage for option in QUICK_OPTIONS[::2]):
            command += QUICK_OPTIONS
    shown = " ".join(["python", "benchmarks/bench_w8s4.py", *command[2:]])
    log(f"  {shown}…")
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800, check=False
    )
    section = Section(TITLE, intro=[f"Output of `{shown}` (its own format):"])
    section.raw.append("```\n" + result.stdout.rstrip() + "\n```")
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-5:]
        section.notes.append(f"It exited with {result.returncode}: " + " / ".join(tail))
    section.targets.append([TARGETS, "see section 3", "see section 3"])
    return section

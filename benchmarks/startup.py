"""Start-up: ``--list`` of each lesson against ``import asyncio, anyio`` (target: 1.3×).

Whole processes are timed: with hyperfine when it is installed (``-N``: no
shell in between, warm-up runs first), else with ``time.perf_counter`` around
``subprocess.run``, the commands interleaved round by round so that a burst
of load on the machine hits all of them alike.  Which heavy modules each
command imports comes from ``python -X importtime``.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import Log, Section, Table, median, ms, ratio, verdict
from benchmarks.suite import lesson_modules
from benchmarks.worker import ROOT, worker_env

TARGET = 1.3  # --list of any lesson within 1.3x of the baseline
BASELINE_MODULES = "asyncio, anyio"
BASELINE = f"import {BASELINE_MODULES}"
#: The modern lessons (lessons_asyncio.modern) are plain asyncio: their
#: yardstick is asyncio alone.
MODERN_BASELINE = "import asyncio"
#: Standard modules that a lesson's --list imports and the baseline does not
#: (shutil: argparse imports it when it formats, zlib, bz2 and lzma with it).
RUNNER_STDLIB = "argparse, dataclasses, shutil"
#: hyperfine runs per round (see time_hyperfine)
ROUND = 5
#: Modules a lesson's --list has no use for (only w8s4 imports HTTP
#: libraries; trio only on the trio backend; rich only for --timeline).
HEAVY = ("trio", "anyio", "aiohttp", "httpx", "requests", "rich", "pygments", "pydoc")
COMPILED = ("common", "lessons_asyncio", "lessons_anyio", "benchmarks")


@dataclass
class Command:
    label: str
    argv: list[str]


def modern_baseline() -> Command:
    return Command(f'`python -c "{MODERN_BASELINE}"`', [sys.executable, "-c", MODERN_BASELINE])


def is_modern(command: Command) -> bool:
    return ".modern." in command.label


def commands(modules: Sequence[str]) -> list[Command]:
    python = sys.executable
    found = [Command(f'`python -c "{BASELINE}"`', [python, "-c", BASELINE])]
    found += [Command(f"`python -m {m} --list`", [python, "-m", m, "--list"]) for m in modules]
    return found


def byte_compile() -> str:
    """Compile the project's modules, as site-packages' are (see the note)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *COMPILED],
        cwd=ROOT,
        check=True,
        env=worker_env(),
    )
    return (
        "The project was byte-compiled first (`python -m compileall -q "
        + " ".join(COMPILED)
        + "`): this machine sets `PYTHONDONTWRITEBYTECODE=1`, so without it the"
        " project's modules would be compiled from source at every start while asyncio"
        " and anyio load precompiled from the standard library and site-packages."
        " An installed package (`pip install .`) is byte-compiled by pip likewise."
    )


def time_hyperfine(cmds: Sequence[Command], runs: int, warmup: int) -> list[float]:
    """Median seconds of each command, by hyperfine.

    hyperfine runs all the runs of one command, then all of the next: on a
    machine whose load drifts, the two sides of a ratio would not see the same
    load.  So it is called in rounds of a few runs, the commands' order
    reversed every other round, and the median is taken over all the runs.
    """
    rounds = max(2, runs // ROUND)
    times: list[list[float]] = [[] for _ in cmds]
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "hyperfine.json"
        for round_ in range(rounds):
            order = list(range(len(cmds)))
            if round_ % 2:
                order.reverse()
            subprocess.run(
                [
                    "hyperfine",
                    "-N",
                    "--style",
                    "none",
                    "--warmup",
                    str(warmup if round_ == 0 else 1),
                    "--runs",
                    str(-(-runs // rounds)),
                    "--export-json",
                    str(export),
                    *(shlex.join(cmds[i].argv) for i in order),
                ],
                cwd=ROOT,
                env=worker_env(),
                check=True,
                capture_output=True,
            )
            results = json.loads(export.read_text(encoding="utf-8"))["results"]
            for i, result in zip(order, results, strict=True):
                times[i].extend(float(t) for t in result["times"])
    return [median(t) for t in times]


def time_perf_counter(cmds: Sequence[Command], runs: int, warmup: int) -> list[float]:
    """Median seconds of each command: rounds of one run of each, interleaved."""
    env = worker_env()
    times: list[list[float]] = [[] for _ in cmds]
    for round_ in range(warmup + runs):
        for i, command in enumerate(cmds):
            start = time.perf_counter()
            subprocess.run(command.argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            if round_ >= warmup:
                times[i].append(time.perf_counter() - start)
    return [median(t) for t in times]


@dataclass
class Imports:
    #: top-level package → cumulative microseconds (outermost import of it)
    top: dict[str, int]
    #: every module name imported
    modules: set[str]


def parse_importtime(stderr: str) -> Imports:
    """Read ``python -X importtime``'s report (on stderr)."""
    top: dict[str, int] = {}
    modules: set[str] = set()
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        try:
            cumulative, name = _split(line)
            microseconds = int(cumulative)
        except ValueError:
            continue
        depth = (len(name) - len(name.lstrip(" "))) // 2
        module = name.strip()
        modules.add(module)
        if depth == 0:
            top[module] = top.get(module, 0) + microseconds
    return Imports(top, modules)


def _split(line: str) -> tuple[str, str]:
    """``'import time: 1 | 2 |   name'`` → ``('2', '  name')`` (indent kept)."""
    _, cumulative, name = line.split("|", 2)
    return cumulative.strip(), name[1:]


def importtime(argv: Sequence[str]) -> Imports:
    result = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        cwd=ROOT,
        env=worker_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_importtime(result.stderr)


def heavy(imports: Imports) -> list[str]:
    roots = {m.split(".", 1)[0] for m in imports.modules}
    return [name for name in HEAVY if name in roots]


def biggest(imports: Imports, count: int = 3) -> str:
    ranked = sorted(imports.top.items(), key=lambda kv: -kv[1])[:count]
    return ", ".join(f"{name} {us / 1000:.0f}" for name, us in ranked)


def run(*, quick: bool, timer: str = "auto", log: Log = print) -> Section:
    runs, warmup = (10, 2) if quick else (40, 5)
    if timer == "auto":
        timer = "hyperfine" if shutil.which("hyperfine") else "perf_counter"
    measure = time_hyperfine if timer == "hyperfine" else time_perf_counter
    how = (
        f"hyperfine -N, {warmup} warm-up runs, then {runs} runs each in rounds of"
        f" {ROUND}, the commands alternating from round to round; median"
        if timer == "hyperfine"
        else f"perf_counter around subprocess.run, {warmup} warm-up rounds, {runs}"
        " rounds with the two commands alternating, median"
    )
    section = Section("4. Start-up")
    section.intro.append(
        f"Wall time of each command ({how}). Each lesson is timed together with the"
        f' baseline `python -c "{BASELINE}"` (a modern lesson with `python -c'
        f' "{MODERN_BASELINE}"`: it is plain asyncio), one pair after the other, so that both'
        " sides of each ratio see the same load on the machine; *baseline* is the"
        f" baseline's median in that pair (target: ratio ≤ {TARGET:g}). The"
        " project is byte-compiled when the harness starts (see *Machine*). *Imports*:"
        f" the modules among {', '.join(HEAVY)} that the command imports, and its three"
        " biggest top-level imports in ms, from one `python -X importtime` run (which"
        " inflates times)."
    )
    cmds = commands(lesson_modules())
    base_cmd, lessons = cmds[0], cmds[1:]
    table = Table(
        [
            "command",
            "median (ms)",
            "baseline (ms)",
            "ratio",
            f"≤ {TARGET:g}",
            "imports",
            "biggest (ms)",
        ]
    )
    modern_cmd = modern_baseline()
    for baseline in (base_cmd, modern_cmd):
        imports = importtime(baseline.argv)
        table.rows.append(
            [baseline.label, "", "", "", "", ", ".join(heavy(imports)) or "none", biggest(imports)]
        )
    ratios: list[tuple[float, float, float]] = []
    modern_ratios: list[tuple[float, float, float]] = []
    for command in lessons:
        # a modern lesson against asyncio alone, the others against asyncio and anyio
        baseline = modern_cmd if is_modern(command) else base_cmd
        log(f"  {command.label} against {baseline.label} ({timer})…")
        base, seconds = measure([baseline, command], runs, warmup)
        (modern_ratios if is_modern(command) else ratios).append((seconds / base, seconds, base))
        imports = importtime(command.argv)
        table.rows.append(
            [
                command.label,
                ms(seconds),
                ms(base),
                ratio(seconds / base),
                verdict(seconds / base <= TARGET),
                ", ".join(heavy(imports)) or "none",
                biggest(imports),
            ]
        )
    section.tables.append(table)
    for found, what in ((ratios, BASELINE_MODULES), (modern_ratios, "asyncio")):
        if not found:
            continue
        worst, seconds, base = max(found)
        which = "modern lesson" if what == "asyncio" else "faithful or port lesson"
        section.targets.append(
            [
                f"`--list` of any {which} ≤ {TARGET:g}x `import {what}`",
                f"at most {ratio(worst)}x ({ms(seconds)} ms against {ms(base)} ms)",
                verdict(worst <= TARGET),
            ]
        )
    section.tables.append(breakdown(measure, runs, warmup, log))
    return section


#: Where a lesson's --list spends its time beyond the baseline, step by step.
STEPS = (
    ("the baseline", BASELINE_MODULES),
    ("+ the standard modules the runner adds", f"{BASELINE_MODULES}, {RUNNER_STDLIB}"),
    ("+ `common.runner` itself", f"{BASELINE_MODULES}, {RUNNER_STDLIB}, common.runner"),
    ("+ a port lesson module (w8s6)", f"{BASELINE_MODULES}, {RUNNER_STDLIB}, lessons_anyio.w8s6"),
)


def breakdown(measure: Callable[..., list[float]], runs: int, warmup: int, log: Log) -> Table:
    """Time the imports a lesson's --list adds to the baseline, one step at a time."""
    python = sys.executable
    cmds = [
        Command(f"{label}: `import {what}`", [python, "-c", f"import {what}"])
        for label, what in STEPS
    ]
    cmds.append(
        Command(
            "`python -m lessons_anyio.w8s6 --list`", [python, "-m", "lessons_anyio.w8s6", "--list"]
        )
    )
    log("  start-up breakdown…")
    medians = measure(cmds, runs, warmup)
    table = Table(
        ["what is imported", "median (ms)", "added (ms)", "ratio to the baseline"],
        caption=(
            "Where the time goes (same timer, all commands in one run): the baseline, then"
            f" what the runner imports on top of it (`{RUNNER_STDLIB}`: argparse imports"
            " shutil, which imports zlib, bz2, lzma), then the runner, a lesson module,"
            " and the whole command; *added*: against the row above."
        ),
    )
    previous = medians[0]
    for command, seconds in zip(cmds, medians, strict=True):
        table.rows.append(
            [
                command.label,
                ms(seconds),
                ms(seconds - previous) if command is not cmds[0] else "",
                ratio(seconds / medians[0]),
            ]
        )
        previous = seconds
    return table

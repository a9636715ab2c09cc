"""Notebooks: what a demo run from a Jupyter cell costs, and what 100 leave behind.

A real kernel (ipykernel, started as the tests start it: :mod:`tests.kernel`)
runs the demos with ``from common import run``.

* Cell overhead: the wall time of a cell ``run(demo, virtual=True)``, from
  the request sent to the kernel being idle again (what the user waits for:
  the cell's dispatch, the run in its worker thread, the output forwarded,
  the timeline drawn as SVG), against the same run made as the command line
  makes it (``run_demo``, its output to a pipe) in a fresh process.  On
  virtual time the demo's own waiting is none, the same on both sides, so the
  difference is what the notebook adds.  Medians after a warm-up run.
* 100 consecutive runs in one kernel (faithful, port on asyncio, port on
  trio, in turn): the kernel's threads (Python's and the OS's), open file
  descriptors and resident memory before and after, and the growth of its
  peak resident set.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from benchmarks.report import Log, Section, Table, median, ms, verdict
from benchmarks.worker import ROOT, worker_env

if TYPE_CHECKING:
    from tests.kernel import Kernel

TARGET = 0.050  # a cell costs at most 50 ms more than the command line
SETTLE, QUIET = 60.0, 12.0  # ipykernel's clean-up of threads' sockets runs every 10 s
TITLE = "6. Notebooks: demos in a Jupyter kernel"
IMPORTS = (
    "from common import run\n"
    "from lessons_asyncio import {name} as faithful\n"
    "from lessons_anyio import {name} as port\n"
)
#: (label, lesson, demo, flavour, backend)
DEMOS = [
    ("w8s2 gather, faithful", "w8s2", "gather", "asyncio", "asyncio"),
    ("w8s2 gather, port on asyncio", "w8s2", "gather", "anyio", "asyncio"),
    ("w8s8 window, port on trio", "w8s8", "window", "anyio", "trio"),
]
PROBE = """\
import asyncio, gc, json, os, resource, threading
gc.collect()
print(json.dumps({
    "Python objects (after gc.collect)": len(gc.get_objects()),
    "tasks of the kernel's asyncio loop": len(asyncio.all_tasks()),
    "Python threads": threading.active_count(),
    "OS threads": len(os.listdir("/proc/self/task")),
    "open fds": len(os.listdir("/proc/self/fd")),
    "RSS": int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE"),
    "peak RSS": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))"""


GC = """\
import gc, json, time
times = []
for _ in range(5):
    start = time.perf_counter()
    gc.collect()
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": sorted(times)[2], "objects": len(gc.get_objects())}))"""


def call(flavour: str, demo: str, backend: str) -> str:
    lesson = "faithful" if flavour == "asyncio" else "port"
    on = f', backend="{backend}"' if flavour == "anyio" else ""
    return f'run({lesson}.lesson["{demo}"]{on}, virtual=True)'


def cell_seconds(kernel: Kernel, code: str) -> float:
    """Wall time of one cell, request to idle, on this side of the wire."""
    start = time.perf_counter()
    cell = kernel.execute(code)
    took = time.perf_counter() - start
    if cell.error is not None:
        raise RuntimeError(f"{code!r} failed in the kernel: {cell.reply['content']}")
    return took


def command_line_seconds(flavour: str, name: str, demo: str, backend: str) -> float:
    """The same run as the command line makes it (``run_demo`` in the main
    thread, its output to a pipe), timed in a fresh process of its own: its
    heap is a command line's, not this harness's.  One warm-up run first."""
    script = (
        "import sys, time\n"
        "from common.api import run_demo\n"
        "from tests.harness import lesson\n"
        f"demo = lesson({flavour!r}, {name!r})[{demo!r}]\n"
        f"run_demo(demo, backend={backend!r}, virtual=True)\n"
        "start = time.perf_counter()\n"
        f"run_demo(demo, backend={backend!r}, virtual=True)\n"
        "print(time.perf_counter() - start, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=worker_env(),
        timeout=120,
        check=True,
    )
    return float(result.stderr.strip().splitlines()[-1])


def overhead(kernel: Kernel, repeats: int, log: Log) -> tuple[Table, float]:
    table = Table(
        ["demo (virtual time)", "cell, median ms", "command line, median ms", "overhead ms"],
        caption=f"Cell against command line, median of {repeats} after one warm-up run each:",
    )
    worst = 0.0
    for label, name, demo, flavour, backend in DEMOS:
        log(f"  {label}…")
        code = IMPORTS.format(name=name) + call(flavour, demo, backend)
        cell_seconds(kernel, code)
        command_line_seconds(flavour, name, demo, backend)
        cells, lines = [], []
        for _ in range(repeats):  # interleaved: a burst of load hits both alike
            cells.append(cell_seconds(kernel, code))
            lines.append(command_line_seconds(flavour, name, demo, backend))
        extra = median(cells) - median(lines)
        worst = max(worst, extra)
        table.rows.append([label, ms(median(cells)), ms(median(lines)), ms(extra)])
    inside = json.loads(kernel.execute(GC).stream())
    here = json.loads(_gc_here())
    table.notes.append(
        f"Why the runs collect only what they made (``gc.freeze()`` meanwhile): a full"
        f" `gc.collect()` takes {ms(inside['seconds'])} ms in the kernel"
        f" ({inside['objects']:,} objects) and {ms(here['seconds'])} ms in a process that has"
        f" run a demo ({here['objects']:,} objects)."
    )
    return table, worst


def _gc_here() -> str:
    """:data:`GC` in a fresh process that has run a demo, as a command line."""
    script = (
        "from common.api import run_demo\n"
        "from tests.harness import lesson\n"
        "run_demo(lesson('asyncio', 'w8s2')['gather'], virtual=True, echo=False)\n"
    ) + GC
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, cwd=ROOT, env=worker_env(), timeout=120, check=True,
    ).stdout  # fmt: skip


def probe(kernel: Kernel) -> dict[str, int]:
    cell = kernel.execute(PROBE)
    return dict(json.loads(cell.stream()))


def settled(kernel: Kernel, log: Log) -> tuple[dict[str, int], float]:
    """Probe until the fds have not changed for a while (:data:`QUIET` s, or
    :data:`SETTLE` s in all): ipykernel keeps an output socket (an eventfd)
    per thread that printed, and closes those of finished threads every 10 s."""
    log("  waiting for ipykernel's clean-up of finished threads' sockets…")
    start = quiet_since = time.monotonic()
    last = probe(kernel)
    while time.monotonic() - quiet_since < QUIET and time.monotonic() - start < SETTLE:
        time.sleep(1)
        now = probe(kernel)
        if now["open fds"] != last["open fds"]:
            quiet_since = time.monotonic()
        last = now
    return last, time.monotonic() - start


def hundred_runs(kernel: Kernel, runs: int, log: Log) -> tuple[Table, bool, float]:
    codes = [IMPORTS.format(name=name) + call(f, d, b) for _, name, d, f, b in DEMOS]
    for code in codes:  # warm-up: imports, first loops, lazy modules
        cell_seconds(kernel, code)
    before, _ = settled(kernel, log)
    log(f"  {runs} runs in one kernel…")
    for k in range(runs):
        cell_seconds(kernel, codes[k % len(codes)])
    right_after = probe(kernel)
    after, waited = settled(kernel, log)
    table = Table(
        ["kernel", "before", f"right after {runs} runs", f"{waited:.0f} s later", "growth"],
        caption=f"{runs} consecutive runs in one kernel ({', '.join(label for label, *_ in DEMOS)}"
        " in turn), after one warm-up run of each:",
        notes=[
            "Right after the runs, the extra fds are ipykernel's: one `eventfd` per thread"
            " that printed (each run prints from a thread of its own), closed by ipykernel"
            " every 10 s once the thread has ended.  *Before* and the last column are taken"
            f" once the kernel's fds have not changed for {QUIET:g} s.",
        ],
    )
    for key in before:
        size = key in ("RSS", "peak RSS")
        shown = (lambda v: f"{v / 1e6:.1f} MB") if size else str
        grew = after[key] - before[key]
        table.rows.append(
            [
                key,
                shown(before[key]),
                shown(right_after[key]),
                shown(after[key]),
                f"{grew / 1e6:+.1f} MB" if size else grew,
            ]
        )
    kept = ("tasks of the kernel's asyncio loop", "Python threads", "OS threads", "open fds")
    back = all(after[k] == before[k] for k in kept)
    return table, back, after["peak RSS"] - before["peak RSS"]


def run(*, quick: bool, log: Log = print) -> Section:
    from tests.kernel import Kernel, KernelSpecs

    repeats, runs = (5, 20) if quick else (15, 100)
    section = Section(TITLE, intro=[__doc__.split("\n\n", 1)[1].strip()] if __doc__ else [])
    specs = KernelSpecs()
    try:
        kernel = Kernel(specs)
        try:
            table, worst = overhead(kernel, repeats, log)
            section.tables.append(table)
            leaks, back, peak = hundred_runs(kernel, runs, log)
            section.tables.append(leaks)
        finally:
            kernel.close()
    finally:
        specs.close()
    judged = None if quick else worst <= TARGET
    section.targets.append(
        [
            f"a demo in a notebook cell ≤ {TARGET * 1000:g} ms more than on the command line",
            f"at most {ms(worst)} ms more",
            verdict(judged),
        ]
    )
    section.targets.append(
        [
            f"{runs} runs in one kernel: threads, fds and tasks back to their baseline",
            ("back" if back else "NOT back (see section 6)") + f"; peak RSS {peak / 1e6:+.1f} MB",
            verdict(None if quick else back),
        ]
    )
    if quick:
        section.notes.append("Quick run: fewer runs; the targets are not judged.")
    return section

"""Measure lesson w8s4 on real time, against its embedded server (not a test).

Two targets (concurrent / sequential ≤ 0.3; 1,000 documents within 1.25×
the ideal), for the faithful version and the port on asyncio and trio:

* 4 documents: wall time of ``concurrent`` / ``sequential`` <= 0.3 (ideal 0.25);
* N documents (1,000) with ``--limit K`` (100): ``concurrent`` within 1.25×
  of the ideal ``ceil(N / K) × latency``.

Each time is the one the demo prints (``duration = …s``, from its own start
to its end), and, in brackets, the wall time of the whole run, server start
and stop included.

    python benchmarks/bench_w8s4.py                      # defaults below
    python benchmarks/bench_w8s4.py --latency 1 --count 1000 --limit 100
    python benchmarks/bench_w8s4.py --fuzz 10000         # the server under fuzz only

``--fuzz N`` sends N fuzzed requests (request lines and headers, seeded, on
loopback) to the embedded server while the port's ``concurrent`` demo
downloads from it, over and over, on each backend: every demo run must
succeed; the time the N requests took is printed.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.runner import run_demo
from tests.harness import lesson

RUNS = [("faithful", "asyncio", "asyncio"), ("port", "anyio", "asyncio"), ("port", "anyio", "trio")]


def measure(flavour: str, backend: str, demo: str, **options: object) -> tuple[float, float]:
    """(printed duration, wall time) of one real-time run of ``demo``."""
    start = time.perf_counter()
    record = run_demo(
        lesson(flavour, "w8s4_limits")[demo], backend=backend, echo=False, options=options
    )
    wall = time.perf_counter() - start
    errors = record.text("stderr")
    if errors:
        raise SystemExit(f"{flavour} {demo} on {backend} printed errors:\n{errors}")
    printed = re.findall(r"^duration = ([0-9.]+)s$", record.text(), re.MULTILINE)
    return float(printed[-1]), wall


def fuzz_run(backend: str, count: int) -> tuple[float, int, dict[int | None, int]]:
    """(seconds for ``count`` fuzzed requests, demo runs meanwhile, answers by status)."""
    import anyio

    from common.runner import run_async_demo
    from common.w8s4 import DocumentServer, document_size
    from tests.test_w8s4_server import fuzz

    async def main() -> tuple[float, int, dict[int | None, int]]:
        server = DocumentServer(latency=0.5)
        runs = 0
        done = anyio.Event()

        async def demos() -> None:
            nonlocal runs
            while not done.is_set():
                demo = lesson("anyio", "w8s4")["concurrent"]
                record = await run_async_demo(demo, echo=False, options={"server": server})
                if record.text("stderr") or record.text().count(" returned ") != 4:
                    raise SystemExit(f"a demo run failed under fuzz:\n{record.text('stderr')}")
                runs += 1

        async with server.running(), anyio.create_task_group() as tg:
            tg.start_soon(demos)
            start = time.perf_counter()
            statuses = await fuzz(server.port, count)
            took = time.perf_counter() - start
            done.set()
        assert all(server.sent[name] >= document_size(name) for name in server.names)
        return took, runs, statuses

    return anyio.run(main, backend=backend)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=1.0,
        help="server latency, seconds (default 1, the lesson's)",
    )
    parser.add_argument(
        "--count", type=int, default=1000, help="documents for the limit run (default 1000)"
    )
    parser.add_argument("--limit", type=int, default=100, help="downloads in flight (default 100)")
    parser.add_argument(
        "--fuzz", type=int, default=0, metavar="N", help="only the fuzz: N hostile requests"
    )
    args = parser.parse_args()
    if args.fuzz:
        for backend in ("asyncio", "trio"):
            took, runs, statuses = fuzz_run(backend, args.fuzz)
            answers = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
            print(
                f"{backend:<8} {args.fuzz} fuzzed requests in {took:.1f} s, while {runs}"
                f" concurrent runs all succeeded (answers {answers})",
                flush=True,
            )
        return
    latency = args.latency
    ideal = math.ceil(args.count / args.limit) * latency
    print(f"latency {latency:g} s; 4 documents; then {args.count} documents, --limit {args.limit}")
    print(f"{'version':<18} {'sequential':>16} {'concurrent':>16} {'ratio':>6}", end="")
    print(f"   {args.count} docs (ideal {ideal:g} s)")
    for name, flavour, backend in RUNS:
        seq, seq_wall = measure(flavour, backend, "sequential", latency=latency)
        con, con_wall = measure(flavour, backend, "concurrent", latency=latency)
        many, many_wall = measure(
            flavour, backend, "concurrent", latency=latency, count=args.count, limit=args.limit
        )
        print(
            f"{name + ' ' + backend:<18} {seq:>7.3f} ({seq_wall:5.2f})"
            f" {con:>7.3f} ({con_wall:5.2f}) {con / seq:>6.3f}"
            f"   {many:.2f} s ({many_wall:.2f}) = {many / ideal:.3f} × ideal",
            flush=True,
        )


if __name__ == "__main__":
    main()

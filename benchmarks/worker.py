"""Measurements that need a fresh process, and how the harness asks for them.

The harness runs ``python -m benchmarks.worker '<json>'``; the worker does
one measurement and prints its result as one ``BENCH-JSON {...}`` line.  A
fresh process per measurement means what a user's run would pay (lazy imports
on the first call, an empty heap) and no state carried from one run to the
next (peak memory, event loop policies, trio's globals).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH-JSON "


class WorkerFailed(RuntimeError):
    pass


def worker_env() -> dict[str, str]:
    """The environment of a real run: the project importable, no virtual time."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("LESSONS_VIRTUAL_TIME", None)
    return env


def call_worker(payload: dict[str, Any], *, timeout: float = 300) -> dict[str, Any]:
    """Run one measurement in a fresh process; its result."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", json.dumps(payload)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=worker_env(),
        timeout=timeout,
        check=False,
    )
    found = [line for line in result.stdout.splitlines() if line.startswith(MARK)]
    if result.returncode != 0 or not found:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise WorkerFailed(f"{payload} failed ({result.returncode}): " + " / ".join(tail))
    answer: dict[str, Any] = json.loads(found[-1][len(MARK) :])
    return answer


# -- the measurements ---------------------------------------------------------


def _demo(payload: dict[str, Any]) -> dict[str, Any]:
    """A real-time run of one demo, as the command line makes it."""
    import importlib

    from common.runner import run_demo

    lesson = importlib.import_module(payload["module"]).lesson
    record = run_demo(
        lesson[payload["demo"]],
        backend=payload.get("backend", "asyncio"),
        virtual=False,
        echo=False,
        duration=payload.get("duration"),
    )
    return {"lines": record.lines(), "stderr": record.text("stderr"), "duration": record.duration}


def _simulate(payload: dict[str, Any]) -> dict[str, Any]:
    """Every demo of a lesson module on virtual time: how long each lasts."""
    import importlib

    from common.runner import BACKENDS, run_demo

    lesson = importlib.import_module(payload["module"]).lesson
    backends = BACKENDS if lesson.flavour == "anyio" else ("asyncio",)
    runs = []
    for demo in lesson.demos.values():
        for backend in backends:
            try:
                record = run_demo(demo, backend=backend, virtual=True, echo=False)
            except Exception as exc:  # reported, not fatal: the table says which
                runs.append({"demo": demo.name, "backend": backend, "error": repr(exc)})
                continue
            runs.append(
                {
                    "demo": demo.name,
                    "backend": backend,
                    "duration": record.duration,
                    "stopped": record.stopped,
                }
            )
    return {"runs": runs}


def _window(payload: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.window import measure

    return measure(
        payload["variant"],
        payload["jobs"],
        trace=payload.get("trace", False),
        collect=payload.get("collect", True),
    )


TASKS = {"demo": _demo, "simulate": _simulate, "window": _window}


def main(argv: list[str]) -> int:
    payload = json.loads(argv[0])
    result = TASKS[payload["task"]](payload)
    sys.stdout.write(MARK + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

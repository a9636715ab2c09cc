"""Importing any module of the package changes nothing process-wide.

A learner imports a lesson in a notebook, next to their own asyncio or trio
code: the import must leave asyncio, time, anyio, trio, signal handlers and
the standard streams as they were.  Whatever a run needs is installed when
the run starts and removed when it ends.  Checked in a fresh interpreter,
every module of ``common``, ``lessons_asyncio`` and ``lessons_anyio``.
"""

import json
import subprocess
import sys

from tests.harness import ROOT

PROBE = r"""
import asyncio, asyncio.selector_events, importlib, json, pkgutil, signal, sys, threading
import time, warnings
import anyio, anyio.to_thread, trio, trio.lowlevel, trio.testing
# the libraries' own imports change what they change (urllib3 adds warning
# filters): imported before the first look, so that only ours are seen
import aiohttp, httpx, requests, rich

def state():
    selector_classes = (
        asyncio.base_events.BaseEventLoop,
        asyncio.selector_events.BaseSelectorEventLoop,
        asyncio.SelectorEventLoop,
    )
    policy = asyncio.events._event_loop_policy
    return {
        "time": {name: id(getattr(time, name)) for name in ("sleep", "time", "monotonic")},
        "anyio.to_thread.run_sync": id(anyio.to_thread.run_sync),
        "anyio.run": id(anyio.run),
        "selector loop": {
            f"{cls.__name__}.{name}": id(value)
            for cls in selector_classes
            for name, value in vars(cls).items()
        },
        "asyncio": {name: id(getattr(asyncio, name)) for name in dir(asyncio) if name[0] != "_"},
        "event loop policy": repr(policy) if policy is None else type(policy).__name__,
        "current loop": repr(policy._local._loop) if policy is not None else None,
        "running loop": repr(asyncio.events._get_running_loop()),
        "trio": {name: id(getattr(trio.lowlevel, name)) for name in dir(trio.lowlevel)},
        "MockClock": {name: id(value) for name, value in vars(trio.testing.MockClock).items()},
        "signals": {
            sig.name: repr(signal.getsignal(sig))
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE)
        },
        "streams": [id(sys.stdout), id(sys.stderr), id(sys.stdin)],
        "hooks": [id(sys.excepthook), id(threading.excepthook), id(sys.unraisablehook)],
        "warnings": repr(warnings.filters),
        "threads": threading.active_count(),
    }

before = state()
imported = []
for package in ("common", "lessons_asyncio", "lessons_anyio"):
    module = importlib.import_module(package)
    imported.append(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
after = state()
changed = {
    key: {"before": before[key], "after": after[key]}
    for key in before
    if before[key] != after[key]
}
print(json.dumps({"imported": imported, "changed": changed}, default=str))
"""


def changes_on_import():
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def detail(changed):
    """Only what differs, key by key, to read in a failure."""
    lines = []
    for key, values in changed.items():
        before, after = values["before"], values["after"]
        if isinstance(before, dict):
            for name in sorted(set(before) | set(after)):
                if before.get(name) != after.get(name):
                    lines.append(f"{key}: {name}")
        else:
            lines.append(f"{key}: {before!r} -> {after!r}")
    return lines


def test_importing_every_module_changes_nothing():
    result = changes_on_import()
    # it did import them all (a probe that imports nothing proves nothing)
    for module in ("common.runner", "common.api", "common.virtual", "lessons_anyio.w8s8"):
        assert module in result["imported"]
    assert detail(result["changed"]) == []


def test_importing_the_server_leaves_the_selector_loop_alone():
    # w8s4's accept workaround (CPython gh-153761) is applied per loop, while
    # its server runs: importing it changes no class
    result = changes_on_import()
    assert "common.w8s4.accept" in result["imported"]
    assert "selector loop: BaseSelectorEventLoop._sock_accept" not in detail(result["changed"])


def test_a_run_leaves_nothing_behind():
    """What runs install (the recorder's taps, virtual-time sleeps, anyio's
    thread hook on virtual time) is gone when they end, on every flavour."""
    import asyncio
    import signal
    import time

    import anyio.to_thread

    import common

    def look():
        policy = asyncio.events._event_loop_policy  # read, not made (3.14 deprecates the getter)
        return (
            time.sleep,
            anyio.to_thread.run_sync,
            sys.stdout,
            sys.stderr,
            signal.getsignal(signal.SIGINT),
            None if policy is None else policy._local._loop,
        )

    before = look()
    common.run("w8s2", "famine", virtual=True, echo=False)  # a blocking sleep
    common.run("w8s9", "blocking", flavour="anyio", backend="trio", virtual=True, echo=False)
    common.run("w8s6", "timer", flavour="anyio", virtual=True, echo=False)
    assert look() == before

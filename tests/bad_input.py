"""Bad input, table-driven (the tables: tests/test_bad_input*.py).

Each row is one command a user could type, with something wrong in it.
Whatever the row, the command must say what is wrong in exactly one line on
stderr, end with the documented exit code (2: usage error; 1: a failure
outside the lesson), print no traceback nor warning, and leave the folder it
ran in as it was (no page half-written, no temporary file left).

Every row runs in a folder of its own (its working directory, prepared with
the files the row needs), through the command line's ``main()`` in the test's
process (:func:`tests.harness.run_main`), or as ``python -m`` in a process of
its own where that is the point: a module Python cannot find, an output that
takes nothing (``/dev/full``); those of a table run all at once.
"""

import hashlib
import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from tests.harness import cli_env, run_main


@dataclass(frozen=True)
class Bad:
    """One bad command: ``python -m <argv[0]> <argv[1:]>``."""

    id: str
    argv: tuple[str, ...]
    #: the exit code the command documents for it
    code: int
    #: what the one line on stderr must say
    says: str
    #: files to make in the working directory first: {path: text}, None for a folder
    files: dict[str, str | None] = field(default_factory=dict)
    #: stdout goes to a pipe, or to /dev/full (writes fail: "No space left")
    stdout: str = "pipe"
    #: something printed on stdout is fine (a demo ran before it failed)
    output: bool = False
    #: what the line must not say (a wrong hint)
    never: str | None = None

    #: run as ``python -m`` in a process of its own (else through the
    #: command line's ``main()`` in this process, which is much faster)
    process: bool = False
    #: environment variables (an output encoding, COLUMNS): in this process,
    #: only PYTHONIOENCODING
    env: dict[str, str] = field(default_factory=dict)


def params(rows):
    """The rows as pytest parameters, each named by its id."""
    return [pytest.param(row, id=row.id) for row in rows]


def snapshot(folder):
    """{relative path: (kind, sha256 of the content)} of everything in ``folder``."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames:
            found[os.path.relpath(os.path.join(dirpath, name), folder)] = ("dir", None)
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            found[os.path.relpath(path, folder)] = ("file", digest)
    return found


def prepare(row, folder):
    """The row's files in its folder; what the folder holds then."""
    for path, text in row.files.items():
        target = folder / path
        if text is None:
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    return snapshot(folder)


def run_in_a_process(row, folder):
    before = prepare(row, folder)
    with open(os.devnull if row.stdout == "pipe" else "/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", *row.argv],
            stdout=subprocess.PIPE if row.stdout == "pipe" else full,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=folder,
            env={**cli_env(virtual=True), **row.env},
            timeout=120,
        )
    return (result.returncode, result.stdout or "", result.stderr), before, snapshot(folder)


def run_in_processes(rows, tmp_path_factory):
    """The rows that need a process of their own, run at once:
    {row id: ((exit code, stdout, stderr), folder before, folder after)}."""
    rows = [row for row in rows if row.process]
    folders = [tmp_path_factory.mktemp(row.id) for row in rows]
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(run_in_a_process, rows, folders))
    return {row.id: outcome for row, outcome in zip(rows, outcomes, strict=True)}


def run_in_this_process(row, folder, monkeypatch):
    """The command line's main(), here: what it prints, its exit code."""
    assert set(row.env) <= {"PYTHONIOENCODING"}, f"{row.id}: its environment needs a process"
    before = prepare(row, folder)
    monkeypatch.chdir(folder)
    ran = run_main(*row.argv, encoding=row.env.get("PYTHONIOENCODING", "utf-8"))
    return (ran.returncode, ran.stdout, ran.stderr), before, snapshot(folder)


def check(row, outcome, caplog):
    """The row's command said what is wrong in one line, with its exit code,
    and left its folder as it was."""
    (code, out, err), before, after = outcome
    if not row.process:
        # what asyncio or a library logs (pytest captures logging): nothing
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    command = "python -m " + " ".join(row.argv)
    assert code == row.code, (command, err)
    lines = err.splitlines()
    assert len(lines) == 1, (command, err)
    assert row.says in lines[0], (command, lines[0])
    if row.never is not None:
        assert row.never not in lines[0], (command, lines[0])
    for bad in ("Traceback", "Warning", "never retrieved", "Task was destroyed", "Unclosed"):
        assert bad not in err, (command, err)
        assert bad not in out, (command, out)
    if row.stdout == "pipe" and not row.output:
        assert out == "", (command, out)
    # nothing written, nothing half-written, no temporary file left behind
    assert after == before, command


def outcome(row, request, tmp_path, monkeypatch):
    """The row run: in this process, or taken from the module's fixture
    ``in_processes`` (a :func:`run_in_processes` of its table)."""
    if row.process:
        return request.getfixturevalue("in_processes")[row.id]
    return run_in_this_process(row, tmp_path, monkeypatch)

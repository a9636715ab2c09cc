"""Bad input, table-driven: a newcomer breaks nothing from the command line.

Each row is one command a user could type, with something wrong in it: an
unknown lesson or demo, a malformed number, conflicting options, a file that
cannot be written, an output that cannot take the text.  Whatever the row,
the command must say what is wrong in exactly one line on stderr, end with
the documented exit code (2: usage error; 1: a failure outside the lesson),
print no traceback nor warning, and leave the folder it ran in as
it was (no page half-written, no temporary file left).

Every row runs in a folder of its own (its working directory, prepared with
the files the row needs), through the command line's ``main()`` in this
process (fast), or as ``python -m`` in a process of its own where that is
the point: a module Python cannot find, an output that takes nothing, and
one failed download per flavour and backend (what an interpreter says as it
exits: an unclosed session, a task destroyed); those run all at once.
"""

import atexit
import hashlib
import importlib
import logging
import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

import common.sidebyside as sidebyside
from tests.harness import ROOT

SIDEBYSIDE = "common.sidebyside"


def closed_port():
    """A loopback port where nothing listens, and nothing else can: a socket
    is bound to it, without listening (a connection is refused), and kept
    bound until the tests end (a port released at once may be handed to the
    next server that binds port 0: then it answers)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    atexit.register(sock.close)
    return sock.getsockname()[1]


CLOSED = closed_port()
#: a server slower than the client's patience
SLOW = ("--latency", "2", "--timeout", "0.5")


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
    #: environment variables for a process of its own (an output encoding, COLUMNS)
    env: dict[str, str] = field(default_factory=dict)


W8S2 = "lessons_anyio.w8s2"
LIMITS_ASYNCIO, LIMITS_ANYIO = "lessons_asyncio.w8s4_limits", "lessons_anyio.w8s4_limits"
BACKEND = {"faithful": (), "asyncio": ("--backend", "asyncio"), "trio": ("--backend", "trio")}
VIDEO = "the video's code stops at the first failure"
#: (row name, demo, URL, how the line names the download, the reason)
FIRST_FAILURES = [
    (
        "bad-port",
        "concurrent",
        "http://127.0.0.1:99999/",
        "download of 'http://127.0.0.1:99999/'",
        "invalid URL: port out of range 0-65535",
    ),
    ("xn", "sequential", "http://xn--/", "download of 'http://xn--/'", "invalid host name 'xn--'"),
    (
        "empty-label",
        "lines",
        "http://a..b/",
        "download of 'http://a..b/'",
        "invalid host name 'a..b'",
    ),
    (
        "newline",
        "concurrent",
        "http://h/a\nb",
        "download of 'http://h/a\\nb'",
        "invalid URL: control or undecodable characters in it",
    ),
    (
        "ftp",
        "lines",
        "ftp://127.0.0.1/x",
        "download of 'ftp://127.0.0.1/x'",
        "unsupported scheme 'ftp' (http and https only)",
    ),
]
#: (row name, demo, arguments, the one line) for each flavour and backend
LIMITS_FAILURES = [
    (
        "bad-port",
        "concurrent",
        ("--url", "http://127.0.0.1:99999/"),
        "'http://127.0.0.1:99999/' failed: invalid URL: port out of range 0-65535",
    ),
    ("xn", "lines", ("--url", "http://xn--/"), "'http://xn--/' failed: invalid host name 'xn--'"),
    (
        "empty-label",
        "sequential",
        ("--url", "http://a..b/"),
        "'http://a..b/' failed: invalid host name 'a..b'",
    ),
    (
        "newline",
        "concurrent",
        ("--url", "http://h/a\nb"),
        "'http://h/a\\nb' failed: invalid URL: control or undecodable characters in it",
    ),
    (
        "undecodable",
        "sequential",
        ("--url", f"http://127.0.0.1:{CLOSED}/\udcff"),
        f"'http://127.0.0.1:{CLOSED}/\\udcff' failed: invalid URL: control or undecodable",
    ),
    (
        "refused",
        "sequential",
        ("--url", f"http://127.0.0.1:{CLOSED}/"),
        f"'http://127.0.0.1:{CLOSED}/' failed: connection refused",
    ),
    (
        "ftp",
        "lines",
        ("--url", "ftp://127.0.0.1/f1040.pdf"),
        "'ftp://127.0.0.1/f1040.pdf' failed: unsupported scheme 'ftp' (http and https only)",
    ),
    (
        "no-host",
        "concurrent",
        ("--url", "http:///nohost"),
        "'http:///nohost' failed: no host in the URL",
    ),
    (
        "no-scheme",
        "sequential",
        ("--url", "notaurl"),
        "'notaurl' failed: not a URL: no scheme (http:// or https://)",
    ),
    (
        "bad-ipv6",
        "lines",
        ("--url", "http://[::1/"),
        "'http://[::1/' failed: invalid URL: invalid IPv6 URL",
    ),
    ("404", "sequential", ("--url", "/nope.pdf"), "/nope.pdf' failed: HTTP 404 Not Found"),
    # (on virtual time: the blocking clients of sequential count real seconds)
    (
        "timeout",
        "concurrent",
        ("--url", "/pub/irs-pdf/f1040.pdf", *SLOW),
        "/pub/irs-pdf/f1040.pdf' failed: timed out after 0.5 s",
    ),
]

ROWS = [
    # -- the lessons: demo names ---------------------------------------------
    Bad(
        "port-unknown-demo",
        (W8S2, "nosuchdemo"),
        2,
        "unknown demo 'nosuchdemo' (choose from morceaux, gather, famine)",
    ),
    Bad("port-demo-wrong-case", (W8S2, "gather", "Gather"), 2, "unknown demo 'Gather'"),
    Bad(
        "faithful-unknown-demo",
        ("lessons_asyncio.w8s8", "tick"),
        2,
        "unknown demo 'tick' (choose from queue_help, producer_consumer, window)",
    ),
    Bad(
        "faithful-given-a-port-only-demo",
        ("lessons_asyncio.w8s5", "portable"),
        2,
        "'portable' is a demo of the port only: python -m lessons_anyio.w8s5 portable",
    ),
    Bad("empty-demo-name", ("lessons_anyio.w8s7", ""), 2, "unknown demo ''"),
    Bad(
        "demo-typed-as-an-option",
        ("lessons_anyio.w8s7", "-lifecycle"),
        2,
        "unrecognized arguments: -lifecycle",
    ),
    Bad(
        "list-with-an-unknown-demo",
        ("lessons_asyncio.w8s6", "--list", "nosuch"),
        2,
        "unknown demo 'nosuch'",
    ),
    # Python itself answers for a module that does not exist (exit 1)
    Bad(
        "unknown-lesson",
        ("lessons_anyio.w8s3",),
        1,
        "No module named lessons_anyio.w8s3",
        process=True,
    ),
    Bad(
        "package-not-a-lesson", ("lessons_asyncio",), 1, "cannot be directly executed", process=True
    ),
    # -- the lessons: --duration ---------------------------------------------
    Bad("duration-zero", (W8S2, "--duration", "0"), 2, "must be a finite number of seconds > 0"),
    Bad("duration-negative", (W8S2, "--duration", "-1"), 2, "must be a finite number"),
    Bad("duration-not-a-number", (W8S2, "--duration", "abc"), 2, "not a number of seconds: 'abc'"),
    Bad("duration-nan", (W8S2, "--duration", "nan"), 2, "must be a finite number of seconds > 0"),
    Bad("duration-inf", (W8S2, "--duration", "inf"), 2, "must be a finite number of seconds > 0"),
    Bad(
        "duration-minus-inf",
        ("lessons_asyncio.w8s9", "boom", "--duration=-inf"),
        2,
        "must be a finite number of seconds > 0, not '-inf'",
    ),
    Bad("duration-missing", (W8S2, "--duration"), 2, "argument --duration: expected one argument"),
    Bad("duration-empty", ("lessons_anyio.w8s6", "--duration="), 2, "not a number of seconds: ''"),
    Bad(
        "duration-decimal-comma",
        ("lessons_asyncio.w8s6", "fork", "--duration", "1,5"),
        2,
        "not a number of seconds: '1,5'",
    ),
    Bad(
        "duration-with-a-unit",
        ("lessons_anyio.w8s6", "fork", "--duration", "3s"),
        2,
        "not a number of seconds: '3s'",
    ),
    Bad(
        "duration-overflows-to-inf",
        ("lessons_anyio.w8s8", "--duration", "1e999"),
        2,
        "must be a finite number of seconds > 0, not '1e999'",
    ),
    Bad(
        "duration-underflows-to-zero",
        ("lessons_asyncio.w8s8", "--duration", "1e-400"),
        2,
        "must be a finite number of seconds > 0, not '1e-400'",
    ),
    # -- the lessons: --backend ----------------------------------------------
    Bad(
        "backend-unknown",
        (W8S2, "--backend", "curio"),
        2,
        "unknown backend 'curio' (choose from asyncio, trio)",
    ),
    Bad("backend-capitalised", ("lessons_anyio.w8s6", "--backend", "Trio"), 2, "'Trio'"),
    Bad(
        "backend-missing",
        ("lessons_anyio.w8s8", "--backend"),
        2,
        "argument --backend: expected one argument",
    ),
    Bad(
        "backend-trio-on-faithful",
        ("lessons_asyncio.w8s2", "gather", "--backend", "trio"),
        2,
        "runs on asyncio only; for another backend run the port:"
        " python -m lessons_anyio.w8s2 --backend trio",
    ),
    Bad(
        "backend-asyncio-on-faithful",
        ("lessons_asyncio.w8s7", "--list", "--backend", "asyncio"),
        2,
        "runs on asyncio only; for another backend run the port:"
        " python -m lessons_anyio.w8s7 --backend asyncio",
    ),
    # the hint is a command that works: not the unknown backend
    Bad(
        "backend-unknown-on-faithful",
        ("lessons_asyncio.w8s9", "--backend", "curio"),
        2,
        "runs on asyncio only; for another backend run the port:"
        " python -m lessons_anyio.w8s9 --backend trio",
        never="curio",
    ),
    # -- the lessons: other options ------------------------------------------
    Bad(
        "unknown-option",
        (W8S2, "--no-such-option"),
        2,
        "unrecognized arguments: --no-such-option",
    ),
    Bad(
        "debug-given-a-value",
        ("lessons_asyncio.w8s9", "blocking", "--debug=yes"),
        2,
        "argument --debug: ignored explicit argument 'yes'",
    ),
    Bad(
        "debug-on-a-lesson-without-it",
        ("lessons_anyio.w8s2", "--debug"),
        2,
        "unrecognized arguments: --debug",
    ),
    Bad(
        "ambiguous-abbreviation",
        ("lessons_anyio.w8s9", "--d", "1"),
        2,
        "ambiguous option: --d could match --duration, --debug",
    ),
    Bad(
        "timeline-given-a-value",
        ("lessons_asyncio.w8s2", "--timeline=yes"),
        2,
        "argument --timeline: ignored explicit argument 'yes'",
    ),
    # -- the lessons: an output that takes nothing (exit 1: outside the lesson)
    Bad(
        "stdout-is-full",
        (W8S2, "morceaux"),
        1,
        "error: cannot write the output: No space left on device",
        stdout="full",
        process=True,
    ),
    Bad(
        "list-to-a-full-stdout",
        ("lessons_asyncio.w8s5", "--list"),
        1,
        "error: cannot write the output: No space left on device",
        stdout="full",
        process=True,
    ),
    # -- w8s4: its options (usage errors, exit 2) -----------------------------
    Bad(
        "w8s4-count-not-whole",
        ("lessons_anyio.w8s4", "--count", "1e3"),
        2,
        "argument --count: not a whole number of documents: '1e3'",
    ),
    Bad(
        "w8s4-count-too-many",
        ("lessons_asyncio.w8s4", "--count", "10001"),
        2,
        "argument --count: the number of documents must be from 1 to 10000, not '10001'",
    ),
    Bad(
        "w8s4-latency-nan",
        ("lessons_asyncio.w8s4", "--latency", "nan"),
        2,
        "argument --latency: must be a finite number of seconds >= 0, not 'nan'",
    ),
    Bad(
        "w8s4-latency-past-the-clock",
        ("lessons_anyio.w8s4", "--latency", "1e10"),
        2,
        "argument --latency: must be at most 1e+06 seconds (about 11 days), not '1e10'",
    ),
    Bad(
        "w8s4-url-missing",
        ("lessons_anyio.w8s4", "sequential", "--url"),
        2,
        "argument --url: expected one argument",
    ),
    # the video's code has no limit and no timeout: those are w8s4_limits'
    Bad(
        "w8s4-has-no-limit",
        ("lessons_asyncio.w8s4", "concurrent", "--limit", "3"),
        2,
        "unrecognized arguments: --limit 3",
    ),
    Bad(
        "w8s4-has-no-timeout",
        ("lessons_anyio.w8s4", "concurrent", "--timeout", "5"),
        2,
        "unrecognized arguments: --timeout 5",
    ),
    Bad(
        "limits-limit-negative",
        (LIMITS_ASYNCIO, "concurrent", "--limit", "-3"),
        2,
        "argument --limit: the number of downloads must be at least 1, not '-3'",
    ),
    Bad(
        "limits-limit-not-a-number",
        (LIMITS_ANYIO, "concurrent", "--limit", "lots"),
        2,
        "argument --limit: not a whole number of downloads: 'lots'",
    ),
    Bad(
        "limits-timeout-inf",
        (LIMITS_ANYIO, "--timeout", "inf"),
        2,
        "argument --timeout: must be a finite number of seconds > 0, not 'inf'",
    ),
    Bad(
        "limits-timeout-overflows",
        (LIMITS_ASYNCIO, "sequential", "--timeout", "1e10"),
        2,
        "argument --timeout: must be at most 1e+06 seconds (about 11 days), not '1e10'",
    ),
    Bad(
        "limits-timeout-zero",
        (LIMITS_ANYIO, "sequential", "--timeout", "0"),
        2,
        "argument --timeout: must be a finite number of seconds > 0, not '0'",
    ),
    Bad(
        "limits-timeout-past-float",
        (LIMITS_ASYNCIO, "--timeout", "1e309"),
        2,
        "argument --timeout: must be a finite number of seconds > 0, not '1e309'",
    ),
    # -- w8s4, the video's code: the first failure ends the demo, in one line (exit 1)
    *[
        Bad(
            f"w8s4-first-failure-{name}-{run}",
            (
                "lessons_asyncio.w8s4" if run == "faithful" else "lessons_anyio.w8s4",
                demo,
                *BACKEND[run],
                "--url",
                url,
            ),
            1,
            f"error: {demo}: {what} failed: {reason} (the video's code stops at the first failure)",
            output=True,
        )
        for name, demo, url, what, reason in FIRST_FAILURES
        for run in ("faithful", "asyncio", "trio")
    ],
    # -- w8s4_limits: a failed download is one line, the same words everywhere (exit 1)
    *[
        Bad(
            f"limits-{name}-{run}",
            (LIMITS_ASYNCIO if run == "faithful" else LIMITS_ANYIO, demo, *BACKEND[run], *args),
            1,
            says,
            output=True,
        )
        for name, demo, args, says in LIMITS_FAILURES
        for run in ("faithful", "asyncio", "trio")
    ],
    # -- the modern versions (lessons_asyncio.modern): the same command line
    Bad(
        "modern-unknown-demo",
        ("lessons_asyncio.modern.w8s8", "tick"),
        2,
        "unknown demo 'tick' (choose from queue_help, producer_consumer, window, shutdown,"
        " deadline)",
    ),
    Bad(
        "modern-given-a-port-only-demo",
        ("lessons_asyncio.modern.w8s5", "portable"),
        2,
        "'portable' is a demo of the port only: python -m lessons_anyio.w8s5 portable",
    ),
    Bad(
        "modern-duration-zero",
        ("lessons_asyncio.modern.w8s6", "fork", "--duration", "0"),
        2,
        "must be a finite number of seconds > 0",
    ),
    Bad(
        "backend-trio-on-modern",
        ("lessons_asyncio.modern.w8s8", "window", "--backend", "trio"),
        2,
        "this is the modern asyncio version, it runs on asyncio only; for another backend"
        " run the port: python -m lessons_anyio.w8s8 --backend trio",
    ),
    Bad(
        "modern-package-not-a-lesson",
        ("lessons_asyncio.modern",),
        1,
        "cannot be directly executed",
        process=True,
    ),
    # -- modern w8s4: as the video's code, the first failure ends the demo (exit 1)
    Bad(
        "modern-w8s4-first-failure-refused",
        ("lessons_asyncio.modern.w8s4", "sequential", "--url", f"http://127.0.0.1:{CLOSED}/"),
        1,
        f"error: sequential: download of 'http://127.0.0.1:{CLOSED}/' failed: connection refused"
        f" ({VIDEO})",
        output=True,
    ),
    *[
        Bad(
            f"w8s4-first-failure-{name}-modern",
            ("lessons_asyncio.modern.w8s4", demo, "--url", url),
            1,
            f"error: {demo}: {what} failed: {reason} ({VIDEO})",
            output=True,
        )
        for name, demo, url, what, reason in FIRST_FAILURES
    ],
    # -- modern w8s4_limits: each failed download one line, in the same words (exit 1)
    *[
        Bad(
            f"limits-{name}-modern",
            ("lessons_asyncio.modern.w8s4_limits", demo, *args),
            1,
            says,
            output=True,
        )
        for name, demo, args, says in LIMITS_FAILURES
    ],
    # -- common.sidebyside ---------------------------------------------------
    Bad(
        "sbs-module-for-a-lesson",
        (SIDEBYSIDE, "lessons_anyio.w8s2"),
        2,
        "unknown lesson 'lessons_anyio.w8s2' (choose from w8s2",
    ),
    Bad(
        "sbs-demo-of-another-lesson",
        (SIDEBYSIDE, "w8s2", "--demo", "window"),
        2,
        "unknown demo 'window' of w8s2",
    ),
    Bad("sbs-demo-without-lesson", (SIDEBYSIDE, "--demo", "gather"), 2, "which lesson?"),
    Bad(
        "sbs-html-of-an-unknown-demo",
        (SIDEBYSIDE, "w8s2", "--demo", "nope", "--html", "page.html"),
        2,
        "unknown demo 'nope' of w8s2",
    ),
    Bad(
        "sbs-html-under-a-file",
        (SIDEBYSIDE, "w8s2", "--html", "notes.txt/w8s2.html"),
        2,
        "cannot write notes.txt/w8s2.html: Not a directory",
        files={"notes.txt": "my notes"},
    ),
    Bad(
        "sbs-html-is-a-folder",
        (SIDEBYSIDE, "w8s2", "--html", "site"),
        2,
        "cannot write site: it is a folder",
        files={"site": None, "site/keep.txt": "kept"},
    ),
    # root can write anywhere but there: sysfs makes no files
    Bad(
        "sbs-html-unwritable",
        (SIDEBYSIDE, "w8s2", "--html", "/sys/w8s2.html"),
        2,
        "cannot write /sys/w8s2.html",
    ),
    Bad(
        "sbs-all-with-a-lesson",
        (SIDEBYSIDE, "--all", "w8s2", "--out", "site"),
        2,
        "--all takes no lesson, --demo or --html",
    ),
    Bad(
        "sbs-all-with-html",
        (SIDEBYSIDE, "--all", "--html", "page.html", "--out", "site"),
        2,
        "--all takes no lesson, --demo or --html",
    ),
    Bad("sbs-all-out-empty", (SIDEBYSIDE, "--all", "--out="), 2, "--all needs --out DIR"),
    Bad(
        "sbs-all-out-under-a-file",
        (SIDEBYSIDE, "--all", "--out", "notes.txt/site"),
        2,
        "cannot create notes.txt/site: Not a directory",
        files={"notes.txt": "my notes"},
    ),
    # one page cannot be written: the pages written before it are put back
    Bad(
        "sbs-all-one-page-unwritable",
        (SIDEBYSIDE, "--all", "--out", "site"),
        2,
        "cannot write site/w8s6.html: it is a folder",
        files={"site": None, "site/w8s2.html": "my old page", "site/w8s6.html": None},
    ),
    Bad(
        "sbs-stdout-is-full",
        (SIDEBYSIDE, "w8s2", "--demo", "gather"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
    ),
    # -- common.sidebyside: hostile input ------------------------------------
    # any output encoding: the views write what it can encode, and still fail
    # cleanly when the output takes nothing
    Bad(
        "sbs-ascii-output-is-full",
        (SIDEBYSIDE, "w8s2", "--demo", "famine"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
        env={"PYTHONIOENCODING": "ascii"},
    ),
    Bad(
        "sbs-latin1-output-is-full",
        (SIDEBYSIDE, "w8s8", "--demo", "window", "--left", "anyio", "--right", "video"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
        env={"PYTHONIOENCODING": "latin-1"},
    ),
    Bad(
        "sbs-ascii-unknown-accented-demo",
        (SIDEBYSIDE, "w8s2", "--demo", "début"),
        2,
        "unknown demo 'd",
        process=True,
        env={"PYTHONIOENCODING": "ascii"},
    ),
    # --html writes only regular files: a device, a link, a folder are refused
    Bad(
        "sbs-html-a-device",
        (SIDEBYSIDE, "w8s2", "--html", "/dev/null"),
        2,
        "cannot write /dev/null: it is not a regular file",
    ),
    Bad(
        "sbs-html-a-symlink-to-stdout",
        (SIDEBYSIDE, "w8s2", "--html", "/proc/self/fd/1"),
        2,
        "cannot write /proc/self/fd/1: it is a symbolic link",
    ),
    Bad(
        "sbs-html-dev-stdout",
        (SIDEBYSIDE, "w8s2", "--demo", "gather", "--html", "/dev/stdout"),
        2,
        "cannot write /dev/stdout: it is a symbolic link",
    ),
    # numbers past what makes sense
    Bad(
        "sbs-width-a-billion",
        (SIDEBYSIDE, "w8s2", "--width", "1000000000"),
        2,
        "--width must be between 40 and 1000, not 1000000000",
    ),
    Bad(
        "sbs-width-just-too-wide",
        (SIDEBYSIDE, "w8s8", "--demo", "window", "--width", "1001"),
        2,
        "--width must be between 40 and 1000, not 1001",
    ),
    Bad("sbs-width-negative", (SIDEBYSIDE, "w8s2", "--width=-80"), 2, "--width must be between"),
    # smaller: a folder written as dir/, an empty file name, COLUMNS=0
    Bad(
        "sbs-html-existing-folder-with-slash",
        (SIDEBYSIDE, "w8s2", "--html", "site/"),
        2,
        "cannot write site/: a name ending in / is a folder; give a file name",
        files={"site": None},
    ),
    Bad(
        "sbs-html-new-folder-with-slash",
        (SIDEBYSIDE, "w8s2", "--demo", "gather", "--html", "new/"),
        2,
        "cannot write new/: a name ending in / is a folder",
    ),
    Bad("sbs-html-empty", (SIDEBYSIDE, "w8s2", "--html", ""), 2, "--html needs a file name"),
    # COLUMNS=0 once printed nothing (so a full output went unnoticed)
    Bad(
        "sbs-columns-zero-output-is-full",
        (SIDEBYSIDE, "w8s2", "--demo", "morceaux"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
        env={"COLUMNS": "0"},
    ),
    Bad(
        "sbs-left-and-right-the-same",
        (SIDEBYSIDE, "w8s2", "--left", "anyio"),
        2,
        "--left and --right are both anyio: choose two versions",
    ),
    Bad("sbs-unknown-version", (SIDEBYSIDE, "w8s2", "--right", "trio"), 2, "invalid choice"),
    Bad(
        "sbs-html-with-a-side",
        (SIDEBYSIDE, "w8s2", "--left", "modern", "--html", "w8s2.html"),
        2,
        "--left and --right choose the terminal view's two versions; a page has all",
    ),
]


def test_the_table_is_large_and_has_no_duplicate():
    assert len(ROWS) >= 25
    assert len({row.id for row in ROWS}) == len(ROWS)
    assert len({(*row.argv, row.stdout) for row in ROWS}) == len(ROWS)


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
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LESSONS_VIRTUAL_TIME": "1", **row.env}
    with open(os.devnull if row.stdout == "pipe" else "/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", *row.argv],
            stdout=subprocess.PIPE if row.stdout == "pipe" else full,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=folder,
            env=env,
            timeout=120,
        )
    return (result.returncode, result.stdout or "", result.stderr), before, snapshot(folder)


def run_in_this_process(row, folder, monkeypatch, capsys):
    """The command line's main(), here: what it prints, its exit code."""
    before = prepare(row, folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("LESSONS_VIRTUAL_TIME", "1")
    module, *args = row.argv
    main = sidebyside.main if module == SIDEBYSIDE else importlib.import_module(module).lesson.main
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return (code, out, err), before, snapshot(folder)


PROCESS_ROWS = [row for row in ROWS if row.process]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The rows that need a process of their own, run at once:
    {row id: ((exit code, stdout, stderr), folder before, folder after)}."""
    folders = [tmp_path_factory.mktemp(row.id) for row in PROCESS_ROWS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(run_in_a_process, PROCESS_ROWS, folders))
    return {row.id: outcome for row, outcome in zip(PROCESS_ROWS, outcomes, strict=True)}


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input(row, request, tmp_path, monkeypatch, capsys, caplog):
    if row.process:
        (code, out, err), before, after = request.getfixturevalue("results")[row.id]
    else:
        (code, out, err), before, after = run_in_this_process(row, tmp_path, monkeypatch, capsys)
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


# -- Ctrl-C while common.sidebyside writes its pages ----------------------------


def test_sidebyside_ctrl_c_while_writing_leaves_the_folder_as_it_was(tmp_path, capsys):
    """Ctrl-C between two pages of ``--all``: one line, exit 130, and the
    pages written so far are put back as they were."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "w8s2.html").write_text("my old page")
    before = snapshot(tmp_path)
    written = []

    def write_then_ctrl_c(path, text):
        if len(written) == 2:
            raise KeyboardInterrupt
        sidebyside.write_atomic(path, text)
        written.append(path)

    argv = ["--all", "--out", str(site)]
    render = lambda name: f"<p>{name}</p>"  # noqa: E731
    assert sidebyside.main(argv, render=render, write=write_then_ctrl_c) == 130
    assert len(written) == 2 and written[0].name == "w8s2.html"
    out, err = capsys.readouterr()
    assert (out, err) == ("", "interrupted (Ctrl-C)\n")
    assert snapshot(tmp_path) == before


def test_sidebyside_all_into_a_new_folder_that_fails_removes_it(tmp_path, capsys):
    """The folders ``--all --out`` made are removed when it fails."""

    def fail(path, text):
        raise sidebyside.UsageError(f"cannot write {path}: No space left on device")

    argv = ["--all", "--out", str(tmp_path / "new" / "site")]
    assert sidebyside.main(argv, render=lambda name: f"<p>{name}</p>", write=fail) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# -- a demo that fails for an outside reason --------------------------------------


@pytest.mark.parametrize("said", [False, True])
def test_demo_failed_is_one_line_and_exit_1(said, capsys, monkeypatch):
    """``DemoFailed``: one line, the runner's, or none if the demo has said it
    (w8s4 says each failed download as it happens); exit code 1 either way,
    and the next demo still runs."""
    from common.runner import DemoFailed, Lesson, main

    lesson = Lesson("lessons_asyncio.fake")

    @lesson.demo
    def fetch():
        "a download"
        if said:
            print("http://x/ failed: connection refused", file=sys.stderr)
        raise DemoFailed("1 of 1 downloads failed", said=said)

    @lesson.demo
    def after():
        "the next demo"
        print("still here")

    monkeypatch.setenv("LESSONS_VIRTUAL_TIME", "1")
    assert main(lesson, []) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "still here"
    line = (
        "http://x/ failed: connection refused" if said else "error: fetch: 1 of 1 downloads failed"
    )
    assert err == line + "\n"


def test_ctrl_c_while_a_page_is_written_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Ctrl-C between writing a page's temporary file and renaming it: the
    old page stays, the temporary file goes."""
    target = tmp_path / "page.html"
    target.write_text("old")

    def ctrl_c(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        sidebyside.write_atomic(target, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    assert target.read_text() == "old"

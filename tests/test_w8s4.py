"""w8s4: asynchronous HTTP against the embedded server, on virtual time.

The embedded server (common/server.py) takes LATENCY seconds per document:
it sends the document in 16 chunks of whole lines, the k-th at
k × LATENCY / 16 after the request.  Its clock is the demo's (virtual) one, so:

* ``sequential`` (blocking client): the k-th document arrives at k × LATENCY;
* ``concurrent``: every ``fetching`` at 0, every document at LATENCY;
* ``lines``: at each chunk instant, every download prints one index per line
  of its chunk: the indices interleave.

Failures (refused, unknown host, 404, 500, timeout, bad scheme, no host) are
one line on stderr each, the other downloads complete, and the demo raises
DemoFailed (exit code 1 on the command line).
"""

import atexit
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from contextlib import asynccontextmanager, contextmanager
from itertools import groupby

import anyio
import pytest

from common.downloads import (
    describe,
    document_count,
    download_limit,
    non_negative_seconds,
)
from common.runner import DemoFailed, Lesson, arun, run_demo
from common.server import (
    MAX_HEAD,
    MAX_SIZE,
    MIN_SIZE,
    VIDEO_DOCUMENTS,
    DocumentServer,
    document,
    document_names,
    document_size,
)
from tests.harness import ROOT, by_instant, faithful_record, lesson, port_record

pytestmark = pytest.mark.anyio

LATENCY = 1.0
NAMES = list(VIDEO_DOCUMENTS)
DEMOS = ["sequential", "concurrent", "lines"]


# --------------------------------------------------------------------------
# Helpers


def duration_line(seconds):
    return f"duration = {seconds:.3f}s"


# Thread pools keep idle workers for reuse (anyio's, trio's, the test loop's
# default executor): not leaks.  Everything else must be gone after a run.
POOL_THREADS = ("AnyIO worker thread", "Trio thread", "asyncio_")


def resources():
    threads = sorted(t.name for t in threading.enumerate() if not t.name.startswith(POOL_THREADS))
    return len(os.listdir("/proc/self/fd")), threads


@contextmanager
def no_leaks():
    """No thread, no socket (no file descriptor) left behind by what runs inside."""
    before = resources()
    yield
    assert resources() == before


class InLoopResolver:
    """Name resolution in trio's own thread, for trio's virtual clock.

    trio resolves names in a worker thread, and its mock clock does not wait
    for threads: it would jump to the download's timeout before the answer
    ("timed out" instead of "unknown host").  ``.invalid`` fails at once.
    """

    async def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        return socket.getaddrinfo(host, port, family, type, proto, flags)

    async def getnameinfo(self, sockaddr, flags):
        return socket.getnameinfo(sockaddr, flags)


@pytest.fixture
async def resolve_in_loop(backend_name):
    if backend_name == "trio":
        import trio

        trio.socket.set_custom_hostname_resolver(InLoopResolver())


def printed_indices(record):
    """What ``lines`` printed with end="": the indices, grouped by instant."""
    digits = [
        (round(c.time, 6), c.text)
        for c in record.chunks
        if c.stream == "stdout" and c.text.isdigit()
    ]
    return [
        (t, Counter(text for _, text in group)) for t, group in groupby(digits, key=lambda x: x[0])
    ]


# --------------------------------------------------------------------------
# Expected schedules, from the server's timing (module docstring)


def sequential_schedule(server):
    # one after the other: the k-th document arrives after k latencies;
    # plain ASCII, so the chars counted are the bytes served
    n = len(server.names)
    arrivals = [
        ((k + 1) * LATENCY, f"{server.url(name)} returned {document_size(name)} chars")
        for k, name in enumerate(server.names)
    ]
    return [*arrivals, (n * LATENCY, duration_line(n * LATENCY))]


def concurrent_schedule(server):
    # all start at once, all arrive one latency later
    starts = [(0.0, f"fetching {url}") for url in server.urls()]
    arrivals = [
        (LATENCY, f"{server.url(name)} returned {document_size(name)} bytes")
        for name in server.names
    ]
    return by_instant(starts + arrivals + [(LATENCY, duration_line(LATENCY))])


def lines_ticks(server):
    # at the k-th chunk instant, download i prints one index per line of its k-th chunk
    ticks = []
    for k in range(1, server.chunks + 1):
        counts = Counter(
            {str(i): server.pieces(name)[k - 1].count(b"\n") for i, name in enumerate(server.names)}
        )
        ticks.append((round(LATENCY * k / server.chunks, 6), counts))
    return ticks


def check_lines(record, server):
    ticks = printed_indices(record)
    assert ticks == lines_ticks(server)
    # every download progresses at every instant: the indices interleave
    assert all(set(counts) == {str(i) for i in range(len(server.names))} for _, counts in ticks)
    # one line of indices, then the duration, one latency after the start
    assert record.text().count("\n") == 2
    assert record.schedule()[-1] == (LATENCY, duration_line(LATENCY))


def check_served(server):
    """The server sent each document once, in full (the sizes the demos report)."""
    assert dict(server.sent) == {name: document_size(name) for name in server.names}


# --------------------------------------------------------------------------
# The documents and the server


def test_documents_are_the_videos_then_generated():
    assert document_names(6) == [*NAMES, "f1040-5.pdf", "f1040-6.pdf"]
    assert document_names(2) == NAMES[:2]
    for name in document_names(40):
        content = document(name)
        assert len(content) == document_size(name)
        assert MIN_SIZE <= len(content) <= MAX_SIZE
        assert content == document(name)  # deterministic
        assert content.endswith(b"\n") and content.isascii()
        assert content.count(b"\n") > 300  # made of lines


def test_chunks_are_whole_lines():
    server = DocumentServer(latency=LATENCY)
    for name in NAMES:
        pieces = server.pieces(name)
        assert len(pieces) == server.chunks
        assert b"".join(pieces) == document(name)
        assert all(piece.endswith(b"\n") for piece in pieces)


async def raw_request(server, request):
    async with await anyio.connect_tcp("127.0.0.1", server.port) as stream:
        await stream.send(request)
        answer = b""
        try:
            while True:
                answer += await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return answer


async def test_server_serves_nothing_else():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        async with server.running():
            assert server.base_url.startswith("http://127.0.0.1:")
            ok = await raw_request(
                server, b"GET /pub/irs-pdf/f1040c.pdf HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            assert ok.startswith(b"HTTP/1.1 200 OK\r\n")
            assert ok.endswith(document("f1040c.pdf"))
            other = await raw_request(server, b"GET /etc/passwd HTTP/1.1\r\n\r\n")
            assert other.startswith(b"HTTP/1.1 404 Not Found\r\n")
            post = await raw_request(server, b"POST /pub/irs-pdf/f1040c.pdf HTTP/1.1\r\n\r\n")
            assert post.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
            huge = await raw_request(
                server, b"GET /" + b"a" * (MAX_HEAD + 10) + b" HTTP/1.1\r\n\r\n"
            )
            assert huge.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
            garbage = await raw_request(server, b"hello\r\n\r\n")
            assert garbage.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert server.sent == {"f1040c.pdf": document_size("f1040c.pdf")}
    assert server.in_flight == 0


def test_server_in_a_thread_stops_cleanly():
    import requests

    server = DocumentServer(latency=0.0)
    with no_leaks(), server.running_in_thread():
        assert len(requests.get(server.urls()[0], timeout=5).content) == document_size(NAMES[0])
    assert not any(t.name == "embedded HTTP server" for t in threading.enumerate())


# --------------------------------------------------------------------------
# The demos' schedules


def test_sequential_faithful():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = faithful_record("w8s4", "sequential", options={"server": server})
    assert record.schedule() == sequential_schedule(server)
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == 1


async def test_sequential_port():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = await port_record("w8s4", "sequential", options={"server": server})
    assert record.schedule() == sequential_schedule(server)
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == 1


def test_concurrent_faithful():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = faithful_record("w8s4", "concurrent", options={"server": server})
    assert by_instant(record.schedule()) == concurrent_schedule(server)
    # asyncio starts the gathered coroutines in order
    assert [line for _, line in record.schedule()[:4]] == [
        f"fetching {url}" for url in server.urls()
    ]
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == len(NAMES)


async def test_concurrent_port():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = await port_record("w8s4", "concurrent", options={"server": server})
    assert by_instant(record.schedule()) == concurrent_schedule(server)
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == len(NAMES)


def test_lines_faithful():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = faithful_record("w8s4", "lines", options={"server": server})
    check_lines(record, server)
    assert record.text("stderr") == ""
    check_served(server)


async def test_lines_port():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = await port_record("w8s4", "lines", options={"server": server})
    check_lines(record, server)
    assert record.text("stderr") == ""
    check_served(server)


def test_check_lines_rejects_unstreamed_output():
    """If each document came in one piece, the check would fail (it can fail)."""
    server = DocumentServer(latency=LATENCY, chunks=1)
    record = faithful_record("w8s4", "lines", options={"server": server})
    with pytest.raises(AssertionError):
        check_lines(record, DocumentServer(latency=LATENCY))


def test_concurrent_takes_one_latency_sequential_n():
    """The lesson in two numbers, with 10 documents."""
    durations = {}
    for demo in ("sequential", "concurrent"):
        server = DocumentServer(document_names(10), latency=LATENCY)
        durations[demo] = faithful_record("w8s4", demo, options={"server": server}).duration
    assert durations == {"sequential": 10 * LATENCY, "concurrent": LATENCY}


def test_default_server_from_options():
    """Without a server given, the demo starts one from --count and --latency."""
    record = faithful_record("w8s4", "concurrent", options={"count": 6, "latency": 0.5})
    assert record.duration == 0.5
    assert sum("returned" in line for _, line in record.schedule()) == 6
    assert "/pub/irs-pdf/f1040-6.pdf returned" in record.text()


# --------------------------------------------------------------------------
# --limit: never more than K downloads in flight, seen from the server


def limit_counts(server, limit):
    """Per instant: how many start and how many arrive, rounds of ``limit``."""
    n = len(server.names)
    rounds = math.ceil(n / limit)
    expected = []
    for r in range(rounds + 1):
        started = min(limit, n - r * limit) if r < rounds else 0
        arrived = min(limit, n - (r - 1) * limit) if r > 0 else 0
        expected.append(
            (r * LATENCY, {"fetching": started, "returned": arrived, "duration": int(r == rounds)})
        )
    return expected


def observed_counts(record):
    result = []
    for t, lines in by_instant(record.schedule()):
        kinds = Counter(
            line.split()[0] if line.startswith(("fetching", "duration")) else "returned"
            for line in lines
        )
        result.append((t, {k: kinds[k] for k in ("fetching", "returned", "duration")}))
    return result


@pytest.mark.parametrize("limit", [1, 3])
def test_limit_faithful(limit):
    server = DocumentServer(document_names(10), latency=LATENCY)
    record = faithful_record("w8s4", "concurrent", options={"server": server, "limit": limit})
    assert server.max_in_flight == limit
    assert observed_counts(record) == limit_counts(server, limit)
    # the semaphore wakes its waiters in order: rounds of consecutive documents
    for r, (_, lines) in enumerate(by_instant(record.schedule())[:-1]):
        round_names = server.names[r * limit : (r + 1) * limit]
        assert [line for line in lines if line.startswith("fetching")] == sorted(
            f"fetching {server.url(name)}" for name in round_names
        )
    check_served(server)


async def test_limit_port():
    server = DocumentServer(document_names(10), latency=LATENCY)
    record = await port_record("w8s4", "concurrent", options={"server": server, "limit": 3})
    assert server.max_in_flight == 3
    assert observed_counts(record) == limit_counts(server, 3)
    check_served(server)


def test_limit_lines_faithful():
    server = DocumentServer(document_names(5), latency=LATENCY)
    record = faithful_record("w8s4", "lines", options={"server": server, "limit": 2})
    assert server.max_in_flight == 2
    assert record.schedule()[-1] == (3 * LATENCY, duration_line(3 * LATENCY))


async def test_limit_lines_port():
    server = DocumentServer(document_names(5), latency=LATENCY)
    record = await port_record("w8s4", "lines", options={"server": server, "limit": 2})
    assert server.max_in_flight == 2
    assert record.schedule()[-1] == (3 * LATENCY, duration_line(3 * LATENCY))


def test_without_limit_all_at_once():
    """The limit test can fail: without --limit, all 10 are in flight together."""
    server = DocumentServer(document_names(10), latency=LATENCY)
    faithful_record("w8s4", "concurrent", options={"server": server})
    assert server.max_in_flight == 10


# --------------------------------------------------------------------------
# Failures: one line each, the others go on, DemoFailed at the end

FAIL_LATENCY = 0.1
TIMEOUT = 0.15
BROKEN, STALLED = "/pub/irs-pdf/broken.pdf", "/pub/irs-pdf/stalled.pdf"
KINDS = ["refused", "unknown host", "404", "500", "timeout", "scheme", "no host"]


def closed_port():
    """A loopback port where nothing listens, and nothing else can: a socket
    is bound to it, without listening (a connection is refused), and kept
    bound until the tests end (a port released at once may be handed to the
    next server that binds port 0: then it answers)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    atexit.register(sock.close)
    return sock.getsockname()[1]


def failure_case(kind):
    """(server, URL given, URL printed, reason, when it fails on virtual time)."""
    server = DocumentServer(
        [NAMES[2]], latency=FAIL_LATENCY, statuses={BROKEN: 500}, stalled={STALLED}
    )
    given, reason, when = {
        "refused": (f"http://127.0.0.1:{closed_port()}/f1040.pdf", "connection refused", 0.0),
        "unknown host": ("http://www.irs.invalid/pub/irs-pdf/f1040.pdf", "unknown host", 0.0),
        "404": ("/pub/irs-pdf/nope.pdf", "HTTP 404 Not Found", 0.0),
        "500": (BROKEN, "HTTP 500 Internal Server Error", 0.0),
        "timeout": (STALLED, f"timed out after {TIMEOUT:g} s", TIMEOUT),
        "scheme": (
            "ftp://127.0.0.1/f1040.pdf",
            "unsupported scheme 'ftp' (http and https only)",
            0.0,
        ),
        "no host": ("http:///pub/irs-pdf/f1040.pdf", "no host in the URL", 0.0),
    }[kind]
    return server, given, reason, when


def check_failure(record, demo, server, printed, reason, when):
    good = server.url(NAMES[2])
    # a blocking client's timeout counts real seconds, which a virtual clock does not see
    when = 0.0 if demo == "sequential" else when
    assert record.schedule("stderr") == [(when, f"{printed} failed: {reason}")]
    # the good document still arrives after one latency
    end = max(when, FAIL_LATENCY)
    if demo == "sequential":
        expected = [(FAIL_LATENCY, f"{good} returned {document_size(NAMES[2])} chars")]
    elif demo == "concurrent":
        expected = [
            (0.0, f"fetching {printed}"),
            (0.0, f"fetching {good}"),
            (FAIL_LATENCY, f"{good} returned {document_size(NAMES[2])} bytes"),
        ]
    else:
        assert sum(sum(c.values()) for _, c in printed_indices(record)) == document(NAMES[2]).count(
            b"\n"
        )
        assert {i for _, c in printed_indices(record) for i in c} == {"1"}
        # the line of indices starts with the good document's first chunk
        expected = [(round(FAIL_LATENCY / server.chunks, 3), record.schedule()[0][1])]
    assert by_instant(record.schedule()) == by_instant(
        sorted([*expected, (end, duration_line(end))])
    )
    assert server.sent == {NAMES[2]: document_size(NAMES[2])}


def failure_options(server, given):
    return {"server": server, "url": [given, "/pub/irs-pdf/" + NAMES[2]], "timeout": TIMEOUT}


@pytest.mark.parametrize("demo", DEMOS)
@pytest.mark.parametrize("kind", KINDS)
def test_failure_faithful(kind, demo):
    server, given, reason, when = failure_case(kind)
    with no_leaks(), pytest.raises(DemoFailed, match=r"^1 of 2 downloads failed$") as failed:
        faithful_record("w8s4", demo, options=failure_options(server, given))
    printed = server.url(given) if given.startswith("/") else given
    # what the demo printed up to its failure comes with the exception
    check_failure(failed.value.record, demo, server, printed, reason, when)


@pytest.mark.parametrize("demo", DEMOS)
@pytest.mark.parametrize("kind", KINDS)
async def test_failure_port(kind, demo, resolve_in_loop):
    server, given, reason, when = failure_case(kind)
    with no_leaks(), pytest.raises(DemoFailed, match=r"^1 of 2 downloads failed$") as failed:
        await port_record("w8s4", demo, options=failure_options(server, given))
    printed = server.url(given) if given.startswith("/") else given
    check_failure(failed.value.record, demo, server, printed, reason, when)


def test_describe_falls_back_on_the_exception():
    assert describe("http://x/", RuntimeError("boom\nmore")) == "RuntimeError: boom"
    assert describe("http://x/", TimeoutError(), 2.5) == "timed out after 2.5 s"


# --------------------------------------------------------------------------
# Options: a bad value is a one-line usage error, exit code 2


@pytest.mark.parametrize(
    "args",
    [
        ["--latency", "-1"],
        ["--latency", "inf"],
        ["--latency", "soon"],
        ["--count", "0"],
        ["--count", "2.5"],
        ["--count", "10001"],
        ["--limit", "0"],
        ["--timeout", "0"],
        ["--timeout", "nan"],
        ["--url"],
    ],
)
@pytest.mark.parametrize("flavour", ["asyncio", "anyio"])
def test_bad_option_is_a_usage_error(flavour, args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        lesson(flavour, "w8s4").main(["concurrent", *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err


def test_option_types():
    assert non_negative_seconds("0") == 0.0
    assert non_negative_seconds("0.25") == 0.25
    assert document_count("1000") == 1000
    assert download_limit("100") == 100


def test_twins_have_the_same_demos():
    assert lesson("asyncio", "w8s4").names() == lesson("anyio", "w8s4").names() == DEMOS


# --------------------------------------------------------------------------
# The runner's setup hook (common/runner.py, Lesson.setup)


def test_setup_hook_faithful():
    events = []
    fake = Lesson("lessons_asyncio.fake_setup")

    @contextmanager
    def setup(demo, options):
        events.append(("enter", demo.name, dict(options)))
        try:
            yield {"given": 42}
        finally:
            events.append(("exit", demo.name))

    fake.setup(setup)

    @fake.demo
    def show(given, color):
        print(given, color)

    @fake.demo
    def fail():
        raise DemoFailed("no")

    record = run_demo(fake["show"], virtual=True, echo=False, options={"color": "red", "other": 1})
    assert record.schedule() == [(0.0, "42 red")]
    with pytest.raises(DemoFailed):
        run_demo(fake["fail"], virtual=True, echo=False)
    assert events == [
        ("enter", "show", {"color": "red", "other": 1}),
        ("exit", "show"),
        ("enter", "fail", {}),
        ("exit", "fail"),
    ]


async def test_setup_hook_port():
    events = []
    fake = Lesson("lessons_anyio.fake_setup")

    @asynccontextmanager
    async def setup(demo, options):
        events.append(("enter", demo.name, dict(options)))
        try:
            yield {"given": 42}
        finally:
            events.append(("exit", demo.name))

    fake.setup(setup)

    @fake.demo
    async def show(given, color):
        await anyio.sleep(1)
        print(given, color)

    record = await arun(fake["show"], echo=False, options={"color": "red"})
    assert record.schedule() == [(1.0, "42 red")]
    assert events == [("enter", "show", {"color": "red"}), ("exit", "show")]


# --------------------------------------------------------------------------
# The command line, on real time, with a small latency

REAL_LATENCY = "0.05"
RUNS = {
    "faithful": ["lessons_asyncio.w8s4"],
    "asyncio": ["lessons_anyio.w8s4", "--backend", "asyncio"],
    "trio": ["lessons_anyio.w8s4", "--backend", "trio"],
}
FAILING = [
    "--url",
    "/pub/irs-pdf/f1040c.pdf",
    "--url",
    "/nope.pdf",
    "--url",
    "http://nothing.invalid/x",
]


def real_env():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "always"}
    env.pop("LESSONS_VIRTUAL_TIME", None)
    return env


def start(args):
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=real_env(),
    )


@pytest.fixture(scope="module")
def cli_runs():
    """Every command-line run, started together (they mostly wait)."""
    procs = {}
    for name, args in RUNS.items():
        procs[name, "all"] = start([*args, "--latency", REAL_LATENCY])
        procs[name, "failing"] = start([*args, "--latency", REAL_LATENCY, *FAILING])
    return {key: (proc.communicate(timeout=60), proc.returncode) for key, proc in procs.items()}


@pytest.mark.parametrize("run", RUNS)
def test_command_line_real_time(run, cli_runs):
    (out, err), code = cli_runs[run, "all"]
    assert code == 0
    assert err == ""  # no warning, no traceback, no failure
    lines = out.splitlines()
    on = "" if run == "faithful" else f" on {run}"
    headers = [line for line in lines if line.startswith("===")]
    assert [h.split(":")[0] for h in headers] == [f"=== w8s4 {demo}{on}" for demo in DEMOS]
    assert sum(line.endswith(" chars") for line in lines) == 4
    assert sum(line.startswith("fetching http://127.0.0.1:") for line in lines) == 4
    assert sum(line.endswith(" bytes") for line in lines) == 4
    assert sum(line.startswith("duration = ") and line.endswith("s") for line in lines) == 3
    digits = lines[lines.index(headers[2]) + 1]
    assert Counter(digits) == Counter(
        {str(i): document(name).count(b"\n") for i, name in enumerate(NAMES)}
    )


@pytest.mark.parametrize("run", RUNS)
def test_command_line_failures(run, cli_runs):
    (out, err), code = cli_runs[run, "failing"]
    assert code == 1
    errors = err.splitlines()
    # one line per failed download, and nothing else (the exit code says the rest)
    assert sum(line.endswith("/nope.pdf failed: HTTP 404 Not Found") for line in errors) == 3
    assert errors.count("http://nothing.invalid/x failed: unknown host") == 3
    assert len(errors) == 6
    assert (
        sum(
            line.endswith("/pub/irs-pdf/f1040c.pdf returned 93402 bytes")
            for line in out.splitlines()
        )
        == 1
    )
    assert (
        sum(
            line.endswith("/pub/irs-pdf/f1040c.pdf returned 93402 chars")
            for line in out.splitlines()
        )
        == 1
    )


@pytest.mark.parametrize(
    "args, wait_for",
    [
        (["lessons_asyncio.w8s4", "sequential"], " chars\n"),
        # the first index after the header line
        (["lessons_anyio.w8s4", "lines", "--backend", "trio"], "===[^\n]*\n[0-3]"),
    ],
    ids=["faithful-sequential", "trio-lines"],
)
def test_ctrl_c(args, wait_for):
    proc = start([*args, "--latency", "0.25"])
    try:
        # wait until the demo prints (then the runner handles Ctrl-C)
        seen = ""
        while not re.search(wait_for, seen):
            char = proc.stdout.read(1)
            assert char, f"the demo ended before printing {wait_for!r}"
            seen += char
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert f"interrupted (Ctrl-C): {args[1]} stopped, its cleanup ran" in err
    for bad in ("Traceback", "Task was destroyed", "never retrieved", "Warning", "Unclosed"):
        assert bad not in err

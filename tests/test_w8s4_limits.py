"""w8s4_limits: the hardened variant's schedules, limits and failures, on virtual time.

The embedded server (common/w8s4/server.py) takes LATENCY seconds per
document: it sends it in 16 chunks of whole lines, the k-th at
k × LATENCY / 16 after the request.  Its clock is the demo's (virtual) one, so:

* ``sequential`` (blocking client): the k-th document arrives at k × LATENCY;
* ``concurrent``: every ``fetching`` at 0, every document at LATENCY;
* ``lines``: at each chunk instant, every download prints one index per line
  of its chunk: the indices interleave.

``--limit K``: never more than K downloads in flight, seen from the server.
Failures (refused, unknown host, 404, 500, timeout, bad scheme, no host) are
one line on stderr each, the other downloads complete, and the demo raises
DemoFailed (exit code 1 on the command line).
"""

import math
from collections import Counter

import pytest

from common.runner import DemoFailed
from common.w8s4.documents import VIDEO_DOCUMENTS, document, document_names, document_size
from common.w8s4.failures import describe
from common.w8s4.server import DocumentServer
from tests.harness import by_instant, faithful_record, port_record
from tests.w8s4_support import (
    LATENCY,
    closed_port,
    no_leaks,
    printed_indices,
    resolve_in_loop,
    video_run,
)

pytestmark = pytest.mark.anyio

NAMES = list(VIDEO_DOCUMENTS)
DEMOS = ["sequential", "concurrent", "lines"]
__all__ = ["resolve_in_loop"]  # fixtures, used by name


def duration_line(seconds):
    return f"duration = {seconds:.3f}s"


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
# The demos' schedules


def test_sequential_faithful():
    record, server, _ = video_run("asyncio", "sequential", "w8s4_limits")  # (nothing left behind)
    assert record.schedule() == sequential_schedule(server)
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == 1


async def test_sequential_port():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = await port_record("w8s4_limits", "sequential", options={"server": server})
    assert record.schedule() == sequential_schedule(server)
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == 1


def test_concurrent_faithful():
    record, server, _ = video_run("asyncio", "concurrent", "w8s4_limits")  # (nothing left behind)
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
        record = await port_record("w8s4_limits", "concurrent", options={"server": server})
    assert by_instant(record.schedule()) == concurrent_schedule(server)
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == len(NAMES)


def test_lines_faithful():
    record, server, _ = video_run("asyncio", "lines", "w8s4_limits")  # (nothing left behind)
    check_lines(record, server)
    assert record.text("stderr") == ""
    check_served(server)


async def test_lines_port():
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = await port_record("w8s4_limits", "lines", options={"server": server})
    check_lines(record, server)
    assert record.text("stderr") == ""
    check_served(server)


def test_check_lines_rejects_unstreamed_output():
    """If each document came in one piece, the check would fail (it can fail)."""
    server = DocumentServer(latency=LATENCY, chunks=1)
    record = faithful_record("w8s4_limits", "lines", options={"server": server})
    with pytest.raises(AssertionError):
        check_lines(record, DocumentServer(latency=LATENCY))


def test_concurrent_takes_one_latency_sequential_n():
    """The lesson in two numbers, with 10 documents."""
    durations = {}
    for demo in ("sequential", "concurrent"):
        server = DocumentServer(document_names(10), latency=LATENCY)
        durations[demo] = faithful_record("w8s4_limits", demo, options={"server": server}).duration
    assert durations == {"sequential": 10 * LATENCY, "concurrent": LATENCY}


def test_default_server_from_options():
    """Without a server given, the demo starts one from --count and --latency."""
    record = faithful_record("w8s4_limits", "concurrent", options={"count": 6, "latency": 0.5})
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
    record = faithful_record(
        "w8s4_limits", "concurrent", options={"server": server, "limit": limit}
    )
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
    record = await port_record("w8s4_limits", "concurrent", options={"server": server, "limit": 3})
    assert server.max_in_flight == 3
    assert observed_counts(record) == limit_counts(server, 3)
    check_served(server)


def test_limit_lines_faithful():
    server = DocumentServer(document_names(5), latency=LATENCY)
    record = faithful_record("w8s4_limits", "lines", options={"server": server, "limit": 2})
    assert server.max_in_flight == 2
    assert record.schedule()[-1] == (3 * LATENCY, duration_line(3 * LATENCY))


async def test_limit_lines_port():
    server = DocumentServer(document_names(5), latency=LATENCY)
    record = await port_record("w8s4_limits", "lines", options={"server": server, "limit": 2})
    assert server.max_in_flight == 2
    assert record.schedule()[-1] == (3 * LATENCY, duration_line(3 * LATENCY))


def test_without_limit_all_at_once():
    """The limit test can fail: without --limit, all 10 are in flight together."""
    server = DocumentServer(document_names(10), latency=LATENCY)
    faithful_record("w8s4_limits", "concurrent", options={"server": server})
    assert server.max_in_flight == 10


# --------------------------------------------------------------------------
# Failures: one line each, the others go on, DemoFailed at the end

FAIL_LATENCY = 0.1
TIMEOUT = 0.15
BROKEN, STALLED = "/pub/irs-pdf/broken.pdf", "/pub/irs-pdf/stalled.pdf"
KINDS = ["refused", "unknown host", "404", "500", "timeout", "scheme", "no host"]


def failure_case(kind):
    """(server, URL given, URL printed, reason, when it fails on virtual time)."""
    # (aiohttp and anyio resolve names in a worker thread: the virtual asyncio
    # loop waits for it to the end; trio's clock does not, see resolve_in_loop)
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
    assert record.schedule("stderr") == [(when, f"{printed!r} failed: {reason}")]
    # the good document still arrives after one latency
    latency = server.latency
    end = max(when, latency)
    if demo == "sequential":
        expected = [(latency, f"{good} returned {document_size(NAMES[2])} chars")]
    elif demo == "concurrent":
        expected = [
            (0.0, f"fetching {printed}"),
            (0.0, f"fetching {good}"),
            (latency, f"{good} returned {document_size(NAMES[2])} bytes"),
        ]
    else:
        assert sum(sum(c.values()) for _, c in printed_indices(record)) == document(NAMES[2]).count(
            b"\n"
        )
        assert {i for _, c in printed_indices(record) for i in c} == {"1"}
        # the line of indices starts with the good document's first chunk
        expected = [(round(latency / server.chunks, 3), record.schedule()[0][1])]
    assert by_instant(record.schedule()) == by_instant(
        sorted([*expected, (end, duration_line(end))])
    )
    assert server.sent == {NAMES[2]: document_size(NAMES[2])}


def failure_options(server, given):
    # a timeout shorter than the server's latency only where a timeout is the case
    timeout = TIMEOUT if server.latency < TIMEOUT else 2 * server.latency
    return {"server": server, "url": [given, "/pub/irs-pdf/" + NAMES[2]], "timeout": timeout}


@pytest.mark.parametrize("demo", DEMOS)
@pytest.mark.parametrize("kind", KINDS)
def test_failure_faithful(kind, demo):
    server, given, reason, when = failure_case(kind)
    with no_leaks(), pytest.raises(DemoFailed, match=r"^1 of 2 downloads failed$") as failed:
        faithful_record("w8s4_limits", demo, options=failure_options(server, given))
    printed = server.url(given) if given.startswith("/") else given
    # what the demo printed up to its failure comes with the exception
    check_failure(failed.value.record, demo, server, printed, reason, when)


@pytest.mark.parametrize("demo", DEMOS)
@pytest.mark.parametrize("kind", KINDS)
async def test_failure_port(kind, demo, resolve_in_loop):
    server, given, reason, when = failure_case(kind)
    with no_leaks(), pytest.raises(DemoFailed, match=r"^1 of 2 downloads failed$") as failed:
        await port_record("w8s4_limits", demo, options=failure_options(server, given))
    printed = server.url(given) if given.startswith("/") else given
    check_failure(failed.value.record, demo, server, printed, reason, when)


def test_describe_falls_back_on_the_exception():
    assert describe("http://x/", RuntimeError("boom\nmore")) == "RuntimeError: boom"
    assert describe("http://x/", TimeoutError(), 2.5) == "timed out after 2.5 s"

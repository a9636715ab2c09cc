"""w8s4_limits, asyncio as written today: the hardened variant on virtual time.

The expected schedules are the faithful variant's (tests/test_w8s4_limits.py
derives them from the server's timing): ``sequential`` one latency per document,
``concurrent`` every document one latency after the start, ``lines`` the
indices interleaved at every chunk; ``--limit`` in rounds; every kind of
failure one line on stderr, the other download completing.
"""

import re

import pytest

from common.runner import DemoFailed
from common.w8s4 import DocumentServer, document_names
from tests.harness import by_instant, faithful_record, lesson, modern_record, run_main
from tests.test_virtual import SlowExecutor
from tests.test_w8s4_limits import (
    KINDS,
    LATENCY,
    NAMES,
    check_failure,
    check_lines,
    check_served,
    concurrent_schedule,
    duration_line,
    failure_case,
    failure_options,
    limit_counts,
    observed_counts,
    sequential_schedule,
)
from tests.w8s4_support import VirtualLoops, no_leaks, video_run

DEMOS = ["sequential", "concurrent", "lines"]


def test_same_demos_as_the_faithful_variant():
    modern, faithful = lesson("asyncio.modern", "w8s4_limits"), lesson("asyncio", "w8s4_limits")
    assert modern.names() == DEMOS == faithful.names()
    # the variant is the project's, in every version
    assert not any(demo.in_video for demo in modern.demos.values())


def test_sequential_modern():
    record, server, waits_for_threads = video_run("asyncio.modern", "sequential", "w8s4_limits")
    # requests.get in a worker thread: still one after the other, and the
    # clock never waits for it for real (it only waits for the server)
    assert record.schedule() == sequential_schedule(server)
    assert waits_for_threads == 0
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == 1


def test_concurrent_modern():
    record, server, _ = video_run("asyncio.modern", "concurrent", "w8s4_limits")
    assert by_instant(record.schedule()) == concurrent_schedule(server)
    # the task group starts the downloads in the order they were created
    assert [line for _, line in record.schedule()[:4]] == [
        f"fetching {url}" for url in server.urls()
    ]
    assert record.text("stderr") == ""
    check_served(server)
    assert server.max_in_flight == len(NAMES)


def test_lines_modern():
    record, server, _ = video_run("asyncio.modern", "lines", "w8s4_limits")
    check_lines(record, server)
    assert record.text("stderr") == ""
    check_served(server)


@pytest.mark.parametrize("demo", DEMOS)
def test_same_timetable_as_the_video(demo):
    """The same lines at the same instants as the faithful version (the
    server's port differs from run to run)."""
    # (the runs the schedule tests here and in tests/test_w8s4_limits.py check)
    modern, _, _ = video_run("asyncio.modern", demo, "w8s4_limits")
    faithful, _, _ = video_run("asyncio", demo, "w8s4_limits")
    assert by_instant(masked(modern)) == by_instant(masked(faithful))


def masked(record):
    """The schedule with the server's port left out (a new one at each start)."""
    return [
        (t, re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line)) for t, line in record.schedule()
    ]


def test_concurrent_takes_one_latency_sequential_n():
    durations = {}
    loops = VirtualLoops()
    for demo in ("sequential", "concurrent"):
        server = DocumentServer(document_names(10), latency=LATENCY)
        options = {"server": server}
        record = modern_record("w8s4_limits", demo, options=options, loop_factory=loops)
        durations[demo] = record.duration
    assert durations == {"sequential": 10 * LATENCY, "concurrent": LATENCY}
    assert loops.waits_for_threads() == 0


@pytest.mark.parametrize("limit", [1, 3])
def test_limit_modern(limit):
    server = DocumentServer(document_names(10), latency=LATENCY)
    record = modern_record("w8s4_limits", "concurrent", options={"server": server, "limit": limit})
    assert server.max_in_flight == limit
    assert observed_counts(record) == limit_counts(server, limit)
    # the semaphore wakes its waiters in order: rounds of consecutive documents
    for r, (_, lines) in enumerate(by_instant(record.schedule())[:-1]):
        round_names = server.names[r * limit : (r + 1) * limit]
        assert [line for line in lines if line.startswith("fetching")] == sorted(
            f"fetching {server.url(name)}" for name in round_names
        )
    check_served(server)


def test_limit_lines_modern():
    server = DocumentServer(document_names(5), latency=LATENCY)
    record = modern_record("w8s4_limits", "lines", options={"server": server, "limit": 2})
    assert server.max_in_flight == 2
    assert record.schedule()[-1] == (3 * LATENCY, duration_line(3 * LATENCY))


@pytest.mark.parametrize("demo", DEMOS)
@pytest.mark.parametrize("kind", KINDS)
def test_failure_modern(kind, demo):
    server, given, reason, when = failure_case(kind)
    with no_leaks(), pytest.raises(DemoFailed, match=r"^1 of 2 downloads failed$") as failed:
        modern_record("w8s4_limits", demo, options=failure_options(server, given))
    printed = server.url(given) if given.startswith("/") else given
    # what the demo printed up to its failure comes with the exception
    check_failure(failed.value.record, demo, server, printed, reason, when)


@pytest.mark.parametrize("record", [faithful_record, modern_record])
@pytest.mark.parametrize("demo", ["concurrent", "lines"])
def test_unknown_host_whatever_the_resolver_takes(record, demo):
    """aiohttp resolves the name in a worker thread of the demo's loop: a
    resolver 100 ms late (a loaded machine) changes nothing on virtual time,
    though the good document's chunks come every 6 ms meanwhile."""
    server, given, reason, when = failure_case("unknown host")
    loops = VirtualLoops(executor=lambda: SlowExecutor(0.1))
    with pytest.raises(DemoFailed) as failed:
        record("w8s4_limits", demo, options=failure_options(server, given), loop_factory=loops)
    check_failure(failed.value.record, demo, server, given, reason, when)


def test_the_timeout_spans_the_whole_download():
    """asyncio.timeout() bounds the request and the reading of the body
    together: a document that takes 3 × 0.1 s to come fails at 0.15 s,
    though each piece arrives well within it."""
    server = DocumentServer([NAMES[0]], latency=0.3, chunks=3)
    options = {"server": server, "timeout": 0.15}
    with pytest.raises(DemoFailed) as failed:
        modern_record("w8s4_limits", "concurrent", options=options)
    url = server.url(NAMES[0])
    assert failed.value.record.schedule("stderr") == [
        (0.15, f"{url!r} failed: timed out after 0.15 s")
    ]
    # the same download within a longer timeout: it completes (the test can fail)
    server = DocumentServer([NAMES[0]], latency=0.3, chunks=3)
    record = modern_record(
        "w8s4_limits", "concurrent", options={**options, "server": server, "timeout": 0.35}
    )
    assert record.text("stderr") == ""
    assert record.schedule()[-1] == (0.3, duration_line(0.3))


def test_cli_modern_help_and_bad_option():
    result = run_main("lessons_asyncio.modern.w8s4_limits", "--help")
    assert result.returncode == 0
    assert "--timeout" in result.stdout and "--latency" in result.stdout
    result = run_main("lessons_asyncio.modern.w8s4_limits", "concurrent", "--limit", "0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--limit" in result.stderr


def test_cli_modern_runs_every_demo():
    result = run_main("lessons_asyncio.modern.w8s4_limits", "--latency", "0.5")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.count("duration = ") == 3
    assert "duration = 2.000s" in result.stdout  # sequential: 4 × 0.5 s

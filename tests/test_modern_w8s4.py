"""w8s4, asyncio as written today, twin of the video's code, on virtual time.

The expected schedules are the faithful version's (tests/test_w8s4.py derives
them from the server's timing), and a run of both against the same server
prints the same lines at the same instants, but for the server's port, new at
each start.  As in the video's code, no failure is handled: the first one
ends the demo, in the same line as the faithful version's (exit code 1).
"""

import re

import pytest

from common.runner import DemoFailed
from common.w8s4 import DocumentServer
from tests.harness import (
    Lines,
    by_instant,
    ctrl_c_after,
    faithful_record,
    lesson,
    modern_record,
    run_main,
)
from tests.test_w8s4 import REFUSED, VIDEO_URLS, check, first_failure_options
from tests.w8s4_support import no_leaks, printed_indices, video_run

DEMOS = ["sequential", "concurrent", "lines"]
MODULE = "lessons_asyncio.modern.w8s4"


def test_same_demos_as_the_video():
    modern = lesson("asyncio.modern", "w8s4")
    assert modern.names() == DEMOS == lesson("asyncio", "w8s4").names()
    assert all(demo.in_video for demo in modern.demos.values())


def test_the_video_has_no_limit_options():
    assert "limit" not in str(lesson("asyncio.modern", "w8s4")._arguments)
    assert "timeout" not in str(lesson("asyncio.modern", "w8s4")._arguments)


def test_urls_are_the_videos_outside_a_demo():
    from lessons_asyncio.modern import w8s4

    assert list(w8s4.urls) == VIDEO_URLS


@pytest.mark.parametrize("demo", DEMOS)
def test_modern(demo):
    """The schedule derived from the server's timing, as for the video's code
    (the blocking baseline in a worker thread: still one after the other)."""
    record, server, waits_for_threads = video_run("asyncio.modern", demo)  # (nothing left behind)
    check(record, demo, server)
    assert server.max_in_flight == (1 if demo == "sequential" else len(server.names))
    # the baseline's thread only waits for the server: the clock never waits for it
    assert waits_for_threads == 0


def masked(record):
    """The schedule with the server's port left out (a new one at each start)."""
    return [
        (t, re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line)) for t, line in record.schedule()
    ]


@pytest.mark.parametrize("demo", DEMOS)
def test_same_timetable_as_the_video(demo):
    # (the runs test_modern and tests/test_w8s4.py's test_faithful check)
    modern, _, _ = video_run("asyncio.modern", demo)
    faithful, _, _ = video_run("asyncio", demo)
    assert by_instant(masked(modern)) == by_instant(masked(faithful))
    if demo == "concurrent":
        # the task group starts the downloads in the order gather does
        assert masked(modern)[:4] == masked(faithful)[:4]
    if demo == "lines":
        assert printed_indices(modern) == printed_indices(faithful)


def test_the_timetable_check_can_fail():
    """A server twice as slow for the modern run: not the video's timetable."""
    modern = modern_record("w8s4", "concurrent", options={"server": DocumentServer(latency=2.0)})
    faithful, _, _ = video_run("asyncio", "concurrent")
    assert by_instant(masked(modern)) != by_instant(masked(faithful))


# -- the first failure ends the demo, in one line ---------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_first_failure(demo):
    server = DocumentServer(["f1040c.pdf"], latency=0.1)
    with no_leaks(), pytest.raises(DemoFailed) as failed:
        modern_record("w8s4", demo, options=first_failure_options(server))
    message = str(failed.value)
    assert "\n" not in message and not failed.value.said
    # the same line as the video's code: requests names the URL, aiohttp its host and port
    port = REFUSED.split(":")[2].split("/")[0]
    what = (
        f"download of {REFUSED!r}"
        if demo == "sequential"
        else f"a download from '127.0.0.1:{port}'"
    )
    assert (
        message
        == f"{what} failed: connection refused (the video's code stops at the first failure)"
    )
    server = DocumentServer(["f1040c.pdf"], latency=0.1)
    with pytest.raises(DemoFailed) as faithful:
        faithful_record("w8s4", demo, options=first_failure_options(server))
    assert str(faithful.value) == message
    # the demo printed nothing on stderr: the runner says the one line
    assert failed.value.record.text("stderr") == ""
    if demo == "concurrent":
        # the task group cancelled the other download: it never returned
        assert "returned" not in failed.value.record.text()


def test_cli_first_failure_is_one_line_exit_1():
    result = run_main(MODULE, "concurrent", "--url", "/pub/irs-pdf/f1040.pdf", "--url", REFUSED)
    assert result.returncode == 1
    port = REFUSED.split(":")[2].split("/")[0]
    assert result.stderr == (
        f"error: concurrent: a download from '127.0.0.1:{port}' failed: connection refused"
        " (the video's code stops at the first failure)\n"
    )


def test_cli_runs_every_demo():
    result = run_main(MODULE, "--latency", "0.5")
    assert (result.returncode, result.stderr) == (0, "")
    # the durations as the video prints them: sequential 4 × 0.5 s, concurrent 0.5 s
    assert re.findall(r"duration = \S+", result.stdout) == ["duration = 2.0s", "duration = 0.5s"]


def test_cli_real_time():
    """On a real loop too, the server serves from the demo's loop while the
    baseline blocks a worker thread."""
    result = run_main(MODULE, "sequential", "--latency", "0.05", "--count", "2", virtual=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.count(" returned ") == 2


def test_help_has_no_limit_options():
    result = run_main(MODULE, "--help")
    assert result.returncode == 0
    assert "--latency" in result.stdout and "--timeout" not in result.stdout


@pytest.mark.parametrize("module", [MODULE, "lessons_asyncio.modern.w8s4_limits"])
def test_ctrl_c_stops_the_blocking_baseline(module, fork_server):
    """The document takes 60 s; Ctrl-C during its download cancels the demo's
    task, the server stops with the demo, so the worker thread's download
    ends too: the run is over well before, and nothing is printed after."""
    # Ctrl-C once the demo starts (its header), far less than the 60 s download
    stopped = ctrl_c_after(
        module, "sequential", "--latency", "60", event=Lines(1), timeout=20, server=fork_server
    )
    assert stopped.code == 130, stopped
    # the header, then no "returned", no duration
    assert stopped.out.startswith("=== w8s4") and stopped.out.count("\n") == 1
    # (the line is shorter if Ctrl-C comes before the runner's handler is in place)
    assert stopped.err.count("\n") == 1 and stopped.err.startswith("interrupted (Ctrl-C)")

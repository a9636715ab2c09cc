"""w8s4, the video's code: its schedules on virtual time, its first failure.

The embedded server (common/w8s4/server.py) takes LATENCY seconds per
document, sent in 16 chunks of whole lines, the k-th at k × LATENCY / 16 after
the request, on the demo's (virtual) clock.  So ``sequential`` gets the k-th
document at k × LATENCY, ``concurrent`` all of them at LATENCY, and ``lines``
prints, at each chunk instant, one index per line of every download's chunk.
The durations are printed as the video prints them (``duration = 4.0s``).

The video's code handles no failure: the first one ends the demo with one
line (DemoFailed), whatever the flavour and backend.
"""

import ssl
from collections import Counter

import pytest

from common.runner import DemoFailed, Lesson, run_demo
from common.w8s4 import (
    DocumentServer,
    certificates,
    document,
    document_size,
    use_proxies,
    with_embedded_server,
)
from tests.harness import (
    Lines,
    by_instant,
    ctrl_c_after,
    faithful_record,
    lesson,
    port_record,
    run_main,
)
from tests.w8s4_support import LATENCY, closed_port, no_leaks, printed_indices, video_run

pytestmark = pytest.mark.anyio

VIDEO_URLS = [
    "https://www.irs.gov/pub/irs-pdf/f1040.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040es.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040c.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040esn.pdf",
]


def sequential_schedule(server):
    n = len(server.names)
    arrivals = [
        ((k + 1) * LATENCY, f"{server.url(name)} returned {document_size(name)} chars")
        for k, name in enumerate(server.names)
    ]
    return [*arrivals, (n * LATENCY, f"duration = {n * LATENCY}s")]


def concurrent_schedule(server):
    starts = [(0.0, f"fetching {url}") for url in server.urls()]
    arrivals = [
        (LATENCY, f"{server.url(name)} returned {document_size(name)} bytes")
        for name in server.names
    ]
    return by_instant([*starts, *arrivals, (LATENCY, f"duration = {LATENCY}s")])


def lines_ticks(server):
    ticks = []
    for k in range(1, server.chunks + 1):
        counts = Counter(
            {str(i): server.pieces(name)[k - 1].count(b"\n") for i, name in enumerate(server.names)}
        )
        ticks.append((round(LATENCY * k / server.chunks, 6), counts))
    return ticks


def check(record, demo, server):
    assert record.text("stderr") == ""
    if demo == "sequential":
        assert record.schedule() == sequential_schedule(server)
    elif demo == "concurrent":
        assert by_instant(record.schedule()) == concurrent_schedule(server)
    else:
        assert printed_indices(record) == lines_ticks(server)
        # the video times nothing here: one line of indices, ended by the print() added
        assert record.text().count("\n") == 1 and record.text().endswith("\n")
    assert dict(server.sent) == {name: document_size(name) for name in server.names}


@pytest.mark.parametrize("demo", ["sequential", "concurrent", "lines"])
def test_faithful(demo):
    record, server, _ = video_run("asyncio", demo)  # (nothing left behind)
    check(record, demo, server)


def test_a_shared_run_is_a_copy_for_each_test():
    """video_run runs once: a test that changed its record would change no other's."""
    first, server, _ = video_run("asyncio", "concurrent")
    first.duration = -1.0
    again, same_server, _ = video_run("asyncio", "concurrent")
    assert again.duration == LATENCY
    assert same_server is server


@pytest.mark.parametrize("demo", ["sequential", "concurrent", "lines"])
async def test_port(demo):
    server = DocumentServer(latency=LATENCY)
    with no_leaks():
        record = await port_record("w8s4", demo, options={"server": server})
    check(record, demo, server)


def test_lines_check_can_fail():
    """Documents sent in one piece print their indices at one instant: not the ticks."""
    server = DocumentServer(latency=LATENCY, chunks=1)
    record = faithful_record("w8s4", "lines", options={"server": server})
    assert printed_indices(record) != lines_ticks(DocumentServer(latency=LATENCY))


@pytest.mark.parametrize("flavour", ["asyncio", "anyio"])
def test_urls_are_the_videos_outside_a_demo(flavour):
    module = __import__(f"lessons_{flavour}.w8s4", fromlist=["urls"])
    assert list(module.urls) == VIDEO_URLS
    assert len(module.urls) == 4 and module.urls[0] == VIDEO_URLS[0]


def test_count_and_latency_shape_the_server():
    record = faithful_record("w8s4", "concurrent", options={"count": 6, "latency": 0.5})
    assert record.duration == 0.5
    assert sum("returned" in line for _, line in record.schedule()) == 6
    assert "/pub/irs-pdf/f1040-6.pdf returned" in record.text()


def test_served_urls_are_a_run_s_own():
    """Inside a run ``urls`` is that run's; outside, the list it was given."""
    fake = Lesson("lessons_asyncio.fake_w8s4")
    urls = with_embedded_server(fake, ["https://example.org/a"])
    seen = []

    @fake.demo
    def show():
        seen.append(list(urls))

    server = DocumentServer(latency=0.0)
    run_demo(fake["show"], virtual=True, echo=False, options={"server": server})
    assert seen == [server.urls()]
    assert list(urls) == ["https://example.org/a"]


# -- the first failure ends the demo, in one line ---------------------------------

REFUSED = f"http://127.0.0.1:{closed_port()}/x"


def first_failure_options(server):
    return {"server": server, "url": ["/pub/irs-pdf/f1040c.pdf", REFUSED]}


@pytest.mark.parametrize("demo", ["sequential", "concurrent", "lines"])
def test_first_failure_faithful(demo):
    server = DocumentServer(["f1040c.pdf"], latency=0.1)
    with no_leaks(), pytest.raises(DemoFailed) as failed:
        faithful_record("w8s4", demo, options=first_failure_options(server))
    message = str(failed.value)
    assert "\n" not in message and not failed.value.said
    assert message.endswith(
        "failed: connection refused (the video's code stops at the first failure)"
    )
    # requests names the URL; aiohttp only its host and port
    port = REFUSED.split(":")[2].split("/")[0]
    assert repr(REFUSED) in message or repr(f"127.0.0.1:{port}") in message


@pytest.mark.parametrize("demo", ["sequential", "concurrent", "lines"])
async def test_first_failure_port(demo):
    server = DocumentServer(["f1040c.pdf"], latency=0.1)
    with no_leaks(), pytest.raises(DemoFailed) as failed:
        await port_record("w8s4", demo, options=first_failure_options(server))
    assert str(failed.value) == (
        f"download of {REFUSED!r} failed: connection refused"
        " (the video's code stops at the first failure)"
    )


def test_the_video_has_no_limit_options():
    assert "limit" not in str(lesson("asyncio", "w8s4")._arguments)
    assert "timeout" not in str(lesson("anyio", "w8s4")._arguments)
    assert document("f1040.pdf").startswith(b"%PDF-1.7")


# -- proxies: never for the embedded server, kept for real URLs -------------------


@pytest.mark.parametrize(
    "args",
    [
        ["lessons_asyncio.w8s4", "sequential"],
        ["lessons_asyncio.w8s4", "concurrent"],
        ["lessons_anyio.w8s4", "sequential", "--backend", "trio"],
        ["lessons_anyio.w8s4", "lines"],
        ["lessons_anyio.w8s4_limits", "concurrent"],
    ],
)
def test_proxies_are_not_used_for_the_embedded_server(args):
    # (in this process: the clients read the proxy variables as they run, not at start-up)
    dead = f"127.0.0.1:{closed_port()}"
    env = {"http_proxy": f"http://{dead}", "HTTP_PROXY": f"http://{dead}"}
    env |= {"ALL_PROXY": f"socks5://{dead}", "all_proxy": f"socks5://{dead}"}
    out = run_main(*args, "--latency", "0.5", env=env)
    assert out.returncode == 0, out
    assert out.stderr == ""


def test_proxies_are_kept_for_real_urls():
    """Real URLs keep the user's proxy: the (dead) proxy refuses, not the DNS."""
    dead = f"127.0.0.1:{closed_port()}"
    out = run_main(
        "lessons_asyncio.w8s4_limits",
        "sequential",
        "--url",
        "http://example.invalid/",
        env={"http_proxy": f"http://{dead}"},
    )
    assert out.returncode == 1
    assert out.stderr == "'http://example.invalid/' failed: connection refused\n"


def test_a_client_of_the_embedded_server_loads_no_certificates():
    # httpx's client for the embedded server trusts no certificate (it never
    # sees one: plain HTTP), where its default would load its bundle for each
    # client; any other URL, or outside a demo, keeps httpx's default
    lesson = Lesson("lessons_anyio.fake")
    urls = with_embedded_server(lesson, ["https://www.irs.gov/pub/irs-pdf/f1040.pdf"])
    seen = []

    @lesson.demo
    async def probe():
        seen.append((list(urls), use_proxies(), certificates()))

    run_demo(lesson["probe"], virtual=True, echo=False)
    run_demo(lesson["probe"], virtual=True, echo=False, options={"url": ["http://a.invalid/"]})
    (local, proxies, tls), (real, real_proxies, real_tls) = seen
    assert local and all(url.startswith("http://127.0.0.1:") for url in local)
    assert proxies is False and isinstance(tls, ssl.SSLContext)
    assert tls.verify_mode == ssl.CERT_REQUIRED and tls.check_hostname
    assert tls.cert_store_stats() == {"crl": 0, "x509_ca": 0, "x509": 0}
    assert (real, real_proxies, real_tls) == (["http://a.invalid/"], True, True)
    assert (use_proxies(), certificates()) == (False, True)


# -- Ctrl-C in the port's blocking baseline -----------------------------------------


@pytest.mark.parametrize("module", ["lessons_anyio.w8s4", "lessons_anyio.w8s4_limits"])
def test_ctrl_c_stops_the_blocking_baseline_at_once(module, fork_server):
    """The document takes 60 s; Ctrl-C during its download ends the run well
    before (the worker thread is abandoned), and nothing is printed after."""
    # Ctrl-C once the demo starts (its header), far less than the 60 s download
    stopped = ctrl_c_after(
        module,
        "sequential",
        "--latency",
        "60",
        "--backend",
        "trio",
        event=Lines(1),
        timeout=20,
        server=fork_server,
    )
    out, err = stopped.out, stopped.err
    assert stopped.code == 130, stopped
    assert out.startswith("=== w8s4")
    # no "returned", no duration: the abandoned thread prints nothing
    assert out.count("\n") == 1
    # (the line is shorter if Ctrl-C comes before the runner's handler is in place)
    assert err.count("\n") == 1 and err.startswith("interrupted (Ctrl-C)")

"""w8s4's embedded server against hostile clients: it answers or closes one
connection, and keeps serving.

* a table of hostile requests, each with the exact status it gets;
* a fuzz over request lines and headers (deterministic seed, loopback only)
  sent while a demo downloads, on each backend: the demo's downloads still
  succeed.  ``LESSONS_FUZZ_COUNT=10000`` makes it the 10,000-request run;
* a head that never ends (408 on real time); in one fresh interpreter, what
  the imports change (nothing) and a flood past the file descriptors (accept
  waits and retries); the gh-153761 workaround.
"""

import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import threading

import anyio
import pytest

from common.w8s4 import DocumentServer, document, document_names, document_size
from common.w8s4.accept import accept_unless_cancelled, needs_workaround
from common.w8s4.documents import MAX_SIZE, MIN_SIZE, VIDEO_DOCUMENTS
from common.w8s4.heads import MAX_HEAD
from tests.harness import ROOT, port_record
from tests.w8s4_support import no_leaks

pytestmark = pytest.mark.anyio

DOC = "/pub/irs-pdf/f1040c.pdf"
LATENCY = 1.0
NAMES = list(VIDEO_DOCUMENTS)
HEAD = re.compile(rb"HTTP/1\.1 (\d{3}) [A-Za-z ]+\r\n(?:[A-Za-z-]+: [^\r\n]*\r\n)*\r\n")

#: (request bytes, status); ``None``: the connection is closed without an answer
HOSTILE = [
    (b"GET http://[::1 HTTP/1.1\r\n\r\n", 400),
    (b"GET http://[::1]:99999/x HTTP/1.1\r\n\r\n", 400),
    (b"GET http://127.0.0.1:abc/ HTTP/1.1\r\n\r\n", 400),
    (b"GET ftp://h/pub/irs-pdf/f1040c.pdf HTTP/1.1\r\n\r\n", 400),
    (b"GET http:///x HTTP/1.1\r\n\r\n", 400),
    (b"GET  / HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/2.0\r\n\r\n", 400),
    (b"GET / http/1.1\r\n\r\n", 400),
    (b"GET /\xff\xfe HTTP/1.1\r\n\r\n", 400),
    (b"GET /a\x00b HTTP/1.1\r\n\r\n", 400),
    (b"G\x00T / HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
    (b"\r\n\r\n", 400),
    (b"hello\r\n\r\n", 400),
    (b"\xff" * 100 + b"\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\n: empty name\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\x00b\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\n folded: continuation\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: x\rEvil: y\r\n\r\n", 400),
    (b"GET /" + b"a" * (MAX_HEAD + 10) + b" HTTP/1.1\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\n" + b"X: " + b"y" * MAX_HEAD + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 2000 + b"\r\n", 431),
    (b"POST " + DOC.encode() + b" HTTP/1.1\r\n\r\n", 405),
    (b"DELETE / HTTP/1.1\r\n\r\n", 405),
    (b"BREW /pot HTTP/1.1\r\n\r\n", 405),
    (b"GET /etc/passwd HTTP/1.1\r\n\r\n", 404),
    (b"GET /../../etc/passwd HTTP/1.1\r\n\r\n", 404),
    (b"GET /pub/irs-pdf/../irs-pdf/f1040c.pdf HTTP/1.1\r\n\r\n", 404),
    (b"GET /pub/irs-pdf/f1040c.pdf%00 HTTP/1.1\r\n\r\n", 404),
    (b"GET http://evil.example/pub/irs-pdf/nope.pdf HTTP/1.1\r\n\r\n", 404),
    (b"GET * HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/1.0\r\n\r\n", 404),
    (b"GET /?q=%ff%00 HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    (b"GET " + DOC.encode() + b"?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", 200),
    (b"GET http://h" + DOC.encode() + b" HTTP/1.1\r\n\r\n", 200),
    (b"GET " + DOC.encode() + b" HTTP/1.1\r\nContent-Length: 99999\r\n\r\nbody", 200),
    (b"GET " + DOC.encode() + b" HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200),
    (b"GET / HTTP/1.1", None),  # no blank line, then end of stream: closed
    (b"", None),
    (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", None),  # a TLS hello: closed
]


async def exchange(port, request):
    """Send ``request``, end the sending side, read the answer to its end."""
    async with await anyio.connect_tcp("127.0.0.1", port) as stream:
        if request:
            await stream.send(request)
        await stream.send_eof()
        answer = b""
        try:
            while True:
                answer += await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return answer


def status_of(answer):
    """The status of a well-formed answer (head, Content-Length body), or None if empty."""
    if not answer:
        return None
    match = HEAD.match(answer)
    assert match, answer[:200]
    length = int(re.search(rb"Content-Length: (\d+)\r\n", match.group(0)).group(1))
    assert len(answer) - match.end() == length
    return int(match.group(1))


@pytest.mark.parametrize(
    "request_bytes, status", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))]
)
async def test_hostile_request(request_bytes, status):
    server = DocumentServer(latency=0.0)
    async with server.running():
        assert status_of(await exchange(server.port, request_bytes)) == status
        # and it keeps serving
        assert (
            status_of(await exchange(server.port, b"GET " + DOC.encode() + b" HTTP/1.1\r\n\r\n"))
            == 200
        )
    assert server.in_flight == 0


# -- a fuzz while a demo downloads -------------------------------------------------

FUZZ_COUNT = int(os.environ.get("LESSONS_FUZZ_COUNT", "300"))
PIECES = [
    b"GET",
    b"POST",
    b" ",
    b"  ",
    b"/",
    DOC.encode(),
    b"http://",
    b"[::1",
    b"]",
    b":99999",
    b"HTTP/1.1",
    b"HTTP/9",
    b"\r\n",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"Host: x",
    b": ",
    b"%",
    b"?",
    b"#",
    b"\t",
    b"a" * 300,
]


def fuzzed(rng):
    """A request line and headers made of pieces, sometimes cut short; a third
    of them start with a well-formed request line (headers fuzzed)."""
    parts = [rng.choice(PIECES) for _ in range(rng.randrange(1, 12))]
    if rng.random() < 0.33:
        path = rng.choice([DOC.encode(), b"/nope", b"/pub/irs-pdf/", b"/?a=b"])
        header = b"".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 4)))
        parts = [rng.choice([b"GET", b"PUT"]), b" ", path, b" HTTP/1.1\r\nHost: x\r\n", header]
    data = b"".join(parts)
    if rng.random() < 0.7:
        data += b"\r\n\r\n"
    if rng.random() < 0.05:
        data = data * rng.randrange(2, 40)
    return data


async def fuzz(port, count, seed=1040):
    rng = random.Random(seed)
    statuses = {}
    for _ in range(count):
        status = status_of(await exchange(port, fuzzed(rng)))
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


@pytest.mark.parametrize("demo", ["concurrent", "lines"])
async def test_fuzz_while_a_demo_downloads(demo):
    server = DocumentServer(latency=1.0)
    async with server.running(), anyio.create_task_group() as tg:
        results = {}

        async def run_demo():
            results["record"] = await port_record("w8s4", demo, options={"server": server})

        tg.start_soon(run_demo)
        results["fuzz"] = await fuzz(server.port, FUZZ_COUNT)
    record = results["record"]
    assert record.text("stderr") == ""
    for name in server.names:
        assert server.sent[name] >= document_size(name)  # every download of the demo arrived
    assert sum(results["fuzz"].values()) == FUZZ_COUNT
    # the fuzz reached the parser, and past it
    assert results["fuzz"].get(400, 0) > FUZZ_COUNT // 4
    assert results["fuzz"].get(404, 0) + results["fuzz"].get(405, 0) > FUZZ_COUNT // 50


# -- real time: a head that never ends, a flood past the file descriptors ---------


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_head_that_never_ends_gets_408(backend):
    async def main():
        server = DocumentServer(latency=0.0, head_timeout=0.2)
        async with server.running():
            async with await anyio.connect_tcp("127.0.0.1", server.port) as slow:
                await slow.send(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and nothing more
                answer = b""
                with anyio.fail_after(10):
                    try:
                        while True:
                            answer += await slow.receive()
                    except (anyio.EndOfStream, anyio.BrokenResourceError):
                        pass
            assert status_of(answer) == 408
            assert (
                status_of(
                    await exchange(server.port, b"GET " + DOC.encode() + b" HTTP/1.1\r\n\r\n")
                )
                == 200
            )

    anyio.run(main, backend=backend)


# What needs a fresh interpreter of its own, in one: what the imports change
# (nothing), then a flood past a file-descriptor table cut to 64 (process-wide).
FRESH_PROCESS = """
from asyncio.selector_events import BaseSelectorEventLoop
before = BaseSelectorEventLoop._sock_accept
import common.w8s4, lessons_asyncio.w8s4, lessons_anyio.w8s4_limits
print("import changed _sock_accept:", BaseSelectorEventLoop._sock_accept is not before)

import resource, socket, sys, anyio
from common.w8s4 import DocumentServer
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

async def main():
    server = DocumentServer(latency=0.0)
    async with server.running():
        clients = []
        try:
            for _ in range(200):
                clients.append(socket.create_connection(("127.0.0.1", server.port)))
        except OSError:
            pass  # the client side ran out first: that is the flood
        with anyio.fail_after(10):
            while server.accept_failures == 0:  # until the server meets EMFILE
                await anyio.sleep(0.01)
        for c in clients:
            c.close()
        async with await anyio.connect_tcp("127.0.0.1", server.port) as s:
            await s.send(b"GET /pub/irs-pdf/f1040c.pdf HTTP/1.1\\r\\n\\r\\n")
            data = b""
            try:
                while True:
                    data += await s.receive()
            except anyio.EndOfStream:
                pass
        print(backend, data.split(b"\\r\\n")[0].decode(), len(clients), server.accept_failures)

for backend in sys.argv[1:]:
    anyio.run(main, backend=backend)
"""


@pytest.fixture(scope="module")
def fresh_process():
    """What :data:`FRESH_PROCESS` printed, line by line (it must end well)."""
    out = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, "asyncio", "trio"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    return out.stdout.splitlines()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_flood_past_the_file_descriptors_does_not_stop_the_server(backend, fresh_process):
    [line] = [line for line in fresh_process if line.startswith(f"{backend} ")]
    assert line.startswith(f"{backend} HTTP/1.1 200 OK "), line
    clients, accept_failures = map(int, line.split()[-2:])
    assert clients > 40  # the flood did fill the table
    assert accept_failures > 0  # the server did run out, and went on


# -- CPython gh-153761: only where needed, only on the server's loops ---------------


def test_nothing_changes_at_import(fresh_process):
    assert fresh_process[0] == "import changed _sock_accept: False"


def test_a_server_stopped_as_a_client_connects_drops_nothing(caplog):
    """The accept callback, queued before its future was cancelled, must leave
    the connection in the backlog (it raised InvalidStateError, logged a
    traceback and dropped the socket unclosed)."""
    loop = asyncio.new_event_loop()
    try:
        with socket.create_server(("127.0.0.1", 0)) as listener, accept_unless_cancelled(loop):
            listener.setblocking(False)
            with socket.create_connection(listener.getsockname()) as client:
                cancelled = loop.create_future()
                cancelled.cancel()
                # no error, and the connection not taken
                loop._sock_accept(cancelled, listener)
                conn, address = listener.accept()  # still in the backlog
                with conn:
                    assert address == client.getsockname()
                    # the very connection: what the client sends arrives
                    client.sendall(b"ping")
                    conn.setblocking(True)
                    assert conn.recv(4) == b"ping"
        assert "_sock_accept" not in vars(loop)  # the loop is as it was
    finally:
        loop.close()
    assert caplog.records == []  # nothing logged
    assert needs_workaround() in (True, False)


# -- the documents, and the server's plain answers -----------------------------------


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

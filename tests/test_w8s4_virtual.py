"""w8s4's server on a virtual asyncio loop: which of its clients the clock waits for.

A worker thread of the loop (``requests.get`` handed to ``run_in_executor``)
that the server makes wait for its latency only waits for the loop's own
timers: the clock jumps to them, exactly, without waiting for real
(``waits_for_threads`` counts the real waits).  A client that is one of the
loop's tasks is no thread: beside it, a thread doing real work is still
waited for, as for any work in a thread.
"""

import asyncio
import threading

import pytest
import requests

from common.virtual import VirtualEventLoop
from common.w8s4 import DocumentServer, document
from common.w8s4.documents import VIDEO_DOCUMENTS

NAME = next(iter(VIDEO_DOCUMENTS))
STALLED = "/pub/irs-pdf/stalled.pdf"


def run(main, latency=3.0):
    """``main(loop, server)`` with a server (``latency`` s per document) running
    in a fresh virtual loop; the loop (for its counter) and what ``main`` returned."""
    loop = VirtualEventLoop()
    server = DocumentServer([NAME], latency=latency, stalled={STALLED})

    async def serving():
        async with server.running():
            return await main(loop, server)

    try:
        result = loop.run_until_complete(serving())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
    return loop, result


async def request_arrived(server):
    """Until the server has a request (it has no event to wait for): a timer
    set before would make the loop wait for real while the client connects."""
    while not server.in_flight:  # noqa: ASYNC110 (polls the server's count)
        await asyncio.sleep(0)


def test_a_blocking_client_in_a_thread_is_not_waited_for():
    async def main(loop, server):
        response = await loop.run_in_executor(None, requests.get, server.url(NAME))
        return loop.time(), response.content

    loop, (arrived, content) = run(main)
    assert (arrived, content) == (3.0, document(NAME))
    assert loop.waits_for_threads == 0


def test_a_thread_blocked_on_a_stalled_request_is_not_waited_for():
    """The server never answers: the clock goes on to the loop's next timer
    at once, then the server stops, which ends the thread's request."""

    async def main(loop, server):
        stalled = loop.run_in_executor(None, requests.get, server.url(STALLED))
        await request_arrived(server)
        await asyncio.sleep(5)
        return loop.time(), stalled

    loop, (now, stalled) = run(main)
    assert now == 5.0
    assert loop.waits_for_threads == 0
    with pytest.raises(requests.ConnectionError):
        stalled.result()


def test_a_task_waiting_for_the_server_is_no_thread():
    """An in-loop client waits for a document (160 s, a chunk every 10 s)
    while a thread works for real (50 ms): the clock must not run through
    the document meanwhile."""

    async def main(loop, server):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"GET {server.url(NAME)} HTTP/1.1\r\n\r\n".encode())
        body = asyncio.ensure_future(reader.read())
        await request_arrived(server)
        await loop.run_in_executor(None, threading.Event().wait, 0.05)
        worked = loop.time()
        received = await body
        writer.close()
        await writer.wait_closed()
        return worked, loop.time(), received

    loop, (worked, arrived, received) = run(main, latency=160.0)
    # the thread's 50 ms end long before the document's first chunk
    assert worked < 10.0
    assert arrived == 160.0 and received.endswith(document(NAME))
    assert loop.waits_for_threads >= 1

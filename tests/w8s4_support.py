"""What the w8s4 tests share: no leaks, a closed port, the records of failed
demos, name resolution for trio's virtual clock, the indices ``lines`` printed,
the virtual loops a run made (did they wait for real?), the video's demos run
once against a server of their own (:func:`video_run`)."""

import atexit
import copy
import functools
import socket
from collections import Counter
from itertools import groupby

import pytest

from common.virtual import VirtualEventLoop
from common.w8s4 import DocumentServer
from tests import harness
from tests.harness import POOL_THREADS, faithful_record, modern_record

#: The server's latency in the video's runs: one second per document.
LATENCY = 1.0


def no_leaks():
    """No thread, no socket (no file descriptor) left behind by what runs
    inside.  Thread pools keep idle workers for reuse (anyio's, trio's, the
    test loop's default executor): not leaks."""
    return harness.no_leaks(kept=POOL_THREADS)


class VirtualLoops:
    """A ``loop_factory`` for a run that keeps the virtual loops it makes, to
    read after the run how often they waited for real for a worker thread
    (``VirtualEventLoop.waits_for_threads``); ``executor()``, if given, makes
    each loop's default executor."""

    def __init__(self, executor=None):
        self.made = []
        self.executor = executor

    def __call__(self):
        loop = VirtualEventLoop()
        if self.executor is not None:
            loop.set_default_executor(self.executor())
        self.made.append(loop)
        return loop

    def waits_for_threads(self):
        return sum(loop.waits_for_threads for loop in self.made)


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
        (round(time, 6), text)
        for time, text, stream in record.writes()
        if stream == "stdout" and text.isdigit()
    ]
    return [
        (t, Counter(text for _, text in group)) for t, group in groupby(digits, key=lambda x: x[0])
    ]


def closed_port():
    """A loopback port where nothing listens, and nothing else can: a socket
    is bound to it, without listening (a connection is refused), and kept
    bound until the tests end (a port released at once may be handed to the
    next server that binds port 0: then it answers)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    atexit.register(sock.close)
    return sock.getsockname()[1]


@functools.cache
def _video_run(flavour, demo, name):
    server = DocumentServer(latency=LATENCY)
    loops = VirtualLoops()
    run = {"asyncio": faithful_record, "asyncio.modern": modern_record}[flavour]
    with no_leaks():
        record = run(name, demo, options={"server": server}, loop_factory=loops)
    return record, server, loops.waits_for_threads()


def video_run(flavour, demo, name="w8s4"):
    """A demo of lesson ``name`` (w8s4 or w8s4_limits), the faithful version
    ("asyncio") or the modern one ("asyncio.modern"), on virtual time against
    a server of its own (the video's four documents, LATENCY seconds each),
    nothing left behind: its record (a copy of its own for each caller), the
    server after the run (what it sent, the most requests at once: read it,
    don't change it), and how often the run's loops waited for real for a
    thread.  Run once per session, when a test first asks: the tests that
    check the same run share it.
    """
    record, server, waits = _video_run(flavour, demo, name)
    return copy.deepcopy(record), server, waits

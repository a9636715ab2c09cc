"""What the w8s4 tests share: no leaks, a closed port, the records of failed
demos, name resolution for trio's virtual clock, the indices ``lines`` printed,
the virtual loops a run made (did they wait for real?)."""

import atexit
import socket
from collections import Counter
from itertools import groupby

import pytest

from common.virtual import VirtualEventLoop
from tests import harness
from tests.harness import POOL_THREADS


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
        (round(c.time, 6), c.text)
        for c in record.chunks
        if c.stream == "stdout" and c.text.isdigit()
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

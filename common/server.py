"""The embedded HTTP server of lesson w8s4: the video's documents, offline.

The video downloads four PDF forms from www.irs.gov.  To make the lesson work
offline, in class and in CI, the lesson starts this small server on
``127.0.0.1`` (an ephemeral port, never another interface) and downloads from
it.  It serves documents named like the video's (``f1040.pdf``,
``f1040es.pdf``, ``f1040c.pdf``, ``f1040esn.pdf``, then generated names such
as ``f1040-5.pdf`` for more) under the video's path ``/pub/irs-pdf/``:

* each document is deterministic text made of lines (``%PDF-1.7`` and
  PDF-looking lines: not a real PDF), of a realistic size (70–400 kB);
* the server takes ``latency`` seconds per document, whatever its size: the
  status line, the headers and the first chunk come after ``latency / chunks``,
  then one chunk (whole lines) every ``latency / chunks``, the last one at
  ``latency``.  So N documents one after the other take N × latency, N at once
  take one latency, and a client reading line by line sees them progress;
* any other path is a ``404``, any method but ``GET`` a ``405``, a request
  head over 8 KiB a ``431``; every response closes its connection.

It is written with anyio, so the same code runs in three places (see
:mod:`common.downloads` for which one each demo gets):

* :meth:`DocumentServer.running`: in the running event loop, asyncio or trio
  (the port's demos, and the tests: its latency then follows the test's
  virtual clock);
* :meth:`DocumentServer.running_in_loop`: as a task of a faithful demo's
  asyncio loop that is not running yet (the demo runs it);
* :meth:`DocumentServer.running_in_thread`: in a thread with its own event
  loop, for a client that blocks its own thread (``requests``).  On virtual
  time that loop's clock *is* the demo loop's clock (:class:`FollowingLoop`).

Each of them closes every socket and ends every task or thread it started
before it returns.  The server counts the requests it is serving
(``in_flight``, ``max_in_flight``) and the bytes of each document it sent, so
that tests can check a client from the server's side.
"""

from __future__ import annotations

import asyncio
import errno
import math
import random
import socket
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Collection, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager, suppress
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import anyio
import anyio.abc
from anyio.from_thread import start_blocking_portal

from common.virtual import VirtualEventLoop

HOST = "127.0.0.1"
PREFIX = "/pub/irs-pdf/"
#: The video's documents and their sizes in bytes.
VIDEO_DOCUMENTS: dict[str, int] = {
    "f1040.pdf": 165_279,
    "f1040es.pdf": 331_904,
    "f1040c.pdf": 93_402,
    "f1040esn.pdf": 268_117,
}
MIN_SIZE, MAX_SIZE = 70_000, 400_000
#: A request head (request line and headers) may not be longer than this.
MAX_HEAD = 8192
#: accept() errors that mean "too many connections for now": wait, then retry.
_RESOURCE_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


def _accept_unless_cancelled() -> None:
    """Work around CPython gh-153761 in asyncio's selector loops (3.11 to 3.13).

    ``sock_accept()`` hands the accepted connection to its future from a
    callback; if the future is cancelled while that callback waits in the
    loop's queue (the server stopped by Ctrl-C just as a client connects), the
    callback fails with ``InvalidStateError``, logged with its traceback, and
    the connection is dropped unclosed (``ResourceWarning``).  Fixed upstream
    by checking the future first, as ``sock_recv`` does: so does this, until
    the fix ships.  A pending connection stays in the backlog, and closes with
    the listening socket.  Applied once, when this module is imported (w8s4).
    """
    from asyncio.selector_events import BaseSelectorEventLoop

    original = BaseSelectorEventLoop._sock_accept  # type: ignore[attr-defined]
    if getattr(original, "_unless_cancelled", False):
        return

    def _sock_accept(self: BaseSelectorEventLoop, fut: asyncio.Future[Any], sock: Any) -> None:
        if fut.done():
            return
        original(self, fut, sock)

    _sock_accept._unless_cancelled = True  # type: ignore[attr-defined]
    BaseSelectorEventLoop._sock_accept = _sock_accept  # type: ignore[attr-defined]


_accept_unless_cancelled()


def document_names(count: int) -> list[str]:
    """The names of ``count`` documents: the video's four, then ``f1040-5.pdf``…"""
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    names = list(VIDEO_DOCUMENTS)[:count]
    names += [f"f1040-{n}.pdf" for n in range(len(names) + 1, count + 1)]
    return names


def document_size(name: str) -> int:
    """The size in bytes of a document: the video's, or one drawn from its name."""
    if name in VIDEO_DOCUMENTS:
        return VIDEO_DOCUMENTS[name]
    return MIN_SIZE + zlib.crc32(name.encode()) % (MAX_SIZE - MIN_SIZE + 1)


@cache
def _pattern() -> bytes:
    """64 KiB of PDF-looking lines (about 120 bytes on average), always the same."""
    rng = random.Random(1040)
    lines = []
    size = obj = 0
    while size < 65_536:
        obj += 1
        kind = rng.choice((0, 1, 2, 2))
        if kind == 0:
            line = f"{obj} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj"
        elif kind == 1:
            font, points = rng.randrange(1, 9), rng.randrange(6, 13)
            x, y = rng.randrange(36, 576), rng.randrange(36, 756)
            line = f"BT /F{font} {points} Tf {x} {y} Td (Form 1040 line {obj}) Tj ET"
        else:
            line = "".join(rng.choice("0123456789abcdef") for _ in range(rng.randrange(100, 250)))
        lines.append(line + "\n")
        size += len(lines[-1])
    return "".join(lines).encode("ascii")


def document(name: str) -> bytes:
    """The content of a document: ``document_size(name)`` bytes of lines.

    Deterministic: a header line naming it, then lines of a fixed pattern
    (starting at a place drawn from the name), then one filler line so that
    the size is exact.  Plain ASCII, so that characters and bytes agree.
    """
    size = document_size(name)
    header = f"%PDF-1.7 {name}: a stand-in made of lines, served by the lesson\n".encode()
    pattern = _pattern()
    start = pattern.index(b"\n", zlib.crc32(name.encode()) % len(pattern) // 2) + 1
    needed = size - len(header)
    body = (pattern[start:] + pattern * (needed // len(pattern) + 2))[:needed]
    # cut after the last complete line that leaves room for a filler line
    cut = body.rindex(b"\n", 0, needed - 10) + 1
    filler = b"%" + b"-" * (needed - cut - 2) + b"\n"
    content = header + body[:cut] + filler
    assert len(content) == size
    return content


def split_lines(content: bytes, chunks: int) -> list[bytes]:
    """``content`` in ``chunks`` pieces that each end with a complete line."""
    pieces = []
    start = 0
    for k in range(1, chunks + 1):
        if k == chunks:
            end = len(content)
        else:
            end = content.find(b"\n", max(start, len(content) * k // chunks - 1)) + 1 or len(
                content
            )
        pieces.append(content[start:end])
        start = end
    return pieces


class FollowingLoop(VirtualEventLoop):
    """A virtual asyncio loop, for another thread, whose clock is ``leader``'s.

    A faithful demo that blocks its thread in ``requests.get`` does not run
    its own (virtual) loop meanwhile: the server's thread runs this loop
    instead, and when it waits for a timer (the latency) it moves the demo
    loop's clock forward.  Only one thread moves the clock at a time: the
    demo's is blocked until the server has answered.
    """

    def __init__(self, leader: VirtualEventLoop) -> None:
        self._leader = leader
        super().__init__()

    def time(self) -> float:
        return self._leader.time()

    def advance(self, seconds: float) -> None:
        self._leader.advance(seconds)

    def _jump_to_next_timer(self) -> None:
        scheduled = self._scheduled  # type: ignore[attr-defined]
        if scheduled and math.isfinite(scheduled[0].when()):
            self._leader.advance(max(0.0, scheduled[0].when() - self._leader.time()))


def _response_head(status: HTTPStatus, length: int, content_type: str) -> bytes:
    return (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n"
        "Connection: close\r\n"
        "Server: lessons-embedded\r\n"
        "\r\n"
    ).encode("ascii")


class DocumentServer:
    """The documents, how they are served, and what was served.

    ``statuses`` (path → status) and ``stalled`` (paths whose request is read
    and never answered) let tests make failures; the command line has none.
    """

    def __init__(
        self,
        names: Collection[str] = tuple(VIDEO_DOCUMENTS),
        *,
        latency: float = 1.0,
        chunks: int = 16,
        statuses: Mapping[str, int] | None = None,
        stalled: Collection[str] = (),
    ) -> None:
        if not (math.isfinite(latency) and latency >= 0):
            raise ValueError(f"latency must be a finite number of seconds >= 0, not {latency!r}")
        if chunks < 1:
            raise ValueError(f"chunks must be >= 1, not {chunks}")
        self.names = list(names)
        self.latency = latency
        self.chunks = chunks
        self.statuses = {path: HTTPStatus(code) for path, code in (statuses or {}).items()}
        self.stalled = frozenset(stalled)
        self._documents = {PREFIX + name: name for name in self.names}
        self.port: int | None = None
        #: requests being answered now, and the most there were at once
        self.in_flight = 0
        self.max_in_flight = 0
        #: requests answered, by path (any status); bytes of each document sent in full
        self.requests: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()

    @classmethod
    def for_lesson(cls, count: int = 4, latency: float = 1.0) -> DocumentServer:
        return cls(document_names(count), latency=latency)

    # -- addresses ---------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the server has no address until it runs")
        return f"http://{HOST}:{self.port}"

    def url(self, name_or_path: str) -> str:
        """The URL of a document (by name) or of any path on this server."""
        path = name_or_path if name_or_path.startswith("/") else PREFIX + name_or_path
        return self.base_url + path

    def urls(self) -> list[str]:
        return [self.url(name) for name in self.names]

    def pieces(self, name: str) -> list[bytes]:
        """The chunks a document is sent in, one every ``latency / chunks``."""
        return split_lines(document(name), self.chunks)

    # -- running -------------------------------------------------------------

    def _bind(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((HOST, 0))
            sock.listen(socket.SOMAXCONN)
        except BaseException:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        return sock

    @asynccontextmanager
    async def running(self) -> AsyncIterator[DocumentServer]:
        """Serve from the running event loop (any anyio backend) while inside."""
        sock = self._bind()
        failure: Exception | None = None
        try:
            async with anyio.create_task_group() as tg:
                await tg.start(self._serve, sock)
                try:
                    yield self
                except Exception as exc:
                    # An error of the code inside (a demo's DemoFailed): raised
                    # as is once the server is down, not wrapped in the task
                    # group's ExceptionGroup.  Cancellation is left to the group.
                    failure = exc
                finally:
                    tg.cancel_scope.cancel()
        finally:
            sock.close()
        if failure is not None:
            raise failure

    @contextmanager
    def running_in_loop(self, loop: asyncio.AbstractEventLoop) -> Iterator[DocumentServer]:
        """Serve from ``loop`` (not running yet) whenever something runs it.

        For a faithful demo: the listening socket is bound now, connections
        wait in its backlog until the demo runs its loop.  On the way out the
        server's task is cancelled and run to its end.
        """
        sock = self._bind()
        task = loop.create_task(self._serve(sock), name="embedded HTTP server")
        try:
            yield self
        finally:
            task.cancel()
            try:
                if not loop.is_closed():
                    loop.run_until_complete(task)
            except asyncio.CancelledError:
                pass
            finally:
                sock.close()

    @contextmanager
    def running_in_thread(self, follow: VirtualEventLoop | None = None) -> Iterator[DocumentServer]:
        """Serve from a thread with its own asyncio loop while inside.

        ``follow``: a virtual loop whose clock the server's loop must share
        (the demo's, on virtual time); ``None``: real time.
        """
        options = {"loop_factory": lambda: FollowingLoop(follow)} if follow is not None else None
        sock = self._bind()
        try:
            with start_blocking_portal("asyncio", options, name="embedded HTTP server") as portal:
                future, _ = portal.start_task(self._serve, sock, name="embedded HTTP server")
                try:
                    yield self
                finally:
                    # the portal waits for its tasks when it stops: end this one first
                    future.cancel()
        finally:
            sock.close()

    async def _serve(
        self,
        sock: socket.socket,
        *,
        task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        listener = await anyio.abc.SocketListener.from_socket(sock)
        async with listener, anyio.create_task_group() as tg:
            task_status.started()
            while True:
                try:
                    stream = await listener.accept()
                except OSError as exc:
                    if exc.errno not in _RESOURCE_ERRORS:
                        raise
                    # Out of file descriptors: the clients see their own
                    # errors; the server waits for some to be released.
                    await anyio.sleep(0.1)
                    continue
                tg.start_soon(self._handle, stream)

    # -- one connection --------------------------------------------------------

    async def _handle(self, stream: anyio.abc.SocketStream) -> None:
        # the client may go away at any point: then there is nothing to answer
        with suppress(
            anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError
        ):
            async with stream:
                await self._answer(stream)

    async def _read_head(self, stream: anyio.abc.SocketStream) -> bytes | None:
        """The request head, or ``None`` if it is longer than :data:`MAX_HEAD`."""
        data = b""
        while b"\r\n\r\n" not in data:
            if len(data) > MAX_HEAD:
                return None
            data += await stream.receive(4096)
        head = data.partition(b"\r\n\r\n")[0]
        return head if len(head) <= MAX_HEAD else None

    async def _answer(self, stream: anyio.abc.SocketStream) -> None:
        head = await self._read_head(stream)
        if head is None:
            await self._send_status(stream, HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
            return
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1").split()
        if len(request_line) != 3 or not request_line[2].startswith("HTTP/1."):
            await self._send_status(stream, HTTPStatus.BAD_REQUEST)
            return
        method, target, _ = request_line
        path = urlsplit(target).path
        self.requests[path] += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if method != "GET":
                await self._send_status(stream, HTTPStatus.METHOD_NOT_ALLOWED)
            elif path in self.statuses:
                await self._send_status(stream, self.statuses[path])
            elif path in self.stalled:
                # an event nobody sets, rather than sleep_forever(): no timer
                # at an infinite time, which a virtual clock would jump to
                await anyio.Event().wait()
            elif path not in self._documents:
                await self._send_status(stream, HTTPStatus.NOT_FOUND)
            else:
                await self._send_document(stream, path)
        finally:
            self.in_flight -= 1

    async def _send_status(self, stream: anyio.abc.SocketStream, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode("ascii")
        await stream.send(_response_head(status, len(body), "text/plain; charset=ascii") + body)

    async def _send_document(self, stream: anyio.abc.SocketStream, path: str) -> None:
        name = self._documents[path]
        pieces = self.pieces(name)
        size = sum(map(len, pieces))
        start = anyio.current_time()
        for k, piece in enumerate(pieces, 1):
            # absolute instants: small delays do not add up over the chunks
            await anyio.sleep_until(start + self.latency * k / len(pieces))
            if k == 1:
                piece = _response_head(HTTPStatus.OK, size, "application/pdf") + piece
            await stream.send(piece)
        self.sent[name] += size

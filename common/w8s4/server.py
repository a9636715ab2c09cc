"""The embedded HTTP server of lesson w8s4: the video's documents, offline.

The lesson starts it on ``127.0.0.1`` (an ephemeral port, never another
interface) and downloads :mod:`~common.w8s4.documents` from it:

* each document takes ``latency`` seconds, whatever its size: the status
  line, the headers and the first chunk come after ``latency / chunks``, then
  one chunk (whole lines) every ``latency / chunks``, the last one at
  ``latency``.  So N documents one after the other take N × latency, N at
  once take one latency, and a client reading line by line sees them progress;
* any other path is a ``404``, any method but ``GET`` a ``405``; every
  response closes its connection.

A server in a classroom is shared: no client may stop it.  Whatever bytes
arrive, a connection gets a well-formed answer or is closed, alone: a
malformed request is a ``400``, a request head over 8 KiB a ``431``, a head
that does not arrive within ``head_timeout`` a ``408``.  When the process runs
out of file descriptors (a flood of connections), accepting waits and retries.

Written with anyio, it runs in three places (:mod:`common.w8s4.setup` says
which for each demo): :meth:`running` in the running loop, asyncio or trio;
:meth:`running_in_loop` in a faithful demo's loop; :meth:`running_in_thread`
in a thread of its own, for a client that blocks its thread (``requests``).
Each closes every socket and ends every task or thread it started.  It
counts the requests in flight (``in_flight``, ``max_in_flight``), its answers
by status and the documents sent in full: tests check a client from its side.

On a virtual clock, while the server makes a client wait (the latency), it
says so (:class:`~common.w8s4.clock.ClientWaits`): a blocking client in a
worker thread of the server's own loop is then not waited for for real.
"""

from __future__ import annotations

import asyncio
import math
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager, nullcontext, suppress
from functools import partial
from http import HTTPStatus

import anyio
import anyio.abc
from anyio.from_thread import start_blocking_portal

from common.virtual import VirtualEventLoop, virtual_advance
from common.w8s4.accept import accept_unless_cancelled, install, workaround_loop
from common.w8s4.clock import ClientWaits, FollowingLoop
from common.w8s4.documents import PREFIX, VIDEO_DOCUMENTS, document, document_names, split_lines
from common.w8s4.heads import MAX_HEAD, BadRequest, parse_head, response_head

HOST = "127.0.0.1"
#: Seconds a client has to send its request head (then: 408, closed).
HEAD_TIMEOUT = 10.0
ACCEPT_RETRY = 0.1  # seconds to wait before accepting again, out of file descriptors


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
        head_timeout: float = HEAD_TIMEOUT,
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
        self.head_timeout = head_timeout
        self._head_timeout = head_timeout
        self._documents = {PREFIX + name: name for name in self.names}
        self.port: int | None = None
        #: requests being answered now, and the most there were at once
        self.in_flight = 0
        self.max_in_flight = 0
        #: answers sent, by status code; bytes of each document sent in full
        self.answered: Counter[int] = Counter()
        self.sent: Counter[str] = Counter()
        #: connections it could not accept (out of file descriptors, reset)
        self.accept_failures = 0

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

    def _bind(self, *, virtual: bool) -> socket.socket:
        # No head timeout on a virtual clock: a request may come from another
        # thread (a blocking client), and the clock could jump to the timeout
        # before its bytes arrive.  Only tests run on virtual time.
        self._head_timeout = math.inf if virtual else self.head_timeout
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
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None  # trio
        sock = self._bind(virtual=virtual_advance() is not None)
        failure: Exception | None = None
        try:
            with accept_unless_cancelled(loop) if loop is not None else nullcontext():
                async with anyio.create_task_group() as tg:
                    await tg.start(self._serve, sock)
                    try:
                        yield self
                    except Exception as exc:
                        # An error of the code inside (a demo's DemoFailed):
                        # raised as is once the server is down, not wrapped in
                        # the task group's ExceptionGroup.
                        failure = exc
                    finally:
                        tg.cancel_scope.cancel()
        finally:
            sock.close()
        if failure is not None:
            raise failure

    @contextmanager
    def running_in_loop(self, loop: asyncio.AbstractEventLoop) -> Iterator[DocumentServer]:
        """Serve from ``loop`` (a faithful demo's, not running yet) whenever it runs.

        On the way out the server's task is cancelled and run to its end.  If
        the demo was cut short (Ctrl-C, a failure), its downloads are still
        pending: stopping the server now would fail them; the runner cancels
        them and the server together as it closes the loop."""
        sock = self._bind(virtual=isinstance(loop, VirtualEventLoop))
        undo = install(loop)
        task = loop.create_task(self._serve(sock), name="embedded HTTP server")
        task.add_done_callback(lambda _: sock.close())
        task.add_done_callback(lambda _: undo())
        try:
            yield self
        except BaseException:
            if loop.is_closed():
                sock.close()
            raise
        task.cancel()
        with suppress(asyncio.CancelledError):
            loop.run_until_complete(task)

    @contextmanager
    def running_in_thread(self, follow: VirtualEventLoop | None = None) -> Iterator[DocumentServer]:
        """Serve from a thread with its own asyncio loop while inside.

        ``follow``: a virtual loop whose clock the server's loop must share
        (the demo's, on virtual time); ``None``: real time.
        """
        make: Callable[[], asyncio.AbstractEventLoop] = asyncio.SelectorEventLoop
        if follow is not None:
            make = partial(FollowingLoop, follow)
        factory = workaround_loop(make)
        sock = self._bind(virtual=follow is not None)
        try:
            with start_blocking_portal(
                "asyncio", {"loop_factory": factory}, name="embedded HTTP server"
            ) as portal:
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
                except anyio.ClosedResourceError:
                    return  # the listening socket was closed: the run is over
                except (OSError, anyio.BrokenResourceError):
                    # Out of file descriptors (EMFILE: an OSError on asyncio,
                    # a BrokenResourceError on trio), or a connection reset
                    # before it was accepted: the clients see their own
                    # errors; the server waits a little and goes on.
                    self.accept_failures += 1
                    await anyio.sleep(ACCEPT_RETRY)
                    continue
                tg.start_soon(self._handle, stream)

    # -- one connection --------------------------------------------------------

    async def _handle(self, stream: anyio.abc.SocketStream) -> None:
        # Whatever happens to one connection (the client goes away, sends
        # what nobody can parse), it ends that connection, not the server.
        with suppress(Exception):
            async with stream:
                await self._answer(stream)

    async def _read_head(self, stream: anyio.abc.SocketStream) -> bytes:
        """The request head, up to the blank line (:class:`BadRequest` if too
        long, or not there in time)."""
        data = b""
        with anyio.move_on_after(self._head_timeout) as scope:
            while b"\r\n\r\n" not in data:
                if len(data) > MAX_HEAD:
                    raise BadRequest(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
                data += await stream.receive(4096)
        if scope.cancelled_caught:
            raise BadRequest(HTTPStatus.REQUEST_TIMEOUT)
        head = data.partition(b"\r\n\r\n")[0]
        if len(head) > MAX_HEAD:
            raise BadRequest(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
        return head

    async def _answer(self, stream: anyio.abc.SocketStream) -> None:
        try:
            method, path = parse_head(await self._read_head(stream))
        except BadRequest as bad:
            await self._send_status(stream, bad.status)
            return
        # From here on the client waits for the answer (on a virtual clock, the
        # loop need not wait for a client thread meanwhile: see ClientWaits).
        waits = ClientWaits(stream)
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
                with waits:
                    await anyio.Event().wait()
            elif path not in self._documents:
                await self._send_status(stream, HTTPStatus.NOT_FOUND)
            else:
                await self._send_document(stream, path, waits)
        finally:
            self.in_flight -= 1

    async def _send_status(self, stream: anyio.abc.SocketStream, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode("ascii")
        self.answered[status.value] += 1
        await stream.send(response_head(status, len(body), "text/plain; charset=ascii") + body)

    async def _send_document(
        self, stream: anyio.abc.SocketStream, path: str, waits: ClientWaits
    ) -> None:
        name = self._documents[path]
        pieces = self.pieces(name)
        size = sum(map(len, pieces))
        start = anyio.current_time()
        self.answered[HTTPStatus.OK.value] += 1
        for k, piece in enumerate(pieces, 1):
            # absolute instants: small delays do not add up over the chunks
            with waits:
                await anyio.sleep_until(start + self.latency * k / len(pieces))
            if k == 1:
                piece = response_head(HTTPStatus.OK, size, "application/pdf") + piece
            await stream.send(piece)
        self.sent[name] += size

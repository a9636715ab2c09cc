"""What both versions of lesson w8s4 share around their downloads.

* :func:`with_embedded_server` gives a lesson its options (``--url``,
  ``--latency``, ``--count``, ``--limit``, ``--timeout``, checked by argparse:
  a bad value is a one-line usage error, exit code 2) and, around each demo,
  the local server it downloads from (:mod:`common.server`).  Each demo then
  receives ``urls``, ``limit`` and ``timeout`` as arguments.
* :func:`download_failed` turns a failed download into one line on stderr
  that names the URL and the reason, and counts it;
  :func:`check_downloads`, at the end of a demo, raises
  :class:`~common.runner.DemoFailed` if any failed (exit code 1).

Where the server runs, for each demo:

* port (``async`` demos, asyncio or trio): in the demo's own event loop, in a
  task group around the demo.  The port's blocking baseline calls its client
  in a worker thread, so the loop keeps serving;
* faithful, real time: in a thread with its own loop.  The ``sequential``
  demo blocks its thread in ``requests.get``: a server in the same thread
  would never answer;
* faithful, virtual time (tests): ``concurrent`` and ``lines`` get it as a
  task of their own loop, whose virtual clock its latency follows; real I/O
  in another thread would let that clock jump over the client's timeouts.
  ``sequential`` runs no loop: it gets the thread, whose loop moves the demo
  loop's clock when the server waits (:class:`common.server.FollowingLoop`).
  On virtual time ``time.time()`` also follows the demo's clock, so that the
  seed's ``duration = …s`` is exact.

``--url`` fetches the URLs given instead of the embedded documents; a path
(``--url /pub/irs-pdf/nope.pdf``) is a URL on the embedded server, which is
then started too.  From Python, ``options={"server": DocumentServer(...)}``
replaces the embedded server (tests use it to serve a 500 or never answer).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, ExitStack, asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from common.runner import Demo, DemoFailed, Lesson, interrupted, positive_seconds
from common.server import DocumentServer
from common.virtual import VirtualEventLoop

DEFAULT_LATENCY = 1.0
DEFAULT_COUNT = 4
MAX_COUNT = 10_000
DEFAULT_TIMEOUT = 30.0
#: Faithful demos that block their thread instead of running their loop.
BLOCKING_DEMOS = frozenset({"sequential"})


# --------------------------------------------------------------------------
# Options


def non_negative_seconds(text: str) -> float:
    """argparse type: a finite number of seconds, >= 0 (no latency is fine)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds >= 0, not {text!r}")
    return value


def _int_in(text: str, low: int, high: int | None, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of {what}: {text!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise argparse.ArgumentTypeError(f"the number of {what} must be {bounds}, not {text!r}")
    return value


def document_count(text: str) -> int:
    """argparse type for ``--count``."""
    return _int_in(text, 1, MAX_COUNT, "documents")


def download_limit(text: str) -> int:
    """argparse type for ``--limit``."""
    return _int_in(text, 1, None, "downloads")


def with_embedded_server(lesson: Lesson) -> None:
    """The lesson's options, and the embedded server set up around each demo."""
    lesson.add_argument(
        "--url",
        action="append",
        metavar="URL",
        help="download URL instead of the embedded documents (repeatable); "
        "a path such as /pub/irs-pdf/nope.pdf is a URL on the embedded server",
    )
    lesson.add_argument(
        "--latency",
        type=non_negative_seconds,
        default=DEFAULT_LATENCY,
        metavar="S",
        help=f"seconds the embedded server takes per document (default {DEFAULT_LATENCY:g})",
    )
    lesson.add_argument(
        "--count",
        type=document_count,
        default=DEFAULT_COUNT,
        metavar="N",
        help=f"number of embedded documents (default {DEFAULT_COUNT}, the video's;"
        f" at most {MAX_COUNT})",
    )
    lesson.add_argument(
        "--limit",
        type=download_limit,
        metavar="K",
        help="at most K downloads at a time (default: no limit)",
    )
    lesson.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds allowed for each download (default {DEFAULT_TIMEOUT:g})",
    )
    lesson.setup(_faithful_setup if lesson.flavour == "asyncio" else _port_setup)


# --------------------------------------------------------------------------
# Around each demo


def _is_local_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


@dataclass
class _Plan:
    """What a demo downloads, and from which server (``None``: no server)."""

    given: list[str] | None
    server: DocumentServer | None
    limit: int | None
    timeout: float

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> _Plan:
        given = options.get("url") or None
        server = options.get("server")
        if given is not None and not any(map(_is_local_path, given)):
            server = None
        elif server is None:
            server = DocumentServer.for_lesson(
                options.get("count") or DEFAULT_COUNT,
                DEFAULT_LATENCY if options.get("latency") is None else options["latency"],
            )
        timeout = options.get("timeout") or DEFAULT_TIMEOUT
        return cls(given, server, options.get("limit"), timeout)

    def urls(self) -> list[str]:
        if self.given is None:
            assert self.server is not None
            return self.server.urls()
        return [
            self.server.url(url) if self.server is not None and _is_local_path(url) else url
            for url in self.given
        ]


@dataclass
class _Tally:
    """The downloads of the demo being run, and those that failed."""

    total: int
    timeout: float
    failed: list[str] = field(default_factory=list)


# The tally is shared by reference: the demo's tasks and threads copy the
# context when they start, and must count into the same one.
_tally: ContextVar[_Tally | None] = ContextVar("w8s4_downloads", default=None)


@contextmanager
def _arguments(plan: _Plan) -> Iterator[dict[str, Any]]:
    """The demo's arguments, and a fresh tally of failures while it runs."""
    urls = plan.urls()
    token = _tally.set(_Tally(len(urls), plan.timeout))
    try:
        yield {"urls": urls, "limit": plan.limit, "timeout": plan.timeout}
    finally:
        _tally.reset(token)


@contextmanager
def _wall_clock_follows(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """While active, ``time.time()`` moves with ``loop``'s (virtual) clock."""
    real_time = time.time
    offset = real_time() - loop.time()

    def virtual_time() -> float:
        return offset + loop.time()

    time.time = virtual_time
    try:
        yield
    finally:
        time.time = real_time


@contextmanager
def _faithful_setup(demo: Demo, options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    plan = _Plan.from_options(options)
    # The runner has set the demo's loop as the current one.
    loop = asyncio.get_event_loop()
    virtual = loop if isinstance(loop, VirtualEventLoop) else None
    with ExitStack() as stack:
        if plan.server is not None:
            if virtual is None:
                stack.enter_context(plan.server.running_in_thread())
            elif demo.name in BLOCKING_DEMOS:
                stack.enter_context(plan.server.running_in_thread(follow=virtual))
            else:
                stack.enter_context(plan.server.running_in_loop(loop))
        if virtual is not None:
            stack.enter_context(_wall_clock_follows(loop))
        yield stack.enter_context(_arguments(plan))


@asynccontextmanager
async def _port_setup(demo: Demo, options: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    plan = _Plan.from_options(options)
    async with AsyncExitStack() as stack:
        if plan.server is not None:
            await stack.enter_async_context(plan.server.running())
        yield stack.enter_context(_arguments(plan))


# --------------------------------------------------------------------------
# Failures


def download_failed(url: str, exc: BaseException) -> None:
    """Say in one line (on stderr) that ``url`` failed, and why; count it.

    Not after Ctrl-C: stopping the demo stops the embedded server too, and a
    download cut short by that did not fail (the runner says the one line)."""
    if interrupted():
        return
    tally = _tally.get()
    reason = describe(url, exc, tally.timeout if tally is not None else None)
    print(f"{url} failed: {reason}", file=sys.stderr)
    if tally is not None:
        tally.failed.append(url)


def check_downloads() -> None:
    """At the end of a demo: :class:`DemoFailed` (exit code 1) if any download
    failed; each has had its line already, so the runner adds none."""
    tally = _tally.get()
    if tally is not None and tally.failed:
        raise DemoFailed(f"{len(tally.failed)} of {tally.total} downloads failed", said=True)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what caused it, and what is grouped in it, depth first."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += getattr(current, "exceptions", ())  # ExceptionGroup (trio's connect)
        reason = getattr(current, "reason", None)  # urllib3's MaxRetryError
        if isinstance(reason, BaseException):
            todo.append(reason)
        os_error = getattr(current, "os_error", None)  # aiohttp's connector errors
        if isinstance(os_error, BaseException):
            todo.append(os_error)


def _library_types(*names: str) -> tuple[type[BaseException], ...]:
    """Exception classes of the HTTP libraries already imported (``"httpx.InvalidURL"``).

    Looked up only in the libraries the lesson imported: the faithful
    version does not import httpx, the port neither requests nor aiohttp.
    """
    found = []
    for name in names:
        module, _, attr = name.rpartition(".")
        cls = getattr(sys.modules.get(module), attr, None)
        if cls is not None:
            found.append(cls)
    return tuple(found)


def _http_status(exc: BaseException) -> str | None:
    if isinstance(exc, _library_types("requests.HTTPError", "httpx.HTTPStatusError")):
        response = exc.response  # type: ignore[attr-defined]
        if response is not None:
            phrase = getattr(response, "reason", None) or getattr(response, "reason_phrase", "")
            return f"HTTP {response.status_code} {phrase}".rstrip()
    if isinstance(exc, _library_types("aiohttp.ClientResponseError")):
        return f"HTTP {exc.status} {exc.message}".rstrip()  # type: ignore[attr-defined]
    return None


def _url_problem(url: str) -> str:
    """Why a library refused ``url`` before sending anything."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return f"invalid URL ({exc})"
    if not parts.scheme:
        return "not a URL: no scheme (http:// or https://)"
    if parts.scheme not in ("http", "https"):
        return f"unsupported scheme {parts.scheme!r} (http and https only)"
    if not host:
        return "no host in the URL"
    return "invalid URL"


def describe(url: str, exc: BaseException, timeout: float | None = None) -> str:
    """The reason a download failed, in a few words, the same for every library."""
    status = _http_status(exc)
    if status is not None:
        return status
    if isinstance(
        exc, (TimeoutError, *_library_types("requests.Timeout", "httpx.TimeoutException"))
    ):
        return f"timed out after {timeout:g} s" if timeout is not None else "timed out"
    bad_url = _library_types(
        "requests.exceptions.InvalidSchema",
        "requests.exceptions.MissingSchema",
        "requests.exceptions.InvalidURL",
        "aiohttp.InvalidURL",
        "aiohttp.NonHttpUrlClientError",
        "httpx.UnsupportedProtocol",
        "httpx.InvalidURL",
    )
    if isinstance(exc, bad_url):
        return _url_problem(url)
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return "unknown host"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__

"""Around each demo of lesson w8s4: its URLs, its server, its options.

A lesson module keeps the video's list ``urls`` and hands it over in one
visible place::

    urls = with_embedded_server(lesson, urls)

which adds the lesson's options (:mod:`common.w8s4.options`) and returns a
list-like :class:`ServedURLs`: outside a demo it lists the video's URLs; while
a demo runs it lists what that demo downloads.  By default that is the
embedded server's documents: the video's four, under the same names and path
(``/pub/irs-pdf/f1040.pdf``…) on ``http://127.0.0.1:PORT`` instead of
``https://www.irs.gov`` (``--count`` more or fewer).  ``--url`` gives other URLs instead; a path
(``--url /pub/irs-pdf/nope.pdf``) is a URL on the embedded server.  From
Python, ``options={"server": DocumentServer(...)}`` replaces the embedded
server (tests use it to serve a 500 or never answer).

Where the server runs, for each demo:

* port and modern (``async`` demos, asyncio or trio): in the demo's own event
  loop, in a task group around the demo.  Their blocking baselines call
  their client in a worker thread, so the loop keeps serving;
* faithful, real time: in a thread with its own loop.  The ``sequential``
  demo blocks its thread in ``requests.get``: a server in the same thread
  would never answer;
* faithful, virtual time (tests): ``concurrent`` and ``lines`` get it as a
  task of their own loop, whose virtual clock its latency follows.
  ``sequential`` runs no loop: it gets the thread, whose loop moves the demo
  loop's clock when the server waits (:class:`common.w8s4.clock.FollowingLoop`),
  and ``time.time()`` follows the demo's clock, so that the video's
  ``duration = …s`` is exact.

Proxies: the embedded server is on the loopback interface, and a proxy (the
``http_proxy`` and ``ALL_PROXY`` of a school network) cannot reach it.  While
it runs, ``127.0.0.1`` is added to ``NO_PROXY``, which ``requests`` and
``httpx`` honour (``aiohttp`` reads no proxy variable unless asked:
``trust_env`` is off by default); the port also gives httpx
``trust_env=use_proxies()``, off when every URL is the server's, so that a
SOCKS proxy httpx cannot speak is not even looked at.  Real ``--url``\\ s keep
the user's proxy settings.  Nor does httpx load its certificates for a client
that will only speak plain HTTP to the server (``verify=certificates()``).

The video's code handles no failure: the first one ends its demo, and
:func:`~common.w8s4.failures.first_failure` says it in one line.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import threading
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import (
    AsyncExitStack,
    ExitStack,
    asynccontextmanager,
    contextmanager,
    nullcontext,
)
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, overload

from common.runner import Demo, DemoFailed, Lesson
from common.virtual import VirtualEventLoop
from common.w8s4.clock import wall_clock_follows
from common.w8s4.failures import Tally, first_failure, tally
from common.w8s4.options import DEFAULT_COUNT, DEFAULT_LATENCY, DEFAULT_TIMEOUT, add_options
from common.w8s4.server import HOST, DocumentServer

#: Faithful demos that block their thread instead of running their loop.
BLOCKING_DEMOS = frozenset({"sequential"})

_current: ContextVar[list[str] | None] = ContextVar("w8s4_urls", default=None)
_local_only: ContextVar[bool] = ContextVar("w8s4_local_only", default=True)


class ServedURLs(Sequence[str]):
    """The lesson's ``urls``: the video's outside a demo, the run's inside."""

    def __init__(self, video: Iterable[str]) -> None:
        self.video = list(video)

    def _urls(self) -> list[str]:
        current = _current.get()
        return self.video if current is None else current

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._urls()[index]

    def __len__(self) -> int:
        return len(self._urls())

    def __iter__(self) -> Iterator[str]:
        return iter(self._urls())

    def __repr__(self) -> str:
        return repr(self._urls())


def use_proxies() -> bool:
    """For httpx's ``trust_env``: ``False`` when the demo downloads from the
    embedded server only (no proxy can reach it), ``True`` otherwise."""
    return not _local_only.get()


def certificates() -> ssl.SSLContext | bool:
    """For httpx's ``verify``: while a demo downloads from the embedded
    server only (plain HTTP: no certificate is ever checked), a TLS context
    that trusts no certificate, made at once; otherwise ``True``, httpx's
    own (its bundle, or the environment's with ``trust_env``).  httpx makes
    a client's TLS context as the client is made, whether or not it will
    speak TLS, and loading its bundle takes some 20 ms each time."""
    if _current.get() is None or not _local_only.get():
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, and trusts nothing


def with_embedded_server(
    lesson: Lesson, video_urls: Iterable[str] = (), *, limits: bool = False
) -> ServedURLs:
    """The lesson's options and, around each demo, its URLs and server.

    ``limits``: the ``w8s4_limits`` lessons, whose demos also take ``limit``
    and ``timeout`` and say each failed download themselves."""
    add_options(lesson, limits=limits)
    urls = ServedURLs(video_urls)

    @contextmanager
    def faithful(demo: Demo, options: dict[str, Any]) -> Iterator[dict[str, Any]]:
        with _faithful_setup(demo, _Plan.from_options(options, limits)) as extra:
            yield extra

    @asynccontextmanager
    async def port(demo: Demo, options: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        async with _port_setup(_Plan.from_options(options, limits)) as extra:
            yield extra

    # the faithful demos are plain functions; the port's and the modern
    # version's are async, and the runner enters their setup in their loop
    lesson.setup(faithful if lesson.flavour == "asyncio" else port)
    return urls


# --------------------------------------------------------------------------
# What a demo downloads


def _is_local_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


@dataclass
class _Plan:
    """What a demo downloads, and from which server (``None``: no server)."""

    given: list[str] | None
    server: DocumentServer | None
    limits: bool
    limit: int | None
    timeout: float

    @classmethod
    def from_options(cls, options: dict[str, Any], limits: bool) -> _Plan:
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
        return cls(given, server, limits, options.get("limit"), timeout)

    def urls(self) -> list[str]:
        if self.given is None:
            assert self.server is not None
            # offline: the video's documents, same names and path, on the server
            return self.server.urls()
        return [
            self.server.url(url) if self.server is not None and _is_local_path(url) else url
            for url in self.given
        ]

    def arguments(self) -> dict[str, Any]:
        return {"limit": self.limit, "timeout": self.timeout} if self.limits else {}


@contextmanager
def _urls_for_the_run(plan: _Plan) -> Iterator[dict[str, Any]]:
    """The run's URLs in ``urls``, a fresh tally, no proxy for the server."""
    run_urls = plan.urls()
    local = plan.server is not None and all(
        url.startswith(plan.server.base_url + "/") for url in run_urls
    )
    tokens = (
        _current.set(run_urls),
        _local_only.set(local),
        tally.set(Tally(len(run_urls), plan.timeout if plan.limits else None)),
    )
    try:
        with _no_proxy_for(HOST) if plan.server is not None else nullcontext():
            yield plan.arguments()
    finally:
        tally.reset(tokens[2])
        _local_only.reset(tokens[1])
        _current.reset(tokens[0])


@contextmanager
def _translated(plan: _Plan) -> Iterator[None]:
    """The video's code handles no failure: the first ends the demo, in one line."""
    try:
        yield
    except DemoFailed:
        raise
    except Exception as exc:
        if plan.limits:
            raise  # the variant says each failure itself: anything else is a bug
        raise first_failure(exc, _current.get() or ()) from None


# -- NO_PROXY, for the runs that have an embedded server ----------------------------

_proxy_lock = threading.Lock()
_proxy_users = 0
_proxy_saved: dict[str, str | None] = {}


@contextmanager
def _no_proxy_for(host: str) -> Iterator[None]:
    """``host`` in ``NO_PROXY``/``no_proxy`` while inside (runs may overlap:
    the first sets it, the last restores what was there)."""
    global _proxy_users
    with _proxy_lock:
        if _proxy_users == 0:
            for name in ("NO_PROXY", "no_proxy"):
                _proxy_saved[name] = os.environ.get(name)
                entries = [e for e in (os.environ.get(name) or "").split(",") if e.strip()]
                os.environ[name] = ",".join([*entries, host, "localhost"])
        _proxy_users += 1
    try:
        yield
    finally:
        with _proxy_lock:
            _proxy_users -= 1
            if _proxy_users == 0:
                for name, value in _proxy_saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value


# -- the faithful demos and the ports ---------------------------------------------


@contextmanager
def _faithful_setup(demo: Demo, plan: _Plan) -> Iterator[dict[str, Any]]:
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
            stack.enter_context(wall_clock_follows(loop))
        extra = stack.enter_context(_urls_for_the_run(plan))
        stack.enter_context(_translated(plan))
        yield extra


@asynccontextmanager
async def _port_setup(plan: _Plan) -> AsyncIterator[dict[str, Any]]:
    async with AsyncExitStack() as stack:
        if plan.server is not None:
            await stack.enter_async_context(plan.server.running())
        extra = stack.enter_context(_urls_for_the_run(plan))
        stack.enter_context(_translated(plan))
        yield extra

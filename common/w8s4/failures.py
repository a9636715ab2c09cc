"""Failed downloads, said in the lesson's words, whatever the library.

* :func:`describe` gives the reason a download failed in a few words, the
  same for ``requests``, ``aiohttp`` and ``httpx``: what is wrong with the URL
  itself comes first (read from the URL, not from each library's message),
  then the HTTP status, the timeout, the host that does not exist, the
  connection refused;
* :func:`shown` is how a URL appears in such a line: escaped as Python's
  ``repr`` does, so that it is always one line (a newline, an undecodable
  byte, a control character in a URL cannot make a second one);
* :func:`download_failed` (the ``w8s4_limits`` lessons) says one failure in
  one line on stderr and counts it; :func:`check_downloads` ends the demo
  with :class:`~common.runner.DemoFailed` (exit code 1) if any failed;
* :func:`first_failure` words the exception that ended a demo of the video's
  own code, which handles no failure: the runner prints that one line.
"""

from __future__ import annotations

import codecs
import ipaddress
import socket
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from common.runner import DemoFailed, interrupted


@dataclass
class Tally:
    """The downloads of the demo being run, and those that failed."""

    total: int
    timeout: float | None
    failed: list[str] = field(default_factory=list)


# The tally is shared by reference: the demo's tasks and threads copy the
# context when they start, and must count into the same one.
tally: ContextVar[Tally | None] = ContextVar("w8s4_downloads", default=None)


def shown(url: str) -> str:
    """``url`` as a failure line shows it: quoted and escaped, one line."""
    return repr(url)


def download_failed(url: str, exc: BaseException) -> None:
    """Say in one line (on stderr) that ``url`` failed, and why; count it.

    Not after Ctrl-C: stopping the demo stops the embedded server too, and a
    download cut short by that did not fail (the runner says the one line)."""
    if interrupted():
        return
    current = tally.get()
    reason = describe(url, exc, current.timeout if current is not None else None)
    print(f"{shown(url)} failed: {reason}", file=sys.stderr)
    if current is not None:
        current.failed.append(url)


def check_downloads() -> None:
    """At the end of a demo: :class:`DemoFailed` (exit code 1) if any download
    failed; each has had its line already, so the runner adds none."""
    current = tally.get()
    if current is not None and current.failed:
        raise DemoFailed(f"{len(current.failed)} of {current.total} downloads failed", said=True)


# -- what is wrong with a URL, read from the URL --------------------------------


def _host_problem(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.removesuffix(".").split(".")
    for label in labels:
        if not label or len(label) > 63:
            return f"invalid host name {host!r}"
        try:
            if label.isascii():
                codecs.decode(label.encode("ascii"), "idna")  # xn--… must decode
            else:
                label.encode("idna")
        except UnicodeError:
            return f"invalid host name {host!r}"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be downloaded, whatever the library; ``None`` if
    nothing is wrong with it as written."""
    if not url.isprintable():
        return "invalid URL: control or undecodable characters in it"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        text = str(exc)
        return f"invalid URL: {text[:1].lower()}{text[1:]}"
    if not parts.scheme:
        return "not a URL: no scheme (http:// or https://)"
    if parts.scheme not in ("http", "https"):
        return f"unsupported scheme {parts.scheme!r} (http and https only)"
    if not host:
        return "no host in the URL"
    return _host_problem(host)


# -- what the libraries raise -------------------------------------------------------


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
        for attr in ("reason", "os_error"):  # urllib3's MaxRetryError, aiohttp's connector
            inner = getattr(current, attr, None)
            if isinstance(inner, BaseException):
                todo.append(inner)


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


def _known_reason(exc: BaseException, timeout: float | None) -> str | None:
    """The status, timeout or connection failure ``exc`` is about, if any."""
    status = _http_status(exc)
    if status is not None:
        return status
    timeouts: tuple[type[BaseException], ...] = (
        TimeoutError,
        *_library_types("requests.Timeout", "httpx.TimeoutException"),
    )
    timed_out = f"timed out after {timeout:g} s" if timeout is not None else "timed out"
    if isinstance(exc, timeouts):
        return timed_out
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return "unknown host"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, timeouts):
            return timed_out
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.strerror:
            return f"cannot connect: {cause.strerror.lower()}"
    return None


def _fallback(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def describe(url: str, exc: BaseException, timeout: float | None = None) -> str:
    """The reason a download failed, in a few words, the same for every library."""
    return url_problem(url) or _known_reason(exc, timeout) or _fallback(exc)


# -- the video's code: the first failure ends the demo ------------------------------


def _url_of(exc: BaseException) -> str | None:
    """The URL an exception of an HTTP library is about, if it says."""
    for cause in _causes(exc):
        request_info = getattr(cause, "request_info", None)  # aiohttp
        if request_info is not None:
            return str(request_info.real_url)
        url = getattr(cause, "url", None)  # aiohttp.InvalidURL
        if isinstance(url, str) or type(url).__name__ == "URL":
            return str(url)
        try:
            request = getattr(cause, "request", None)  # httpx, requests
        except RuntimeError:  # httpx: an error raised without its request
            request = None
        if request is not None and getattr(request, "url", None):
            return str(request.url)
    return None


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _run_url(url: str | None, host: object, known: str | None, urls: Sequence[str]) -> str | None:
    """The URL of the run a library's error is about (libraries normalize
    what they report, or name only the host)."""
    if url is not None and url in urls:
        return url
    wrong = [u for u in urls if url_problem(u) is not None]
    if url is not None:
        same = [u for u in urls if u.rstrip("/") == url.rstrip("/")]
        return same[0] if same else wrong[0] if wrong else url
    on_host = [u for u in wrong if host is not None and _hostname(u) == host]
    if on_host:
        return on_host[0]
    return wrong[0] if wrong and known is None else None


def first_failure(exc: BaseException, urls: Sequence[str] = ()) -> DemoFailed:
    """The one line that ends a demo of the video's code (it handles no
    failure): which download failed, if the library says, and why.

    A library that refuses a URL does not always say which: then it is the
    first of the run's ``urls`` that is wrong as written."""
    leaves = [e for e in _causes(exc) if not isinstance(e, BaseExceptionGroup)]
    leaf = leaves[0] if leaves else exc
    url = _url_of(leaf) or _url_of(exc)
    host, port = getattr(leaf, "host", None), getattr(leaf, "port", None)  # aiohttp's connector
    known = _known_reason(leaf, None)
    url = _run_url(url, host, known, urls)
    if url is not None:
        what, reason = f"download of {shown(url)}", describe(url, leaf)
    elif isinstance(host, str) and isinstance(port, int):
        what, reason = f"a download from {shown(f'{host}:{port}')}", known or _fallback(leaf)
    else:
        what, reason = "a download", known or _fallback(leaf)
    return DemoFailed(f"{what} failed: {reason} (the video's code stops at the first failure)")

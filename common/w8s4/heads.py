"""Request and response heads for the embedded server: what it reads, what it sends.

The server is strict on what it reads, so that whatever bytes a client sends
are decided here: a request line of three parts, an origin- or
absolute-form target, ``Name: value`` headers; anything else is a
:class:`BadRequest`, answered with its status.  Every answer closes its
connection (``Connection: close``), so a head is all the framing there is.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from urllib.parse import urlsplit

#: A request head (request line and headers) may not be longer than this.
MAX_HEAD = 8192

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/1\.[01]")
_HEADER = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\x20-\x7e\x80-\xff\t]*)")


class BadRequest(Exception):
    """The request cannot be understood: the answer is ``status``."""

    def __init__(self, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(status.phrase)
        self.status = status


def parse_head(head: bytes) -> tuple[str, str]:
    """``(method, path)`` of a request head, or :class:`BadRequest`: strict on
    the form (three parts, an origin- or absolute-form target, ``Name: value``
    headers), so that whatever a client sends is decided here."""
    request_line, *headers = head.split(b"\r\n")
    parts = request_line.split(b" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not _VERSION.fullmatch(parts[2]):
        raise BadRequest
    method, target = parts[0].decode("ascii"), parts[1]
    if not target or any(byte <= 0x20 or byte >= 0x7F for byte in target):
        raise BadRequest
    if not all(_HEADER.fullmatch(line) for line in headers):
        raise BadRequest
    text = target.decode("ascii")
    if text.startswith("/"):
        return method, urlsplit(text).path
    try:
        parts_ = urlsplit(text)
        _ = parts_.port  # a port out of range, or not a number: ValueError
    except ValueError:
        raise BadRequest from None
    if parts_.scheme not in ("http", "https") or not parts_.netloc:
        raise BadRequest
    return method, parts_.path or "/"


def response_head(status: HTTPStatus, length: int, content_type: str) -> bytes:
    return (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n"
        "Connection: close\r\n"
        "Server: lessons-embedded\r\n"
        "\r\n"
    ).encode("ascii")

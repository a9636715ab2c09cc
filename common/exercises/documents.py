"""The documents of the w8s4 exercises: the lesson's embedded server, served
from the grader's own event loop, so that its latency follows the virtual
clock (as in the lesson's tests).  It listens on 127.0.0.1 only.

This module is the exercises' only door to the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from common.w8s4.documents import PREFIX, document_names, document_size
from common.w8s4.server import DocumentServer

#: six documents; the third one is never answered (a download that hangs)
NAMES = document_names(6)
STALLED = NAMES[2]
LATENCY, LIMIT, TIMEOUT = 1.0, 2, 1.5

__all__ = ["LATENCY", "LIMIT", "NAMES", "STALLED", "TIMEOUT", "document_size", "served"]


@asynccontextmanager
async def served() -> AsyncIterator[tuple[Any, ...]]:
    """Serve the documents while inside; the arguments of the exercise's
    ``main``: ``(base_url, names, limit, timeout)``."""
    server = DocumentServer(NAMES, latency=LATENCY, stalled=[PREFIX + STALLED])
    async with server.running():
        yield server.base_url + PREFIX, list(NAMES), LIMIT, TIMEOUT

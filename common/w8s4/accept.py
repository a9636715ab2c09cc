"""A workaround for CPython gh-153761, only where and while it is needed.

In asyncio's selector loops, ``sock_accept()`` hands the accepted connection
to its future from a callback; if the future is cancelled while that callback
waits in the loop's queue (the server stopped by Ctrl-C just as a client
connects), the callback fails with ``InvalidStateError``, logged with its
traceback, and the connection is dropped unclosed (``ResourceWarning``).
CPython fixed it by checking the future first, as ``sock_recv`` does.

Nothing changes at import.  The check is installed only on interpreters that
lack the fix (read from the standard library's own code, the first time a
server runs), only on the loops the embedded server runs on (the loop of its
own thread, made by :func:`workaround_loop`; the demo's loop, patched for the
time the server runs on it and restored after), never on asyncio's class.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from types import MethodType
from typing import Any, TypeVar

L = TypeVar("L", bound=asyncio.AbstractEventLoop)


@cache
def needs_workaround() -> bool:
    """``True`` if this interpreter's ``_sock_accept`` does not check its
    future before using it (no source to read: assume it does not)."""
    from asyncio.selector_events import BaseSelectorEventLoop

    method = getattr(BaseSelectorEventLoop, "_sock_accept", None)
    if method is None:
        return False  # a future asyncio without that method: nothing to fix
    try:
        source = inspect.getsource(method)
    except (OSError, TypeError):
        return True
    return "fut.done()" not in source


def _sock_accept_unless_cancelled(self: Any, fut: asyncio.Future[Any], sock: Any) -> None:
    # A pending connection stays in the backlog (it closes with the
    # listening socket) instead of being accepted for a cancelled future.
    if fut.done():
        return
    type(self)._sock_accept(self, fut, sock)


def install(loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    """Make ``loop`` (a selector loop) check before it accepts; returns how to undo it."""
    from asyncio.selector_events import BaseSelectorEventLoop

    if (
        not needs_workaround()
        or not isinstance(loop, BaseSelectorEventLoop)
        or "_sock_accept" in vars(loop)  # already done, by an enclosing server
    ):
        return lambda: None
    loop._sock_accept = MethodType(_sock_accept_unless_cancelled, loop)  # type: ignore[attr-defined]

    def undo() -> None:
        vars(loop).pop("_sock_accept", None)

    return undo


@contextmanager
def accept_unless_cancelled(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """While inside, ``loop`` (a selector loop) checks before it accepts."""
    undo = install(loop)
    try:
        yield
    finally:
        undo()


def workaround_loop(factory: Callable[[], L]) -> Callable[[], L]:
    """A loop factory whose loops check before they accept, for their life."""

    def make() -> L:
        loop = factory()
        if needs_workaround():
            from asyncio.selector_events import BaseSelectorEventLoop

            if isinstance(loop, BaseSelectorEventLoop):
                loop._sock_accept = MethodType(_sock_accept_unless_cancelled, loop)  # type: ignore[attr-defined]
        return loop

    return make

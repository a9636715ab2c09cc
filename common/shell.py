"""What the IDLE shell shows when the video types an expression.

In the video, results appear because the shell echoes the value of each
expression typed.  A script has no such echo, so the lessons call
:func:`echo` where the video relied on it.  Memory addresses
(``<coroutine object morceaux at 0x7f3a…>``) change from run to run; they are
shown as ``0x…`` so that the output can be compared and published as is.
"""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")


def shell_repr(value: object) -> str:
    """``repr(value)`` with memory addresses masked."""
    return _ADDRESS.sub("at 0x…", repr(value))


def echo(value: object) -> None:
    """Print ``value`` as the shell would (nothing for ``None``, as the shell)."""
    if value is not None:
        print(shell_repr(value))

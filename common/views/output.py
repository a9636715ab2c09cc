"""Writing the views to a terminal: width, colour, and what the stream can encode.

* The width: the terminal's, as rich reads it (``COLUMNS`` included), but a
  width that makes no sense (``COLUMNS=0``, a negative or absurd value) gives
  the usual 80 columns, and the views stay within :data:`WIDTHS`.
* Colour: rich's rules (none when piped or when ``NO_COLOR`` is set); without
  colour, plain text, no bold either.
* The encoding: an output that cannot encode the box-drawing characters
  (``PYTHONIOENCODING=ascii``, a Latin-1 terminal) gets ASCII look-alikes,
  character for character, and ``?`` for any other character it cannot
  encode (an accent in the code): the same layout, never a
  ``UnicodeEncodeError``.
* A reader leaving early (``| head``) is no error, as on the lessons'
  command line.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

#: The narrowest and widest terminal views (``--width``'s bounds).
WIDTHS = (40, 1000)
DEFAULT_WIDTH = 80

#: ASCII look-alikes of the characters the views draw, one for one (so that
#: the styles of a rich ``Text`` stay where they were).
ASCII = str.maketrans(
    {
        "│": "|",
        "─": "-",
        "┴": "+",
        "└": "+",
        "┘": "+",
        "┣": "[",
        "━": "=",
        "┫": "]",
        "┃": "|",
        "»": ">",
        "◆": "*",
        "↪": "+",
        "…": "~",
        "→": ">",
        "⇄": "=",
    }
)


def sensible_width(width: int | None, *, most: int = WIDTHS[1]) -> int:
    """``width`` if it is a usable number of columns, else 80; at most ``most``."""
    if width is None or width < WIDTHS[0] or width > WIDTHS[1]:
        width = DEFAULT_WIDTH
    return min(width, most)


def make_console(**options: Any) -> Console:
    """A rich console on standard output that treats a reader leaving early
    (``| head``) as the command line does: ``BrokenPipeError``, no error
    status (rich alone would exit with 1)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise BrokenPipeError

    if sys.stdout is None:  # started with stdout closed (``>&-``)
        raise OSError(9, "standard output is closed")
    columns = os.environ.get("COLUMNS", "")
    if columns and not (columns.isdigit() and WIDTHS[0] <= int(columns) <= WIDTHS[1]):
        # rich takes COLUMNS as it is: 0 columns would print nothing at all
        options.setdefault("width", DEFAULT_WIDTH)
    return _Console(**options)


def console_width(console: Console) -> int:
    """The console's width, or 80 if it makes no sense."""
    return sensible_width(console.width)


def _encodes(encoding: str, text: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def fit_encoding(text: Text, encoding: str) -> Text:
    """``text`` as the stream can encode it, the same length, the same styles."""
    from rich.text import Text

    plain = text.plain
    if _encodes(encoding, plain):
        return text
    plain = plain.translate(ASCII)
    try:
        codecs.lookup(encoding)
    except LookupError:  # pragma: no cover - an encoding Python does not know
        encoding = "ascii"
    plain = "".join(ch if _encodes(encoding, ch) else "?" for ch in plain)
    out = Text(plain, style=text.style, end=text.end, no_wrap=text.no_wrap)
    for span in text.spans:
        out.stylize(span.style, span.start, span.end)
    return out


def print_text(console: Console, text: Text) -> None:
    """One ``Text`` as it is (no wrapping, no cropping, no markup), plain
    without colour, in what the console's stream can encode."""
    text = fit_encoding(text, console.encoding)
    plain = console.no_color or console.color_system is None
    console.print(
        # Without colour, no bold or reverse either: plain text, as piped output should be.
        text.plain if plain else text,
        no_wrap=True,
        crop=False,
        overflow="ignore",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )

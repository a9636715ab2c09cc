"""The terminal view: two versions of a lesson (or of one demo) side by side.

``NUM code │ NUM code``, syntax-highlighted (pygments, through rich), the
rows aligned by :mod:`common.views.align`, changed lines on grey and, inside
them, the words that differ on red (left) and green (right).  The gutter
says what happened to a row, as ``sdiff`` does: ``|`` changed, ``<`` only on
the left, ``>`` only on the right.  Long lines are folded onto continuation
rows (``↪`` in the number column), so that every row fits the width.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from common.views.align import CONTINUED, GUTTER, align, changed_ranges
from common.views.output import console_width, make_console, print_text, sensible_width
from common.views.sources import (
    SOURCES,
    Excerpt,
    Sources,
    UsageError,
    check_demo,
    demo_excerpt,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

THEME = "monokai"
# Colours of the 256-colour palette, so that they look the same in a terminal
# that has no true colour (tmux, say): changed lines on grey, the words that
# differ on red (left) and green (right).
STYLE_LEFT = STYLE_RIGHT = "on grey19"
WORD_LEFT, WORD_RIGHT = "on color(52)", "on color(22)"


def _highlighted(lines: list[str], theme: str) -> tuple[Text, ...]:
    """Each line, highlighted.  The ``Text`` objects are shared between the
    views of the same lines (made once): copy one before changing it."""
    return _highlight(tuple(lines), theme)


@functools.lru_cache(maxsize=64)
def _highlight(lines: tuple[str, ...], theme: str) -> tuple[Text, ...]:
    from rich.syntax import Syntax

    code = "\n".join(lines)
    syntax = Syntax(code, "python", theme=theme, background_color="default")
    text = syntax.highlight(code)
    out = text.split("\n", allow_blank=True)
    return tuple(out[: len(lines)]) + (type(text)(""),) * (len(lines) - len(out))


def _fold(text: Text, width: int) -> list[Text]:
    """Cut a line into pieces of ``width`` characters (code keeps its spaces)."""
    if len(text) <= width:
        return [text]
    return list(text.divide(range(width, len(text), width)))


def code_width(width: int, digits: int) -> int:
    """The width of each code column: ``width`` holds ``NUM code GUT NUM code``,
    each ``NUM`` being ``digits`` wide plus a space, the gutter 3 cells."""
    return max(8, (width - 2 * (digits + 1) - 3) // 2)


def render_terminal(
    left: Excerpt,
    right: Excerpt,
    *,
    width: int,
    headers: tuple[str, str],
    theme: str = THEME,
) -> list[Text]:
    """The two excerpts side by side, one ``Text`` per screen line, each at
    most ``width`` cells: ``NUM code │ NUM code`` with a gutter mark between."""
    from rich.text import Text

    rows = align(left.lines, right.lines)
    last = max(left.first + len(left.lines), right.first + len(right.lines))
    num = len(str(last))
    code_w = code_width(width, num)
    lhs, rhs = _highlighted(left.lines, theme), _highlighted(right.lines, theme)

    def cell(
        texts: tuple[Text, ...], excerpt: Excerpt, index: int | None, style: str
    ) -> tuple[str, list[Text]]:
        if index is None:
            return "", []
        text = texts[index].copy()
        if style:
            text.stylize(style)
        return str(excerpt.first + index), _fold(text, code_w)

    out: list[Text] = []
    title = Text()
    for k, header in enumerate(headers):
        head = header if len(header) <= num + 1 + code_w else header[: num + code_w] + "…"
        title.append(f"{head:<{num + 1 + code_w}}", "bold")
        if k == 0:
            title.append(" │ ", "dim")
    title.rstrip()
    out.append(title)
    for excerpt in (left, right):
        if excerpt.note:
            out.append(Text(f"({excerpt.note})", "italic dim"))
    out.append(Text("─" * (2 * (num + 1 + code_w) + 3), "dim"))
    for row in rows:
        changed = row.tag != "equal"
        lstyle = STYLE_LEFT if changed and row.left is not None else ""
        rstyle = STYLE_RIGHT if changed and row.right is not None else ""
        lnum, lparts = cell(lhs, left, row.left, lstyle)
        rnum, rparts = cell(rhs, right, row.right, rstyle)
        if row.tag == "change" and row.left is not None and row.right is not None:
            lr, rr = changed_ranges(left.lines[row.left], right.lines[row.right])
            lparts = _fold(_words(lhs[row.left], lr, STYLE_LEFT, WORD_LEFT), code_w)
            rparts = _fold(_words(rhs[row.right], rr, STYLE_RIGHT, WORD_RIGHT), code_w)
        mark = GUTTER[row.tag]
        for k in range(max(len(lparts), len(rparts))):
            line = Text()
            line.append(
                f"{lnum if k == 0 else CONTINUED if k < len(lparts) else '':>{num}} ", "dim"
            )
            piece = lparts[k] if k < len(lparts) else Text("", lstyle)
            line.append_text(piece)
            line.append(" " * (code_w - len(piece)), lstyle)
            line.append(f" {mark if k == 0 else ' '} ", "bold yellow" if changed else "dim")
            line.append(
                f"{rnum if k == 0 else CONTINUED if k < len(rparts) else '':>{num}} ", "dim"
            )
            piece = rparts[k] if k < len(rparts) else Text("", rstyle)
            line.append_text(piece)
            if rstyle:
                line.append(" " * (code_w - len(piece)), rstyle)
            line.rstrip()
            out.append(line)
    return out


def _words(text: Text, ranges: list[tuple[int, int]], line_style: str, word_style: str) -> Text:
    text = text.copy()
    text.stylize(line_style)
    for start, end in ranges:
        if text.plain[start:end].strip():
            text.stylize(word_style, start, end)
    return text


def excerpts(
    name: str, demo: str | None, left: str, right: str, sources: Sources = SOURCES
) -> tuple[Excerpt, Excerpt]:
    """What the view shows of each side: the whole file, or one demo's function."""
    sources.check(name)
    have = sources.versions(name)
    for version in (left, right):
        sources.package(version)  # an unknown version is a usage error
        if version not in have:
            raise UsageError(f"{name} has no {version} version yet (it has: {', '.join(have)})")
    if demo is None:
        return sources.whole(name, left), sources.whole(name, right)
    lessons = [sources.lesson(name, v) for v in (left, right)]
    check_demo(name, demo, lessons)
    return demo_excerpt(lessons[0], demo, left), demo_excerpt(lessons[1], demo, right)


def print_terminal(
    name: str,
    demo: str | None = None,
    *,
    left: str = "video",
    right: str = "anyio",
    width: int | None = None,
    console: Console | None = None,
    sources: Sources = SOURCES,
) -> None:
    """The terminal view of lesson ``name`` (or of one of its demos)."""
    lhs, rhs = excerpts(name, demo, left, right, sources)
    console = console or make_console(highlight=False)
    width = sensible_width(width) if width is not None else console_width(console)
    what = f": {demo}" if demo is not None else ""
    headers = (
        f"{left}: {sources.display_path(name, left)}{what}",
        f"{right}: {sources.display_path(name, right)}{what}",
    )
    for line in render_terminal(lhs, rhs, width=width, headers=headers):
        print_text(console, line)

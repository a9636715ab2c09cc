"""Code as HTML: highlighted lines, and two versions aligned in a table.

The lines are lexed by pygments as one file (a docstring spanning lines is a
string on each of them) and marked with pygments' short CSS classes; the
stylesheet (``view.css`` beside this module, and pygments' rules for those
classes) is read when a page is made.  No script: what changes between two
aligned lines is marked in the HTML itself (``<span class="dw">``).
"""

from __future__ import annotations

import functools
import re
from html import escape
from importlib import resources
from itertools import pairwise
from typing import Any

from common.views.align import GUTTER, align, changed_ranges
from common.views.sources import Excerpt


def _token_class(ttype: Any) -> str:
    from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped,unused-ignore]

    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]  # type: ignore[no-any-return]


def _html_lines(lines: list[str]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Each line as ``((css class, text), …)``, lexed as one file (so that a
    docstring spanning lines is a string on each of them)."""
    return _lexed(tuple(lines))


@functools.lru_cache(maxsize=256)
def _lexed(lines: tuple[str, ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    # Cached: a page shows each excerpt in up to three tables (two pairs and
    # the three together), and pygments is the slow part of making them.
    from pygments.lexers import PythonLexer  # type: ignore[import-untyped,unused-ignore]

    result: list[list[tuple[str, str]]] = [[]]
    for ttype, value in PythonLexer(stripnl=False, ensurenl=False).get_tokens("\n".join(lines)):
        cls = _token_class(ttype)
        pieces = value.split("\n")
        for k, piece in enumerate(pieces):
            if k:
                result.append([])
            if piece:
                result[-1].append((cls, piece))
    return tuple(tuple(line) for line in (result + [[] for _ in lines])[: len(lines)])


def _html_code(tokens: tuple[tuple[str, str], ...], ranges: list[tuple[int, int]]) -> str:
    """One line of highlighted HTML, the changed ranges wrapped in ``<del>``-like marks."""
    out: list[str] = []
    pos = 0
    for cls, text in tokens:
        cuts = {0, len(text)}
        for start, end in ranges:
            for c in (start - pos, end - pos):
                if 0 < c < len(text):
                    cuts.add(c)
        edges = sorted(cuts)
        for a, b in pairwise(edges):
            piece = escape(text[a:b], quote=False)
            inside = any(s <= pos + a and pos + b <= e for s, e in ranges)
            if cls:
                piece = f'<span class="{cls}">{piece}</span>'
            if inside and text[a:b].strip():
                piece = f'<span class="dw">{piece}</span>'
            out.append(piece)
        pos += len(text)
    return "".join(out)


def _hanging(line: str) -> str:
    """A wrapped line goes on under its own code, a little further in."""
    indent = len(line) - len(line.lstrip(" ")) + 4
    return f' style="padding-left:calc({indent}ch + 4px);text-indent:-{indent}ch"'


def diff_table(left: Excerpt, right: Excerpt, titles: tuple[str, str] = ("", "")) -> str:
    """The aligned excerpts as an HTML table (highlighted by pygments'
    classes), under ``titles`` (which version is on which side)."""
    if not left.lines and not right.lines:
        return _notes(left, right)
    rows = align(left.lines, right.lines)
    ltok, rtok = _html_lines(left.lines), _html_lines(right.lines)
    out = [
        _notes(left, right),
        '<table class="sbs hl">',
        "<colgroup>" + "".join(f'<col class="{c}">' for c in "ncgnc") + "</colgroup>",
    ]
    if any(titles):
        out.append(
            f'<tr class="head"><th colspan="2">{escape(titles[0])}</th><th></th>'
            f'<th colspan="2">{escape(titles[1])}</th></tr>'
        )
    for row in rows:
        lr: list[tuple[int, int]] = []
        rr: list[tuple[int, int]] = []
        if row.tag == "change" and row.left is not None and row.right is not None:
            lr, rr = changed_ranges(left.lines[row.left], right.lines[row.right])
        cells = []
        for excerpt, tokens, index, ranges, side in (
            (left, ltok, row.left, lr, "l"),
            (right, rtok, row.right, rr, "r"),
        ):
            if index is None:
                cells.append(('<td class="n"></td>', f'<td class="c {side} none"></td>'))
            else:
                cells.append(
                    (
                        f'<td class="n">{excerpt.first + index}</td>',
                        f'<td class="c {side}"{_hanging(excerpt.lines[index])}>'
                        f"{_html_code(tokens[index], ranges)}</td>",
                    )
                )
        gutter = escape(GUTTER[row.tag])
        out.append(
            f'<tr class="{row.tag}">{cells[0][0]}{cells[0][1]}'
            f'<td class="g">{gutter}</td>{cells[1][0]}{cells[1][1]}</tr>'
        )
    out.append("</table>")
    return "\n".join(out)


def _notes(*excerpts: Excerpt) -> str:
    return "".join(f'<p class="note">({escape(e.note)})</p>' for e in excerpts if e.note)


def code_table(excerpt: Excerpt) -> str:
    """One version alone, highlighted, with its line numbers."""
    if not excerpt.lines:
        return _notes(excerpt)
    tokens = _html_lines(excerpt.lines)
    out = ['<table class="sbs one hl">', '<colgroup><col class="n"><col class="c"></colgroup>']
    for k, line in enumerate(excerpt.lines):
        out.append(
            f'<tr><td class="n">{excerpt.first + k}</td>'
            f'<td class="c"{_hanging(line)}>{_html_code(tokens[k], [])}</td></tr>'
        )
    out.append("</table>")
    return "\n".join(out)


def inline(text: str) -> str:
    """Escape, and render ``code`` spans."""
    parts = re.split(r"``(.+?)``", text)
    return "".join(f"<code>{escape(p)}</code>" if k % 2 else escape(p) for k, p in enumerate(parts))


def stylesheet() -> str:
    """The views' CSS (``view.css``) and pygments' rules for its token classes."""
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped,unused-ignore]

    css = resources.files("common.views").joinpath("view.css").read_text(encoding="utf-8")
    rules = HtmlFormatter(style="default").get_style_defs(".hl")
    # Only the token rules; the table keeps its own background.
    tokens = [
        line
        for line in rules.splitlines()
        if line.startswith(".hl .") and not line.startswith(".hl .hll")
    ]
    return css + "\n".join(f".lv {line}" for line in tokens) + "\n"

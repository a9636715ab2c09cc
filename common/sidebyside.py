"""The faithful lesson and its port, side by side: in the terminal, or as HTML.

    python -m common.sidebyside w8s8                  # both files, aligned
    python -m common.sidebyside w8s8 --demo window    # one demo's function
    python -m common.sidebyside w8s8 --html w8s8.html # a standalone page
    python -m common.sidebyside --all --out site/     # every lesson + index.html

Lines that correspond face each other (``difflib`` aligns the two files;
inside a block of changed lines, the most similar lines are paired); changed
lines are highlighted and, inside them, the words that differ.  The gutter
between the columns says what happened to a row, as ``sdiff`` does: ``|``
changed, ``<`` only in the faithful version, ``>`` only in the port.

The terminal view is syntax-highlighted (pygments, through rich) and fits the
terminal's width (``--width`` to choose), long lines folded onto
continuation rows; no colour when piped or when ``NO_COLOR`` is set.

The HTML page needs no network: one file, inline CSS, inline SVG, no script.
It shows the port's "Differs from the asyncio version" list and, for each
demo, the two versions of its function next to three timelines (faithful on
asyncio, port on asyncio, port on trio; see :mod:`common.timeline`), recorded
on virtual time so that the page builds in seconds and is the same byte for
byte on every build (trio's scheduler is seeded for it).  Files are written
to a temporary name and renamed, so no page is ever half-written.

Exit codes: 0 done; 2 a usage error (unknown lesson or demo, bad option) or
an output that cannot be written; 130 interrupted (Ctrl-C); each with one
line on stderr.  ``--all`` writes every page or none.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import errno
import importlib
import importlib.util
import inspect
import os
import pkgutil
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from common.record import Record
    from common.runner import Demo, Lesson
    from common.timeline import Timeline

FAITHFUL, PORT = "lessons_asyncio", "lessons_anyio"
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
DIFFERS = "Differs from the asyncio version:"


class UsageError(Exception):
    """A bad lesson name, demo name, option or output path: one line, exit 2."""


# --------------------------------------------------------------------------
# Lessons and their sources


def _modules(package: str) -> set[str]:
    module = importlib.import_module(package)
    return {m.name for m in pkgutil.iter_modules(module.__path__) if not m.name.startswith("_")}


def _natural(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def lesson_names() -> list[str]:
    """Every lesson that exists in both packages, in the course's order."""
    return sorted(_modules(FAITHFUL) & _modules(PORT), key=_natural)


def check_lesson(name: str) -> None:
    names = lesson_names()
    if name not in names:
        raise UsageError(f"unknown lesson {name!r} (choose from {', '.join(names)})")


def source_path(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(f"{package}.{name}")
    if spec is None or spec.origin is None:  # pragma: no cover - checked before
        raise UsageError(f"no module {package}.{name}")
    return Path(spec.origin)


def read_source(package: str, name: str) -> list[str]:
    """The module's lines, tabs expanded, without their line ends."""
    text = source_path(package, name).read_text(encoding="utf-8")
    return text.expandtabs(4).splitlines()


def lesson_of(package: str, name: str) -> Lesson:
    return importlib.import_module(f"{package}.{name}").lesson  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Excerpt:
    """Consecutive lines of a file, and the number of the first one (1-based)."""

    lines: list[str]
    first: int = 1
    note: str = ""


def demo_excerpt(lesson: Lesson, demo_name: str, package: str) -> Excerpt:
    """The source of a demo's function (decorators included), or an empty
    excerpt saying why there is none."""
    demo = lesson.demos.get(demo_name)
    if demo is None:
        if package == FAITHFUL:
            return Excerpt([], note=f"{demo_name} is a port-only demo")
        return Excerpt([], note=f"the port has no demo {demo_name}")
    lines, first = inspect.getsourcelines(demo.func)
    return Excerpt([line.rstrip("\n").expandtabs(4) for line in lines], first)


def demo_names(faithful: Lesson, port: Lesson) -> list[str]:
    """The shared demos in the video's order, then the port's own."""
    names = list(faithful.demos)
    names += [n for n in port.demos if n not in faithful.demos]
    return names


# --------------------------------------------------------------------------
# Alignment


@dataclass(frozen=True)
class Row:
    """One row of the side-by-side view: a line of each file (index into the
    excerpt), or ``None`` where the other file has a line and this one not."""

    left: int | None
    right: int | None
    #: ``"equal"``, ``"change"`` (both sides, different), ``"delete"`` (left
    #: only) or ``"insert"`` (right only).
    tag: str


_SIMILAR = 0.5
_MAX_PAIRING = 4000  # cells of the pairing table before falling back to order


_TRAILING_COMMENT = re.compile(r"\s+#.*$")


def _similarity(a: str, b: str) -> float:
    """How alike two lines are, their code only (a trailing comment such as a
    ``noqa`` would make unrelated lines look alike)."""
    a, b = _TRAILING_COMMENT.sub("", a).strip(), _TRAILING_COMMENT.sub("", b).strip()
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _pair(a: Sequence[str], b: Sequence[str], i0: int, j0: int) -> list[Row]:
    """Pair the lines of a changed block: the most similar ones face each other
    (a longest-common-subsequence on similar lines), the others face blanks."""
    n, m = len(a), len(b)
    if n * m > _MAX_PAIRING:
        in_order = [Row(i0 + k, j0 + k, "change") for k in range(min(n, m))]
        in_order += [Row(i0 + k, None, "delete") for k in range(m, n)]
        in_order += [Row(None, j0 + k, "insert") for k in range(n, m)]
        return in_order
    sim = [[_similarity(a[i], b[j]) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= _SIMILAR else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    rows: list[Row] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= _SIMILAR and best[i][j] == best[i + 1][j + 1] + sim[i][j]:
            rows.append(Row(i0 + i, j0 + j, "change"))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            rows.append(Row(i0 + i, None, "delete"))
            i += 1
        else:
            rows.append(Row(None, j0 + j, "insert"))
            j += 1
    rows += [Row(i0 + k, None, "delete") for k in range(i, n)]
    rows += [Row(None, j0 + k, "insert") for k in range(j, m)]
    return rows


def align(left: Sequence[str], right: Sequence[str]) -> list[Row]:
    """Rows in which every line of both sides appears once, in order."""
    rows: list[Row] = []
    matcher = SequenceMatcher(None, list(left), list(right), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row(i1 + k, j1 + k, "equal") for k in range(i2 - i1)]
        elif tag == "delete":
            rows += [Row(i, None, "delete") for i in range(i1, i2)]
        elif tag == "insert":
            rows += [Row(None, j, "insert") for j in range(j1, j2)]
        else:
            rows += _pair(left[i1:i2], right[j1:j2], i1, j1)
    return rows


_WORD = re.compile(r"\w+|\s+|[^\w\s]")


def changed_ranges(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges that differ between two paired lines, word by word."""
    ta, tb = _WORD.findall(a), _WORD.findall(b)
    oa = [0]
    for t in ta:
        oa.append(oa[-1] + len(t))
    ob = [0]
    for t in tb:
        ob.append(ob[-1] + len(t))
    left: list[tuple[int, int]] = []
    right: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            left.append((oa[i1], oa[i2]))
        if j2 > j1:
            right.append((ob[j1], ob[j2]))
    return left, right


GUTTER = {"equal": " ", "change": "|", "delete": "<", "insert": ">"}
#: In the line-number column of the terminal view: the line goes on here.
CONTINUED = "↪"


# --------------------------------------------------------------------------
# The terminal view (rich)

THEME = "monokai"
# Colours of the 256-colour palette, so that they look the same in a terminal
# that has no true colour (tmux, say): changed lines on grey, the words that
# differ on red (faithful) and green (port).
STYLE_LEFT = STYLE_RIGHT = "on grey19"
WORD_LEFT, WORD_RIGHT = "on color(52)", "on color(22)"


def _highlighted(lines: list[str], theme: str) -> list[Text]:
    from rich.syntax import Syntax

    code = "\n".join(lines)
    syntax = Syntax(code, "python", theme=theme, background_color="default")
    text = syntax.highlight(code)
    out = text.split("\n", allow_blank=True)
    return list(out[: len(lines)]) + [type(text)("")] * (len(lines) - len(out))


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
        texts: list[Text], excerpt: Excerpt, index: int | None, style: str
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


def print_terminal(
    name: str, demo: str | None = None, *, width: int | None = None, console: Console | None = None
) -> None:
    """The terminal view of lesson ``name`` (or of one of its demos)."""

    from common.timeline import make_console

    console = console or make_console(highlight=False)
    left, right = excerpts(name, demo)
    what = f": {demo}" if demo is not None else ""
    headers = (f"{FAITHFUL}/{name}.py{what} (faithful)", f"{PORT}/{name}.py{what} (port)")
    plain = console.no_color or console.color_system is None
    for line in render_terminal(left, right, width=width or console.width, headers=headers):
        # Without colour, no bold or reverse either: plain text, as piped output should be.
        console.print(
            line.plain if plain else line,
            no_wrap=True,
            crop=False,
            overflow="ignore",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )


def excerpts(name: str, demo: str | None) -> tuple[Excerpt, Excerpt]:
    check_lesson(name)
    if demo is None:
        return Excerpt(read_source(FAITHFUL, name)), Excerpt(read_source(PORT, name))
    faithful, port = lesson_of(FAITHFUL, name), lesson_of(PORT, name)
    if demo not in faithful.demos and demo not in port.demos:
        raise UsageError(
            f"unknown demo {demo!r} of {name} (choose from {', '.join(demo_names(faithful, port))})"
        )
    return demo_excerpt(faithful, demo, FAITHFUL), demo_excerpt(port, demo, PORT)


# --------------------------------------------------------------------------
# Recording the timelines


@contextmanager
def repeatable_trio(seed: int = 0) -> Iterator[None]:
    """Make trio's scheduling repeatable while recording a page's timelines.

    trio runs the tasks that become runnable together in a random order, on
    purpose.  It has a switch for deterministic tests (its Hypothesis plugin
    sets it): tasks sorted by creation, then shuffled by its own seeded
    ``random.Random``.  Both are private; if they are gone the page is still
    built, only no longer the same byte for byte.
    """
    try:
        run: Any = importlib.import_module("trio._core._run")
    except ImportError:  # pragma: no cover
        yield
        return
    rng = getattr(run, "_r", None)
    if rng is None or not hasattr(run, "_ALLOW_DETERMINISTIC_SCHEDULING"):  # pragma: no cover
        yield
        return
    saved = run._ALLOW_DETERMINISTIC_SCHEDULING, rng.getstate()
    run._ALLOW_DETERMINISTIC_SCHEDULING = True
    rng.seed(seed)
    try:
        yield
    finally:
        run._ALLOW_DETERMINISTIC_SCHEDULING = saved[0]
        rng.setstate(saved[1])


def default_options(lesson: Lesson) -> dict[str, Any]:
    """The lesson's own command-line options at their defaults (as a bare run)."""
    from common.runner import build_parser

    args = vars(build_parser(lesson).parse_args([]))
    return {
        k: v
        for k, v in args.items()
        if k not in ("demo", "list", "duration", "backend", "timeline")
    }


def on_own_loop(demo: Demo) -> bool:
    """A port demo written as a plain function: it drives coroutines by hand
    or runs its own event loop (``run_anyio``), and the runner records it on
    the real clock, not on virtual time."""
    return demo.lesson.flavour == "anyio" and not demo.is_async


def record_demo(demo: Demo, backend: str) -> Record:
    """Run ``demo`` on virtual time, quietly, as a bare command line would.

    A demo that runs on its own (:func:`on_own_loop`) is recorded on the real
    clock: its lines are kept, in order, all at 0 s, so that the page does not
    change with the machine's speed.
    """
    from common.record import Chunk, Record
    from common.runner import run_demo

    with warnings.catch_warnings():
        # As on the command line, warnings are shown (and so recorded), not
        # raised; "always", so that a second build records the same ones.
        warnings.simplefilter("always")
        with repeatable_trio():
            record = run_demo(
                demo,
                backend=backend,
                virtual=True,
                echo=False,
                options=default_options(demo.lesson),
            )
    if on_own_loop(demo):
        chunks = [Chunk(0.0, c.text, c.stream) for c in record.chunks]
        return Record(chunks, duration=0.0, stopped=record.stopped)
    return record


# --------------------------------------------------------------------------
# HTML


def _token_class(ttype: Any) -> str:
    from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped,unused-ignore]

    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]  # type: ignore[no-any-return]


def _html_lines(lines: list[str]) -> list[list[tuple[str, str]]]:
    """Each line as ``[(css class, text)]``, lexed as one file (so that a
    docstring spanning lines is a string on each of them)."""
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
    return (result + [[] for _ in lines])[: len(lines)]


def _html_code(tokens: list[tuple[str, str]], ranges: list[tuple[int, int]]) -> str:
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


def html_table(left: Excerpt, right: Excerpt) -> str:
    """The aligned excerpts as an HTML table (highlighted by pygments' classes)."""
    rows = align(left.lines, right.lines)
    ltok, rtok = _html_lines(left.lines), _html_lines(right.lines)
    out = [
        '<table class="sbs hl">',
        "<colgroup>" + "".join(f'<col class="{c}">' for c in "ncgnc") + "</colgroup>",
    ]
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


def module_docstring(package: str, name: str) -> str:
    text = source_path(package, name).read_text(encoding="utf-8")
    return ast.get_docstring(ast.parse(text)) or ""


def differs_items(docstring: str) -> list[str]:
    """The bullets of the port's "Differs from the asyncio version:" list."""
    lines = docstring.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == DIFFERS)
    except StopIteration:
        return []
    items: list[str] = []
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            items.append(stripped[2:])
        elif stripped and items:
            items[-1] += " " + stripped
        elif not stripped and items:
            break
    return items


def _inline(text: str) -> str:
    """Escape, and render ``code`` spans."""
    parts = re.split(r"``(.+?)``", text)
    return "".join(f"<code>{escape(p)}</code>" if k % 2 else escape(p) for k, p in enumerate(parts))


CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
  max-width: 1500px; padding: 16px 24px 40px; color: #1d1d1f; background: #ffffff; }
h1 { font-size: 1.5em; margin: 0.2em 0; } h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; }
code, .sbs, pre {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
code { background: #f1f1f4; padding: 0 3px; border-radius: 3px; font-size: 0.92em; }
.sub { color: #555; margin: 0 0 0.8em; }
nav a { margin-right: 0.8em; }
.differs { background: #f6f8fb; border-left: 4px solid #4a78c2; padding: 6px 16px; }
.differs h2 { margin-top: 0.5em; }
.demo-body { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.demo-code { flex: 1 1 640px; min-width: 0; overflow-x: auto; }
.demo-timelines { flex: 0 0 400px; }
figure { margin: 0 0 10px; } figcaption { font-size: 0.85em; color: #444; }
.failed { color: #a00; font-size: 0.9em; }
table.sbs { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 12.5px;
  line-height: 1.4; background: #fbfbfb; border: 1px solid #ddd; }
table.sbs col.n { width: 3.2em; } table.sbs col.g { width: 1.6em; }
table.sbs td { padding: 0 4px; vertical-align: top; }
table.sbs td.n { color: #999; text-align: right; user-select: none; }
table.sbs td.g { color: #b07800; text-align: center; font-weight: bold; user-select: none; }
table.sbs td.c { white-space: pre-wrap; word-break: break-all; }
table.sbs tr.change td.c.l, table.sbs tr.delete td.c.l { background: #fdecec; }
table.sbs tr.change td.c.r, table.sbs tr.insert td.c.r { background: #e8f7ea; }
table.sbs td.c.none {
  background: repeating-linear-gradient(135deg, #f3f3f3 0 4px, #fafafa 4px 8px); }
table.sbs td.c.l span.dw { background: #f6b9b9; border-radius: 2px; }
table.sbs td.c.r span.dw { background: #a9e5b1; border-radius: 2px; }
svg.timeline {
  font: 11px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; background: #fff; }
svg .tl-title { font-weight: bold; fill: #333; } svg .tl-label { fill: #333; }
svg .tl-tick, svg .tl-note { fill: #666; } svg .tl-axis { stroke: #888; }
svg .tl-guide { stroke: #eee; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
"""


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped,unused-ignore]

    rules = HtmlFormatter(style="default").get_style_defs(".hl")
    # Only the token rules; the table keeps its own background.
    return "\n".join(
        line
        for line in rules.splitlines()
        if line.startswith(".hl .") and not line.startswith(".hl .hll")
    )


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{CSS}{_pygments_css()}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


TIMELINES = (
    ("faithful", "asyncio", "faithful version, asyncio"),
    ("port", "asyncio", "port, anyio on asyncio"),
    ("port", "trio", "port, anyio on trio"),
)


def _timelines_html(faithful: Lesson, port: Lesson, demo: str) -> str:
    from common.timeline import build, to_svg

    built: list[tuple[str, Timeline | None, str]] = []
    for flavour, backend, caption in TIMELINES:
        lesson = faithful if flavour == "faithful" else port
        if demo not in lesson.demos:
            continue
        try:
            timeline = build(record_demo(lesson.demos[demo], backend))
        except Exception as exc:
            built.append((caption, None, f"{type(exc).__name__}: {exc}".splitlines()[0]))
            continue
        if on_own_loop(lesson.demos[demo]):
            caption += " (it runs its own loop: lines in order, times not recorded)"
        built.append((caption, timeline, ""))
    end = max([t.end for _, t, _ in built if t is not None] + [0.0])
    parts = []
    for caption, drawn, error in built:
        if drawn is None:
            parts.append(
                f'<figure><p class="failed">could not record: {escape(error)}</p>'
                f"<figcaption>{escape(caption)}</figcaption></figure>"
            )
        else:
            parts.append(
                f"<figure>{to_svg(drawn, end=end)}<figcaption>{escape(caption)}"
                f"</figcaption></figure>"
            )
    return "\n".join(parts)


def lesson_title(name: str) -> str:
    doc = module_docstring(FAITHFUL, name)
    return doc.splitlines()[0].strip() if doc.strip() else name


def html_page(name: str, demo: str | None = None) -> str:
    """The standalone page of lesson ``name`` (or of one of its demos)."""
    check_lesson(name)
    faithful, port = lesson_of(FAITHFUL, name), lesson_of(PORT, name)
    names = demo_names(faithful, port)
    if demo is not None:
        if demo not in names:
            raise UsageError(f"unknown demo {demo!r} of {name} (choose from {', '.join(names)})")
        names = [demo]
    title = lesson_title(name)
    body = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="sub">The faithful version <code>{FAITHFUL}/{name}.py</code> (left) and its '
        f"structured-concurrency port <code>{PORT}/{name}.py</code> (right), side by side. "
        f"Run them: <code>python -m {FAITHFUL}.{name}</code>, "
        f"<code>python -m {PORT}.{name} --backend trio</code>.</p>",
        "<nav>Demos: "
        + " ".join(f'<a href="#demo-{escape(n)}">{escape(n)}</a>' for n in names)
        + (' <a href="#files">whole files</a>' if demo is None else "")
        + "</nav></header>",
    ]
    items = differs_items(module_docstring(PORT, name))
    if items:
        body.append('<section class="differs"><h2>Differs from the asyncio version</h2><ul>')
        body += [f"<li>{_inline(item)}</li>" for item in items]
        body.append("</ul></section>")
    for n in names:
        d = port.demos.get(n) or faithful.demos[n]
        extra = " <small>(port only)</small>" if d.port_only else ""
        body.append(f'<section class="demo" id="demo-{escape(n)}">')
        body.append(f"<h2><code>{escape(n)}</code> — {escape(d.description)}{extra}</h2>")
        body.append('<div class="demo-body"><div class="demo-code">')
        body.append(html_table(demo_excerpt(faithful, n, FAITHFUL), demo_excerpt(port, n, PORT)))
        body.append('</div><div class="demo-timelines">')
        body.append(_timelines_html(faithful, port, n))
        body.append("</div></div></section>")
    if demo is None:
        body.append('<section id="files"><h2>The whole files, side by side</h2>')
        body.append(
            html_table(Excerpt(read_source(FAITHFUL, name)), Excerpt(read_source(PORT, name)))
        )
        body.append("</section>")
    body.append(
        "<footer>Made by <code>python -m common.sidebyside</code>. Rows: <b>|</b> changed, "
        "<b>&lt;</b> only in the faithful version, <b>&gt;</b> only in the port. Timelines are "
        "recorded on virtual time: one row per activity read from what the demo printed "
        "(see <code>common/timeline.py</code>); bars run from the line that starts an "
        "activity to the one that ends it, diamonds are single lines.</footer>"
    )
    return _page(f"{name}: faithful asyncio ⇄ anyio port", "\n".join(body))


def index_page(names: list[str]) -> str:
    items = "\n".join(
        f'<li><a href="{escape(n)}.html">{escape(lesson_title(n))}</a></li>' for n in names
    )
    body = (
        "<header><h1>asyncio ⇄ anyio: the lessons side by side</h1>"
        '<p class="sub">Each page shows a lesson\'s faithful asyncio version next to its '
        "structured-concurrency port, with the timelines of every demo.</p></header>"
        f"<ul>{items}</ul>"
    )
    return _page("asyncio ⇄ anyio lessons", body)


def check_target(path: Path) -> None:
    """The plain reasons ``path`` cannot be written, said before any work."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder")
    folder = path.parent if str(path.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"cannot write {path}: {os.strerror(errno.ENOTDIR)}")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder
    and a rename: readers see the old file or the new one, never half of it."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        os.unlink(tmp)
        raise


def write_all(out: Path) -> list[Path]:
    """Every page and the index into ``out``: all of them, or none.

    If a page cannot be written (or Ctrl-C comes), the pages already written
    are put back as they were, and the folders made for them are removed."""
    created = [folder for folder in (out, *out.parents) if not folder.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror or exc}") from None
    before: dict[Path, bytes | None] = {}
    try:
        names = lesson_names()
        paths = [out / f"{name}.html" for name in names] + [out / "index.html"]
        for path in paths:
            check_target(path)
        pages = dict(zip(paths, [*map(html_page, names), index_page(names)], strict=True))
        for path, page in pages.items():
            before[path] = path.read_bytes() if path.is_file() else None
            write_atomic(path, page)
    except BaseException:
        for path, old in before.items():
            with contextlib.suppress(OSError):
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(old)
        for folder in created:  # innermost first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return list(pages)


# --------------------------------------------------------------------------
# Command line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m common.sidebyside",
        description="A lesson's faithful asyncio version and its anyio port, side by side.",
        epilog="Exit codes: 0 done, 2 usage error or output that cannot be written,"
        " 130 interrupted (Ctrl-C).",
    )
    parser.add_argument("lesson", nargs="?", help="the lesson, e.g. w8s8")
    parser.add_argument("--demo", metavar="NAME", help="show only this demo's function")
    parser.add_argument(
        "--width", type=int, metavar="N", help="terminal columns (default: the terminal's)"
    )
    parser.add_argument("--html", metavar="FILE", help="write a standalone HTML page instead")
    parser.add_argument("--all", action="store_true", help="every lesson (with --out)")
    parser.add_argument(
        "--out", metavar="DIR", help="with --all: folder for the pages and index.html"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.all:
            if args.lesson or args.demo or args.html:
                parser.error("--all takes no lesson, --demo or --html (use --out DIR)")
            if not args.out:
                parser.error("--all needs --out DIR")
            for path in write_all(Path(args.out)):
                print(path)
            return EXIT_OK
        if args.out:
            parser.error("--out goes with --all (for one lesson: --html FILE)")
        if not args.lesson:
            parser.error("which lesson? e.g. python -m common.sidebyside w8s2")
        if args.width is not None and args.width < 40:
            parser.error(f"--width must be at least 40, not {args.width}")
        if args.html:
            check_target(Path(args.html))
            page = html_page(args.lesson, args.demo)
            write_atomic(Path(args.html), page)
            print(args.html)
            return EXIT_OK
        print_terminal(args.lesson, args.demo, width=args.width)
        return EXIT_OK
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # pages are written whole or not at all (see write_atomic, write_all)
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        # the terminal view could not be written (``> /dev/full``)
        _silence_stdout()
        print(
            f"{parser.prog}: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr
        )
        return EXIT_USAGE


def _silence_stdout() -> None:
    """What is left of stdout goes nowhere: the interpreter's last flush at
    exit must not fail again, with a traceback of its own."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())

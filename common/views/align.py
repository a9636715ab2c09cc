"""Two versions of a file, aligned: which line faces which, and what changed.

``difflib`` aligns the two sides; inside a block of changed lines, the most
similar lines are paired (a longest common subsequence on similar lines), so
that ``await asyncio.sleep(1)`` faces ``await anyio.sleep(1)`` rather than
whatever line happens to come first.  Inside two paired lines, the words
that differ are found the same way, word by word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher


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


def _code(line: str) -> str:
    """A line's code only: a trailing comment such as a ``noqa`` would make
    unrelated lines look alike."""
    return _TRAILING_COMMENT.sub("", line).strip()


def _similarities(a: Sequence[str], b: Sequence[str]) -> list[list[float]]:
    """How alike each line of ``a`` is to each line of ``b`` (difflib's ratio
    of their code), where that reaches :data:`_SIMILAR`; 0 where it does not:
    below it, how much below makes no difference to the pairing.  Upper bounds
    rule most pairs out before difflib's full comparison: difflib's quick
    ones, then the longest common subsequence (difflib's matching blocks are
    a common subsequence, so its ratio is at most twice that length over both
    lengths), which rules out nine pairs in ten of those left."""
    codes_a, codes_b = [_code(line) for line in a], [_code(line) for line in b]
    sim = [[0.0] * len(b) for _ in a]
    matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    for j, code_b in enumerate(codes_b):
        matcher.set_seq2(code_b)  # difflib keeps what it learnt of the second one
        masks = _char_masks(code_b)
        for i, code_a in enumerate(codes_a):
            matcher.set_seq1(code_a)
            if (
                matcher.real_quick_ratio() >= _SIMILAR
                and matcher.quick_ratio() >= _SIMILAR
                and 2 * _lcs_length(code_a, masks, len(code_b))
                >= _SIMILAR * (len(code_a) + len(code_b))
            ):
                sim[i][j] = _ratio(code_a, code_b)
    return sim


def _char_masks(text: str) -> dict[str, int]:
    """For each character of ``text``, the bits of the places it is at."""
    masks: dict[str, int] = {}
    for place, char in enumerate(text):
        masks[char] = masks.get(char, 0) | 1 << place
    return masks


def _lcs_length(a: str, masks: dict[str, int], m: int) -> int:
    """The length of the longest common subsequence of ``a`` and the text of
    ``masks`` (``m`` characters long), one pass over ``a`` with the bits of
    an integer (Hyyrö's bit-parallel algorithm): a zero bit per character of
    the other text matched so far."""
    full = (1 << m) - 1
    v = full
    for char in a:
        u = v & masks.get(char, 0)
        v = ((v + u) | (v - u)) & full
    return m - v.bit_count()


@functools.lru_cache(maxsize=16384)
def _ratio(a: str, b: str) -> float:
    # Cached: a demo's lines are compared again in the whole files, and a
    # page pairs each version with the two others.
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
    sim = _similarities(a, b)
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

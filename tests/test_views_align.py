"""The upper bound that spares most of difflib's comparisons when lines are
paired (``common.views.align``): the longest common subsequence, computed
with an integer's bits, checked against the textbook table and against
difflib's ratio, which it must never be below.  (How lines are paired is
checked in tests/test_views_terminal.py.)"""

import random
from difflib import SequenceMatcher

import pytest

from common.views.align import _char_masks, _lcs_length

#: characters of code, a few of them outside ASCII (the lessons print French)
ALPHABET = "abc(): =_.'é→"


def lcs_by_table(a, b):
    """The longest common subsequence's length, by the textbook's table."""
    row = [0] * (len(b) + 1)
    for char in a:
        diagonal = 0
        for j, other in enumerate(b, start=1):
            diagonal, row[j] = row[j], diagonal + 1 if char == other else max(row[j], row[j - 1])
    return row[-1]


def random_pairs(count, seed):
    rng = random.Random(seed)
    for _ in range(count):
        yield tuple(
            "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(2)
        )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("", "", 0), ("abc", "", 0), ("", "abc", 0), ("abcbdab", "bdcaba", 4), ("await", "await", 5)],
)
def test_lcs_length_of_known_pairs(a, b, expected):
    assert _lcs_length(a, _char_masks(b), len(b)) == expected == lcs_by_table(a, b)


def test_lcs_length_is_the_tables_on_random_lines():
    for a, b in random_pairs(500, seed=1):
        assert _lcs_length(a, _char_masks(b), len(b)) == lcs_by_table(a, b), (a, b)


def test_the_bound_is_never_below_difflibs_ratio():
    for a, b in random_pairs(500, seed=2):
        if a or b:
            bound = 2 * _lcs_length(a, _char_masks(b), len(b)) / (len(a) + len(b))
            assert bound >= SequenceMatcher(None, a, b, autojunk=False).ratio(), (a, b)

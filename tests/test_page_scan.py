"""The page scanner of the views' tests (tests/page_scan.py): what it reads,
and that it refuses a page whose tags do not balance."""

import re

import pytest

from tests.page_scan import scan

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>td > span { color: red } /* a < b */</style></head>
<body><!-- a <comment> -->
<input type="radio" class="pick p-va" name="pair" checked>
<a href="#demo-x">x</a><a class="link" href="w8s2.html?a=1&amp;b=2">w8s2</a>
<div class="pair p-va"><svg><title>t</title><path d="M0 0"/><rect x="1"/></svg>
<table><tr><td class="n">1</td>
<td class="c l"><span class="k">async</span> x &lt; 1</td></tr></table></div>
<section id="files"><div id="whole" class="pair p-va"><table>
<tr><td class="c l"><span class="n">a</span><span class="o">=</span>&quot;&#233;&quot;</td>
<td class="c r none"></td><td class="c r">b</td></tr></table></div></section>
</body></html>"""


def test_it_reads_what_the_tests_look_at():
    found = scan(PAGE)
    assert found.svgs == 1
    assert found.urls == ["#demo-x", "w8s2.html?a=1&b=2"]
    assert found.inputs == [
        {"type": "radio", "class": "pick p-va", "name": "pair", "checked": None}
    ]
    # a pair's class, wherever it is among the attributes; "files" from the
    # section of the whole files on
    assert found.pairs == ["p-va", "files", "p-va"]
    # the code cells of the whole files only, their text unescaped, the
    # tokens' spans read as their text, the empty side left out
    assert found.cells == [("p-va", "l", 'a="é"'), ("p-va", "r", "b")]


@pytest.mark.parametrize(
    ("page", "says"),
    [
        ("<div><span>x</div></span>", "</div> closes"),
        ("<div><td>x</td>", "left open: ['div']"),
        ("</p>", "</p> closes"),
        ("<p>1 < 2</p>", "a stray '<'"),
        ("<p>x</p> <", "a stray '<'"),
        ("<style>p {}", "<style> is never closed"),
    ],
)
def test_it_refuses_a_page_that_is_not_well_formed(page, says):
    with pytest.raises(AssertionError, match=re.escape(says)):
        scan(page)

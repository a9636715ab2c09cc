"""One pass over a generated page: its tags balance, and what the views'
tests look at (the code cells, the links, the radio buttons, the drawings).

A page is half a megabyte of tags (every token of the code is a ``<span>``):
Python's ``html.parser`` took about 2 s of processor time on the pages of
one build, where this scanner takes about 0.4 s and finds the same.  It
reads what the views write (well-formed HTML: quoted attributes, escaped
text, no script), and refuses what they must not write: a ``<`` that opens
no tag, an end tag that closes another tag than the last one opened, a tag
left open.  It reads attributes only on the tags it looks into, and a tag's
links wherever they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

#: tags that have no end tag (HTML's void elements, and the SVG shapes the
#: timelines draw, which close themselves)
VOID = frozenset({"meta", "col", "br", "img", "link", "input", "hr", "line", "rect", "path"})
#: tags whose content is text up to their end tag
RAW = frozenset({"style", "script"})
#: the attributes that hold a link
LINKS = ("src", "href", "xlink:href", "action")

_TAG = re.compile(
    r"""
      (?P<comment> <!--.*?--> | <![^>]*> )
    | <(?P<end>/?)(?P<name>[A-Za-z][^\s/>]*)
      (?:\s+class="(?P<classes>[^"]*)")?
      (?P<attrs>(?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)
      \s*(?P<close>/?)>
    """,
    re.S | re.X,
)
#: a highlighted token of code: a span with no tag inside, read as its text
#: (balanced by construction; most of a page's tags are these)
_TOKEN_SPAN = re.compile(r'<span(?: class="[^"<>]*")?>([^<]*)</span>')
_ATTR = re.compile(r"""([^\s=/>]+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def attributes(text: str) -> dict[str, str | None]:
    """A tag's attributes (names in lower case, values unescaped; ``None``
    for a name without a value, as ``checked``)."""
    return {
        name.lower(): unescape(double or single or bare) if equals else None
        for name, equals, double, single, bare in _ATTR.findall(text)
    }


@dataclass
class Page:
    """What :func:`scan` found."""

    #: (pair class, side ``l``/``r``, text) of each code cell of the whole
    #: files' tables (after ``<section id="files">``)
    cells: list[tuple[str | None, str, str]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    svgs: int = 0
    #: the attributes of each ``<input>``
    inputs: list[dict[str, str | None]] = field(default_factory=list)
    #: the class of each ``<div class="pair …">``, and ``"files"`` where the
    #: whole files' section starts
    pairs: list[str] = field(default_factory=list)


def scan(page: str) -> Page:
    """Read ``page`` once; an ``AssertionError`` says where it is not well formed."""
    found = Page()
    stack: list[str] = []
    pair: str | None = None
    cell: list | None = None  # [pair, side, text] of the code cell being read
    in_files = False
    position = 0
    page = _TOKEN_SPAN.sub(r"\1", page)
    while (token := _TAG.search(page, position)) is not None:
        # the text before the tag: no "<" in it (each one opens a tag)
        assert page.find("<", position, token.start()) < 0, f"a stray '<' after {position}"
        if cell is not None:
            cell[2] += unescape(page[position : token.start()])
        position = token.end()
        if token["comment"] is not None:
            continue
        name = token["name"].lower()
        if token["end"]:
            if name in VOID:
                continue
            assert stack and stack[-1] == name, f"</{name}> closes <{stack[-1:]}> at {position}"
            stack.pop()
            if name == "td" and cell is not None:
                if in_files:
                    found.cells.append((cell[0], cell[1], cell[2]))
                cell = None
            continue
        text = token["attrs"]
        classes = token["classes"]
        if classes is None and "class" in text:  # not the first attribute
            classes = attributes(text).get("class")
        classes = (classes or "").split()
        found.svgs += name == "svg"
        if "src" in text or "href" in text or "action" in text:
            links = attributes(text)
            found.urls += [links[k] for k in LINKS if links.get(k) is not None]
        if name == "td":
            if "c" in classes and "none" not in classes:
                cell = [pair, "l" if "l" in classes else "r", ""]
        elif name == "div":
            if "pair" in classes:
                pair = classes[1]
                found.pairs.append(pair)
        elif name == "input":
            attrs = attributes(text)
            if token["classes"] is not None:
                attrs = {"class": unescape(token["classes"]), **attrs}
            found.inputs.append(attrs)
        elif name == "section" and attributes(text).get("id") == "files":
            found.pairs.append("files")
            in_files = True
        if name in RAW and not token["close"]:
            end = page.find(f"</{name}>", position)
            assert end >= 0, f"<{name}> is never closed"
            position = end + len(name) + 3
            continue
        if name not in VOID and not token["close"]:
            stack.append(name)
    assert "<" not in page[position:], f"a stray '<' after {position}"
    assert stack == [], f"left open: {stack}"
    return found

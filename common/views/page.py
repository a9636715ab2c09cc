"""The HTML views: a lesson's page, the index, and the fragment Jupyter shows.

A lesson's page shows, for each demo, the code of its versions — the reader
picks the two to compare (the video ⇄ the port, the video ⇄ asyncio today,
asyncio today ⇄ the port, or the three next to each other), with radio
buttons and CSS, no script — next to four timelines recorded on virtual
time (:mod:`common.views.recording`), on one time axis.  The three diffs are
all in the page, made in advance.  A lesson without a modern version yet
shows the two it has.  Demos the video does not show are marked so.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from common.views.html import code_table, diff_table, inline, stylesheet
from common.views.recording import TIMELINES, on_own_loop, record_demo
from common.views.sources import (
    LABELS,
    SOURCES,
    VERSIONS,
    Excerpt,
    Sources,
    check_demo,
    demo_excerpt,
    demo_names,
    docstring_lists,
    in_video,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from common.record import Record
    from common.runner import Demo, Lesson
    from common.views.activities import Timeline

    #: How a page gets a demo's record on a backend (:func:`record_demo`).
    Recorder = Callable[[Demo, str], Record]

#: The choices of the picker: (class, left, right, label); ``None``: all three.
PAIRS = (
    ("p-va", "video", "anyio", "video ⇄ anyio"),
    ("p-vm", "video", "modern", "video ⇄ asyncio today"),
    ("p-ma", "modern", "anyio", "asyncio today ⇄ anyio"),
    ("p-all", None, None, "all three"),
)
NOT_IN_VIDEO = '<span class="tag">not in the video</span>'


def _choices(versions: list[str]) -> list[tuple[str, str | None, str | None, str]]:
    return [
        choice
        for choice in PAIRS
        if (choice[1] is None and len(versions) == 3)
        or (choice[1] in versions and choice[2] in versions)
    ]


def _picker(versions: list[str], prefix: str) -> str:
    """The hidden radio buttons and the bar of their labels (video ⇄ anyio
    chosen at first); nothing when there is only one pair to show."""
    choices = _choices(versions)
    if len(choices) < 2:
        return ""
    inputs, labels = [], []
    for k, (cls, _, _, label) in enumerate(choices):
        checked = " checked" if k == 0 else ""
        inputs.append(
            f'<input type="radio" class="pick {cls}" name="{prefix}pair"'
            f' id="{prefix}{cls}"{checked}>'
        )
        labels.append(f'<label class="{cls}" for="{prefix}{cls}">{escape(label)}</label>')
    return "\n".join(inputs) + '\n<div class="picker">Compare: ' + " ".join(labels) + "</div>"


def _versions_html(excerpts: dict[str, Excerpt], versions: list[str]) -> str:
    """The pairs of versions (and the three side by side), one shown at a time."""
    choices = _choices(versions)
    only = " only" if len(choices) == 1 else ""
    parts = []
    for cls, left, right, _ in choices:
        if left is None or right is None:
            columns = "".join(
                f"<div><h3>{escape(LABELS[v])}</h3>{code_table(excerpts[v])}</div>"
                for v in versions
            )
            parts.append(f'<div class="pair {cls}"><div class="three">{columns}</div></div>')
        else:
            table = diff_table(excerpts[left], excerpts[right], (LABELS[left], LABELS[right]))
            parts.append(f'<div class="pair {cls}{only}">{table}</div>')
    if not choices:  # a lesson with a single version
        parts += [f'<div class="pair only">{code_table(excerpts[v])}</div>' for v in versions]
    return "\n".join(parts)


def timelines_html(
    lessons: dict[str, Lesson | None], demo: str, record: Recorder = record_demo
) -> str:
    """The demo's timelines (the video, modern, the port on asyncio and on
    trio, those that exist), on one time axis; ``record`` records them (a
    test hands the records it shares)."""
    from common.views.activities import build
    from common.views.svg import to_svg

    built: list[tuple[str, Timeline | None, str]] = []
    for version, backend, caption in TIMELINES:
        lesson = lessons.get(version)
        if lesson is None or demo not in lesson.demos:
            continue
        try:
            timeline = build(record(lesson.demos[demo], backend))
        except Exception as exc:
            built.append((caption, None, f"{type(exc).__name__}: {exc}".splitlines()[0]))
            continue
        if on_own_loop(lesson.demos[demo]):
            caption += " (it runs its own loop: lines in order, times not recorded)"
        built.append((caption, timeline, ""))
    end = max([t.end for _, t, _ in built if t is not None] + [0.0])
    parts = []
    for caption, drawn, error in built:
        what = (
            f'<p class="failed">could not record: {escape(error)}</p>'
            if drawn is None
            else to_svg(drawn, end=end)
        )
        parts.append(f"<figure>{what}<figcaption>{escape(caption)}</figcaption></figure>")
    return "\n".join(parts)


def demo_section(
    name: str,
    demo: str,
    lessons: dict[str, Lesson | None],
    sources: Sources = SOURCES,
    record: Recorder = record_demo,
) -> str:
    """One demo: its title, its versions' code, its timelines."""
    versions = [v for v, lesson in lessons.items() if lesson is not None]
    the_demo = next(
        lesson.demos[demo] for lesson in lessons.values() if lesson and demo in lesson.demos
    )
    tag = "" if in_video(list(lessons.values()), demo) else " " + NOT_IN_VIDEO
    excerpts = {v: demo_excerpt(lessons[v], demo, v) for v in versions}
    return "\n".join(
        [
            f'<section class="demo" id="demo-{escape(demo)}">',
            f"<h2><code>{escape(demo)}</code> — {escape(the_demo.description)}{tag}</h2>",
            '<div class="demo-body"><div class="demo-code">',
            _versions_html(excerpts, versions),
            '</div><div class="demo-timelines">',
            timelines_html(lessons, demo, record),
            "</div></div></section>",
        ]
    )


def lesson_view(
    name: str,
    demo: str | None = None,
    *,
    prefix: str = "",
    sources: Sources = SOURCES,
    record: Recorder = record_demo,
) -> str:
    """The ``<div class="lv">`` of lesson ``name`` (or of one of its demos):
    the body of its page, or what Jupyter shows inline."""
    sources.check(name)
    versions = sources.versions(name)
    lessons = {v: sources.lesson(name, v) for v in VERSIONS}
    names = demo_names(list(lessons.values()))
    if demo is not None:
        check_demo(name, demo, list(lessons.values()))
        names = [demo]
    modules = ", ".join(
        f"<code>{escape(sources.display_path(name, v))}</code> ({escape(LABELS[v])})"
        for v in versions
    )
    missing = [v for v in VERSIONS if v not in versions]
    body = [
        '<div class="lv">',
        f"<header><h1>{escape(sources.title(name))}</h1>",
        f'<p class="sub">The versions of lesson {escape(name)}: {modules}.'
        + "".join(f" No {escape(LABELS[v])} version yet." for v in missing)
        + " Run one: "
        + ", ".join(f"<code>python -m {escape(sources.module(name, v))}</code>" for v in versions)
        + ".</p>",
        "<nav>Demos: "
        + " ".join(f'<a href="#demo-{escape(n)}">{escape(n)}</a>' for n in names)
        + (' <a href="#files">whole files</a>' if demo is None else "")
        + "</nav></header>",
        _picker(versions, prefix),
        '<div class="main">',
    ]
    lists = [
        (v, head, items)
        for v in ("modern", "anyio")
        for head, items in docstring_lists(sources.docstring(name, v))
    ]
    if lists:
        body.append('<section class="lists">')
        for version, head, items in lists:
            body.append(f"<h2>{escape(LABELS[version])}: {escape(head)}</h2><ul>")
            body += [f"<li>{inline(item)}</li>" for item in items]
            body.append("</ul>")
        body.append("</section>")
    body += [demo_section(name, n, lessons, sources, record) for n in names]
    if demo is None:
        body.append('<section id="files"><h2>The whole files</h2>')
        body.append(_versions_html({v: sources.whole(name, v) for v in versions}, versions))
        body.append("</section>")
    body.append("</div></div>")
    return "\n".join(body)


FOOTER = (
    "<footer>Made by <code>python -m common.sidebyside</code>. Rows: <b>|</b> changed, "
    "<b>&lt;</b> only on the left, <b>&gt;</b> only on the right. Timelines are "
    "recorded on virtual time: one row per activity read from what the demo printed "
    "(see <code>common/views/activities.py</code>); bars run from the line that starts "
    "an activity to the one that ends it, diamonds are single lines.</footer>"
)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{stylesheet()}</style>\n</head>\n"
        f'<body class="lv-page">\n{body}\n</body>\n</html>\n'
    )


def html_page(
    name: str,
    demo: str | None = None,
    *,
    sources: Sources = SOURCES,
    record: Recorder = record_demo,
) -> str:
    """The standalone page of lesson ``name`` (or of one of its demos);
    ``record`` records its demos (:func:`record_demo`)."""
    view = lesson_view(name, demo, sources=sources, record=record)
    return _page(f"{name}: the video's asyncio, asyncio today, anyio", view + FOOTER)


def index_page(names: list[str], *, sources: Sources = SOURCES) -> str:
    """The index of ``--all``: every lesson, the versions it has."""
    items = []
    for n in names:
        versions = sources.versions(n)
        have = ", ".join(f"<code>{escape(sources.module(n, v))}</code>" for v in versions)
        missing = "" if "modern" in versions else f" (no {escape(LABELS['modern'])} version yet)"
        items.append(
            f'<li><a href="{escape(n)}.html">{escape(sources.title(n))}</a><br>{have}{missing}</li>'
        )
    body = (
        '<div class="lv"><header><h1>asyncio ⇄ anyio: the lessons side by side</h1>'
        '<p class="sub">Each page shows a lesson in three versions — the video\'s asyncio, '
        "asyncio as written today, and the structured-concurrency port with anyio — with "
        "the timelines of every demo.</p></header>"
        f"<ul>{''.join(items)}</ul></div>"
    )
    return _page("asyncio ⇄ anyio lessons", body)

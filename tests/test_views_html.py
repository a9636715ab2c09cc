"""The HTML views: every lesson's page (three versions, four timelines per
demo), the index, the inline view for Jupyter (the pages in a real browser:
tests/test_views_browser.py)."""

import functools
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest

from common.sidebyside import show
from common.views.cli import main
from common.views.page import html_page
from common.views.recording import TIMELINES, record_demo
from common.views.sources import SOURCES, Sources, demo_names, docstring_lists
from tests.harness import ROOT, run_main
from tests.page_scan import scan
from tests.views_fixture.records import page_record

LESSONS = SOURCES.lessons()
WITH_MODERN = Sources(modern="tests.views_fixture.modern")


class Build:
    """``python -m common.sidebyside --all --out FOLDER`` in a process of its
    own, started at once: it runs beside the tests that need none of its pages."""

    def __init__(self, folder):
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-m", "common.sidebyside", "--all", "--out", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.stderr = None

    def pages(self):
        """The folder, once every page is there (the process ended well)."""
        if self.stderr is None:
            _, self.stderr = self.process.communicate(timeout=300)
        assert (self.process.returncode, self.stderr) == (0, ""), self.stderr
        return self.folder

    def stop(self):
        if self.process.poll() is None:  # a test failed before it needed the pages
            self.process.kill()
            self.process.communicate()


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """Every page, built by the command line in a process of its own: a fresh
    interpreter (its own hash seed, no state left by a test), as a user builds
    the site.  Started when a test first asks for it."""
    started = Build(tmp_path_factory.mktemp("site"))
    yield started
    started.stop()


@pytest.fixture(scope="session")
def site(build):
    """The folder of every page (see :func:`build`)."""
    return build.pages()


@functools.cache
def modern_w8s2():
    """w8s2's page with a modern version (the tests' own), made once, of the
    records shared in the session."""
    return html_page("w8s2", sources=WITH_MODERN, record=page_record)


@pytest.fixture
def modern_page():
    return modern_w8s2()


def test_every_page_is_the_same_byte_for_byte_on_every_build(build, tmp_path, capsys):
    # A second build of every page and the index, here (the command line's
    # main()), while the first one runs in a process of its own.  Every page,
    # not one of each kind: what could change from one build to the next is
    # in the timelines, and each page has demos of its own, which would each
    # change in a way of their own (trio's scheduling, a real clock, a warning
    # shown only once, a log record that a host keeps for itself).  Each demo
    # is recorded here once for the session (tests/views_fixture/records.py),
    # apart from the other build, which records them all again.
    def page(name):
        return html_page(name, record=page_record)

    assert main(["--all", "--out", str(tmp_path)], render=page) == 0
    assert capsys.readouterr().err == ""
    first = build.pages()
    names = sorted(p.name for p in first.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    for name in names:
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


def test_a_demo_is_recorded_as_a_script_shows_it():
    # w8s9's boom drops a task that failed: asyncio logs it when the task is
    # collected.  A script shows that on stderr, the traceback of the task
    # alone; so must the page, whatever collects log records (pytest here).
    demo = SOURCES.lesson("w8s9", "video").demos["boom"]
    lines = [line for _, line in record_demo(demo, "asyncio").lines("stderr")]
    assert lines[0] == "Task exception was never retrieved"
    assert lines[-1] == "ZeroDivisionError: division by zero"
    assert not any("During handling" in line or "common/views" in line for line in lines)


def test_demos_recorded_in_two_threads_at_once_are_recorded_as_alone():
    # recording sets process-wide things for its time (the warnings' filters,
    # trio's repeatable scheduling): two threads at once take turns, so each
    # record is the one made alone, and nothing stays set after them
    import trio

    w8s2 = SOURCES.lesson("w8s2", "video").demos["morceaux"]
    w8s8 = SOURCES.lesson("w8s8", "anyio").demos["window"]
    alone = [record_demo(w8s2, "asyncio").text("stderr"), record_demo(w8s8, "trio").lines()]
    assert "never awaited" in alone[0]
    barrier = threading.Barrier(4)

    def record(i):
        barrier.wait(10)
        if i % 2:
            return record_demo(w8s8, "trio").lines()
        return record_demo(w8s2, "asyncio").text("stderr")

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(record, range(4))) == alone * 2
    assert trio._core._run._ALLOW_DETERMINISTIC_SCHEDULING is False


def test_every_lesson_and_the_index(site):
    names = sorted(p.name for p in site.iterdir())
    assert names == sorted([f"{n}.html" for n in LESSONS] + ["index.html"])
    index = (site / "index.html").read_text(encoding="utf-8")
    scan(index)
    for name in LESSONS:
        assert f'href="{name}.html"' in index
        for version in SOURCES.versions(name):
            assert f"<code>{SOURCES.module(name, version)}</code>" in index
        if "modern" not in SOURCES.versions(name):
            assert index.count("(no asyncio today version yet)") >= 1


def expected_svgs(name, sources, demos=None):
    """Four timelines per demo, those whose version has the demo."""
    lessons = {v: sources.lesson(name, v) for v in ("video", "modern", "anyio")}
    demos = demos or demo_names(list(lessons.values()))
    return sum(
        1
        for demo in demos
        for version, _, _ in TIMELINES
        if lessons[version] is not None and demo in lessons[version].demos
    )


@pytest.mark.parametrize("name", LESSONS)
def test_page_content(site, name):
    page = (site / f"{name}.html").read_text(encoding="utf-8")
    found = scan(page)
    # standalone: nothing to fetch, no script
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert all(
        url.startswith("#") or (url.endswith(".html") and "/" not in url) for url in found.urls
    )
    # the port's "Differs" list, item by item
    lists = docstring_lists(SOURCES.docstring(name, "anyio"))
    assert lists and lists[0][0] == "Differs from the asyncio version"
    assert page.count("<li>") >= sum(len(items) for _, items in lists)
    versions = SOURCES.versions(name)
    demos = demo_names([SOURCES.lesson(name, v) for v in ("video", "modern", "anyio")])
    pairs_per_demo = 4 if len(versions) == 3 else 1
    assert len([p for p in found.pairs if p != "files"]) == pairs_per_demo * (len(demos) + 1)
    # the whole files, every line of both, in order (the video ⇄ anyio pair)
    for side, version in (("l", "video"), ("r", "anyio")):
        cells = [text for pair, s, text in found.cells if pair == "p-va" and s == side]
        assert cells == SOURCES.lines(name, version)
    assert found.svgs == expected_svgs(name, SOURCES)
    assert "could not record" not in page


def test_a_page_with_three_versions(modern_page):
    found = scan(modern_page)
    # the picker: one radio button per choice, the video ⇄ the port first
    assert [(i["class"], "checked" in i) for i in found.inputs] == [
        ("pick p-va", True),
        ("pick p-vm", False),
        ("pick p-ma", False),
        ("pick p-all", False),
    ]
    assert len({i["name"] for i in found.inputs}) == 1
    # each demo and the whole files: the three pairs and the three together
    demos = ["morceaux", "gather", "famine", "later"]
    assert [p for p in found.pairs if p != "files"] == ["p-va", "p-vm", "p-ma", "p-all"] * 5
    for side, version in (("l", "modern"), ("r", "anyio")):
        cells = [text for pair, s, text in found.cells if pair == "p-ma" and s == side]
        assert cells == WITH_MODERN.lines("w8s2", version)
    # four timelines for each demo of the video, one for the modern-only demo
    assert found.svgs == expected_svgs("w8s2", WITH_MODERN, demos) == 4 * 3 + 1
    # the modern version's lists, under its name
    assert "asyncio today: What anyio adds</h2>" in modern_page
    assert "<li>the same code on trio.</li>" in modern_page


def test_demos_not_in_the_video_are_marked(modern_page):
    sections = modern_page.split('<section class="demo"')[1:]
    marked = [s.split('"')[1] for s in sections if "not in the video" in s.split("</h2>")[0]]
    assert marked == ["demo-later"]


def test_timelines_in_the_page(modern_page):
    # famine on every version: run1 0 → 1.5 s, run2 0 → 2.5 s (w8s2's docstring)
    famine = modern_page.split('id="demo-famine"')[1].split("</section>")[0]
    assert famine.count("run1: 0s → 1.5s") == 4 and famine.count("run2: 0s → 2.5s") == 4
    captions = [unescape(c.split("</figcaption>")[0]) for c in famine.split("<figcaption>")[1:]]
    assert captions == [caption for _, _, caption in TIMELINES]


def test_page_of_one_demo(tmp_path):
    target = tmp_path / ("g" * 245 + ".html")  # a long name: the temporary one is short
    ran = run_main("common.sidebyside", "w8s2", "--demo", "gather", "--html", str(target))
    assert ran.returncode == 0, ran.stderr
    page = target.read_text(encoding="utf-8")
    assert page.count("<svg") == expected_svgs("w8s2", SOURCES, ["gather"])
    assert 'id="demo-gather"' in page and 'id="demo-famine"' not in page
    assert os.listdir(tmp_path) == [target.name]


def test_show_inline_for_jupyter():
    view = show("w8s2", demo="famine", sources=WITH_MODERN)
    html = view._repr_html_()
    assert html is view._repr_html_()  # made once
    assert html.startswith("<style>") and "<script" not in html and "url(" not in html
    found = scan(html)
    assert found.svgs == 4 and 'id="demo-famine"' in html
    # every rule of the stylesheet applies inside the view only
    rules = re.sub(r"/\*.*?\*/", "", html.split("<style>")[1].split("</style>")[0], flags=re.S)
    selectors = [r.split("{")[0] for r in rules.split("}") if "{" in r]
    for selector in selectors:
        for part in selector.split(","):
            assert part.split()[0] in (".lv", "body.lv-page"), part
    # a second view has radio buttons of its own
    other = scan(show("w8s2", sources=WITH_MODERN)._repr_html_())
    assert {i["name"] for i in found.inputs}.isdisjoint(i["name"] for i in other.inputs)


def test_show_names_a_bad_lesson_or_demo():
    from common.views.sources import UsageError

    with pytest.raises(UsageError, match="unknown lesson 'w8s0'"):
        show("w8s0")
    with pytest.raises(UsageError, match="unknown demo 'nope' of w8s2"):
        show("w8s2", demo="nope")

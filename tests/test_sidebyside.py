"""The side-by-side views: terminal and HTML, every lesson, checked in a browser."""

import fcntl
import hashlib
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from common import sidebyside
from common.sidebyside import (
    CONTINUED,
    FAITHFUL,
    PORT,
    Excerpt,
    align,
    code_width,
    demo_excerpt,
    differs_items,
    html_page,
    lesson_of,
    read_source,
    write_atomic,
)
from tests.harness import ROOT

LESSONS = sidebyside.lesson_names()


def run(*args, set=None):
    """``python -m common.sidebyside args…``, piped, with only the colour
    variables of ``set`` (none of the caller's)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS")}
    env.update({"PYTHONPATH": str(ROOT)}, **(set or {}))
    return subprocess.run(
        [sys.executable, "-m", "common.sidebyside", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_lessons_are_discovered():
    assert "w8s2" in LESSONS
    assert (
        sorted(LESSONS, key=lambda n: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", n)])
        == LESSONS
    )


# -- alignment -------------------------------------------------------------------


def check_alignment(left, right):
    rows = align(left, right)
    assert [r.left for r in rows if r.left is not None] == list(range(len(left)))
    assert [r.right for r in rows if r.right is not None] == list(range(len(right)))
    for row in rows:
        if row.tag == "equal":
            assert left[row.left] == right[row.right]
        if row.left is not None and row.right is not None and row.tag != "equal":
            assert row.tag == "change"
    return rows


@pytest.mark.parametrize("name", LESSONS)
def test_alignment_keeps_every_line_in_order(name):
    left, right = read_source(FAITHFUL, name), read_source(PORT, name)
    rows = check_alignment(left, right)
    # the twins diff cleanly: most lines face their twin unchanged
    assert sum(r.tag == "equal" for r in rows) > min(len(left), len(right)) / 3


def test_alignment_pairs_similar_lines():
    left = ["a = 1", "loop = asyncio.get_event_loop()", "", "await asyncio.sleep(1)", "z"]
    right = ["a = 1", "await anyio.sleep(1)", "z"]
    rows = check_alignment(left, right)
    # the sleeps face each other, the loop line faces nothing
    assert any(r.left == 3 and r.right == 1 for r in rows)
    assert [r.tag for r in rows] == ["equal", "delete", "delete", "change", "equal"]


# -- terminal --------------------------------------------------------------------


def terminal(name, demo=None, width=80):
    out = io.StringIO()
    console = Console(file=out, width=width)  # not a terminal: plain, as piped
    sidebyside.print_terminal(name, demo, width=width, console=console)
    return out.getvalue()


def columns_of(text, left, right, width):
    """Rebuild each side's lines from the screen: a row with a line number
    starts a line, a row with ``↪`` continues it."""
    last = max(left.first + len(left.lines), right.first + len(right.lines))
    num = len(str(last))
    code_w = code_width(width, num)
    sides = ([], [])
    lines = text.splitlines()
    rule = next(k for k, line in enumerate(lines) if line.startswith("───"))
    for line in lines[rule + 1 :]:
        line = line.ljust(2 * (num + 1 + code_w) + 3)
        for k, start in enumerate((0, num + 1 + code_w + 3)):
            number = line[start : start + num].strip()
            code = line[start + num + 1 : start + num + 1 + code_w]
            if number == CONTINUED:
                sides[k][-1][1] += code
            elif number:
                sides[k].append([int(number), code])
    return [[(n, code.rstrip()) for n, code in side] for side in sides]


def expected(excerpt):
    return [(excerpt.first + i, line.rstrip()) for i, line in enumerate(excerpt.lines)]


@pytest.mark.parametrize("width", [60, 160])
@pytest.mark.parametrize("name", LESSONS)
def test_terminal_whole_files(name, width):
    text = terminal(name, width=width)
    assert "\x1b[" not in text
    assert all(len(line) <= width for line in text.splitlines())
    left, right = Excerpt(read_source(FAITHFUL, name)), Excerpt(read_source(PORT, name))
    got_left, got_right = columns_of(text, left, right, width)
    assert got_left == expected(left)
    assert got_right == expected(right)
    assert text.splitlines()[0].startswith(f"{FAITHFUL}/{name}.py")


def lesson_demos():
    params = []
    for name in LESSONS:
        faithful, port = lesson_of(FAITHFUL, name), lesson_of(PORT, name)
        for demo in sidebyside.demo_names(faithful, port):
            params.append(pytest.param(name, demo, id=f"{name}-{demo}"))
    return params


@pytest.mark.parametrize(("name", "demo"), lesson_demos())
def test_terminal_one_demo(name, demo):
    width = 100
    text = terminal(name, demo, width=width)
    left = demo_excerpt(lesson_of(FAITHFUL, name), demo, FAITHFUL)
    right = demo_excerpt(lesson_of(PORT, name), demo, PORT)
    assert left.lines or right.lines
    got_left, got_right = columns_of(text, left, right, width)
    assert got_left == expected(left)
    assert got_right == expected(right)
    # the demo's function, with its decorator, from the file itself
    for excerpt, package in ((left, FAITHFUL), (right, PORT)):
        if excerpt.lines:
            source = read_source(package, name)
            assert (
                source[excerpt.first - 1 : excerpt.first - 1 + len(excerpt.lines)] == excerpt.lines
            )
            assert excerpt.lines[0].lstrip().startswith("@lesson.demo")


def test_terminal_demo_of_w8s2_gather():
    text = terminal("w8s2", "gather", width=120)
    assert "def gather():" in text and "async def gather():" in text
    assert "def demo_famine" not in text and "import" not in text


def test_cli_piped_is_plain_and_fits():
    result = run("w8s2", "--demo", "famine")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert max(map(len, result.stdout.splitlines())) <= 80  # rich's width when piped
    assert "async def demo_famine():" in result.stdout


def test_cli_colour_on_a_terminal():
    result = run("w8s2", "--width", "120", set={"FORCE_COLOR": "1"})
    assert result.returncode == 0
    assert "\x1b[" in result.stdout
    no_color = run("w8s2", "--width", "120", set={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stdout


def test_cli_reader_leaving_early_is_no_error():
    # python -m common.sidebyside w8s8 | head -1, through a pipe smaller than
    # the output, so that the view is still writing when the reader leaves
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    view = subprocess.Popen(
        [sys.executable, "-m", "common.sidebyside", LESSONS[-1]],
        stdout=write_end,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline()
    assert view.wait(timeout=60) == 0
    assert view.stderr.read() == b""
    view.stderr.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["w8s0"], "unknown lesson 'w8s0'"),
        (["w8s2", "--demo", "nope"], "unknown demo 'nope'"),
        (["w8s2", "--bogus"], "unrecognized arguments"),
        (["w8s2", "--width", "ten"], "invalid int value"),
        (["w8s2", "--width", "10"], "--width must be at least 40"),
        ([], "which lesson?"),
        (["--all"], "--all needs --out DIR"),
        (["w8s2", "--out", "x"], "--out goes with --all"),
        (
            ["w8s2", "--html", "/nonexistent/folder/w8s2.html"],
            "cannot write /nonexistent/folder/w8s2.html",
        ),
        (["w8s2", "--html", "/"], "cannot write /"),
    ],
)
def test_cli_errors(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_all_out_is_a_file(tmp_path):
    (tmp_path / "site").write_text("not a folder")
    result = run("--all", "--out", str(tmp_path / "site"))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "cannot create" in result.stderr


# -- writing ---------------------------------------------------------------------


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["page.html"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # a normal file, not mkstemp's


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sidebyside.os, "replace", fail)
    with pytest.raises(sidebyside.UsageError, match="No space left"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["page.html"]


# -- HTML --------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Checks that tags balance; collects the code cells, links and sources."""

    VOID = frozenset({"meta", "col", "br", "img", "link", "input", "hr", "line", "rect", "path"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.cells = []  # (table index, side, text)
        self.tables = 0
        self.urls = []
        self.svgs = 0
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href", "xlink:href", "action", "data"):
            if key in attrs:
                self.urls.append(attrs[key])
        if tag == "svg":
            self.svgs += 1
        if tag == "table":
            self.tables += 1
        if tag == "td" and "c" in (attrs.get("class") or "").split():
            side = "l" if " l" in f" {attrs['class']}" else "r"
            self._cell = [self.tables, side, "", "none" in attrs["class"]]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        for key in ("src", "href"):
            if key in dict(attrs):
                self.urls.append(dict(attrs)[key])

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()
        if tag == "td" and self._cell is not None:
            if not self._cell[3]:
                self.cells.append(tuple(self._cell[:3]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Every page, built twice by the command line, in two folders."""
    out = []
    for k in range(2):
        folder = tmp_path_factory.mktemp(f"site{k}")
        result = run("--all", "--out", str(folder))
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        out.append(folder)
    return out


def test_pages_are_the_same_byte_for_byte(site):
    first, second = site
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted([f"{n}.html" for n in LESSONS] + ["index.html"])
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest(), name
    index = (first / "index.html").read_text(encoding="utf-8")
    assert [f'href="{n}.html"' in index for n in LESSONS] == [True] * len(LESSONS)


@pytest.mark.parametrize("name", LESSONS)
def test_page_content(site, name):
    page = (site[0] / f"{name}.html").read_text(encoding="utf-8")
    parser = PageParser()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    # standalone: nothing to fetch, no script
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert all(
        url.startswith("#") or (url.endswith(".html") and "/" not in url) for url in parser.urls
    )
    # (the code itself may show URLs, as w8s4's does: only links count)
    # the port's "Differs" list
    items = differs_items(sidebyside.module_docstring(PORT, name))
    assert items, f"{name}: the port's docstring ends with a Differs list"
    assert page.count("<li>") >= len(items)
    # one table per demo, then the whole files; every line of both, in order
    faithful, port = lesson_of(FAITHFUL, name), lesson_of(PORT, name)
    demos = sidebyside.demo_names(faithful, port)
    assert parser.tables == len(demos) + 1
    whole = parser.tables
    for side, package in (("l", FAITHFUL), ("r", PORT)):
        cells = [text for table, s, text in parser.cells if table == whole and s == side]
        assert cells == read_source(package, name)
    # the timelines: faithful, port on asyncio, port on trio, for each demo
    expected_svgs = sum((d in faithful.demos) + 2 * (d in port.demos) for d in demos)
    assert parser.svgs == expected_svgs
    assert "could not record" not in page


def test_page_of_one_demo(tmp_path):
    target = tmp_path / "gather.html"
    result = run("w8s2", "--demo", "gather", "--html", str(target))
    assert result.returncode == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and 'id="demo-gather"' in page and 'id="demo-famine"' not in page


def test_famine_timelines_in_the_page():
    page = html_page("w8s2", "famine")
    # the faithful famine on asyncio: run1 0 → 1.5 s, run2 0 → 2.5 s
    assert "run1: 0s → 1.5s" in page and "run2: 0s → 2.5s" in page


# -- in a real browser -------------------------------------------------------------

BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # the network is off: no name resolves
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(
                "chromium is missing in CI: .ci/run must install it (apt-get install -y chromium)"
            )
        pytest.skip(
            "chromium is not installed (apt-get install -y chromium);"
            " CI installs it and runs this test"
        )
    return path


def png_colours(path, max_rows=700):
    """Distinct pixel colours of the first rows of a PNG (8-bit RGB/RGBA, not
    interlaced: what Chromium writes), decoded with zlib and PNG's filters."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    bpp = 4 if colour_type == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(min(height, max_rows)):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp))
        prev = line
    return (width, height), colours


def page_requests(netlog):
    """URLs the page itself asked for (Chromium's own services have no initiator)."""
    import json

    try:
        events = json.loads(Path(netlog).read_text())["events"]
    except ValueError:  # a log cut short: read what is there
        text = Path(netlog).read_text()
        events = json.loads(text[: text.rfind("},") + 1] + "]}")["events"]
    urls = set()
    for event in events:
        params = event.get("params") or {}
        if "url" in params and params.get("initiator", "not an origin") != "not an origin":
            urls.add(params["url"])
    return urls


def test_page_in_headless_chromium(site, tmp_path):
    browser = chromium()
    page = site[0] / "w8s2.html"
    shot, netlog = tmp_path / "shot.png", tmp_path / "net.json"
    result = subprocess.run(
        [
            browser,
            *BROWSER_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--log-net-log={netlog}",
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.exists(), result.stderr[-2000:]
    # the page rendered: text, code colours, timelines (not one flat colour)
    size, colours = png_colours(shot)
    assert size == (1280, 2000)
    assert len(colours) > 200, len(colours)
    # no console message at all: the page has no script, a message is an error
    console = [
        line for line in result.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line
    ]
    assert console == []
    # with the network off, the page asked for nothing but itself
    assert page_requests(netlog) <= {page.as_uri()}
    # the DOM as the browser built it
    dom = subprocess.run(
        [
            browser,
            *BROWSER_FLAGS,
            f"--user-data-dir={tmp_path / 'profile2'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert dom.count("<svg") == html_page_svgs("w8s2")
    assert "Differs from the asyncio version" in dom


def html_page_svgs(name):
    faithful, port = lesson_of(FAITHFUL, name), lesson_of(PORT, name)
    demos = sidebyside.demo_names(faithful, port)
    return sum((d in faithful.demos) + 2 * (d in port.demos) for d in demos)


def test_network_check_would_see_a_request(tmp_path):
    # the check above can fail: a page that loads an image is caught
    browser = chromium()
    page = tmp_path / "bad.html"
    page.write_text('<p>x</p><img src="https://example.invalid/x.png">')
    netlog = tmp_path / "net.json"
    subprocess.run(
        [
            browser,
            *BROWSER_FLAGS,
            f"--user-data-dir={tmp_path / 'p'}",
            f"--log-net-log={netlog}",
            f"--screenshot={tmp_path / 's.png'}",
            "--window-size=400,300",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert "https://example.invalid/x.png" in page_requests(netlog)

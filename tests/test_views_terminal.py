"""The terminal view: two versions of a lesson aligned, every line of both in
order, at any width, in any output encoding."""

import fcntl
import io
import os
import subprocess
import sys

import pytest
from rich.console import Console

from common.views.align import CONTINUED, Row, align
from common.views.sources import SOURCES, Excerpt, Sources, demo_excerpt, demo_names
from common.views.terminal import code_width, print_terminal
from tests.harness import ROOT, run_main

LESSONS = SOURCES.lessons()
#: the views pointed at a small modern version of w8s2 (tests/views_fixture)
WITH_MODERN = Sources(modern="tests.views_fixture.modern")


def run(*args, set=None, encoding="utf-8"):
    """``python -m common.sidebyside args…``, run in this process, piped (its
    output a stream that takes only ``encoding``), with only the colour
    variables of ``set`` (none of the caller's)."""
    unset = dict.fromkeys(("FORCE_COLOR", "NO_COLOR", "COLUMNS"))
    return run_main("common.sidebyside", *args, env={**unset, **(set or {})}, encoding=encoding)


def test_lessons_are_discovered_in_the_course_order():
    assert LESSONS[0] == "w8s2" and "w8s8" in LESSONS
    assert SOURCES.versions("w8s2") in (["video", "anyio"], ["video", "modern", "anyio"])
    # a variant sorts after its lesson, w8s10 after w8s9
    names = ["w8s10", "w8s4_limits", "w8s9", "w8s4"]
    from common.views.sources import natural

    assert sorted(names, key=natural) == ["w8s4", "w8s4_limits", "w8s9", "w8s10"]
    assert WITH_MODERN.versions("w8s2") == ["video", "modern", "anyio"]
    assert WITH_MODERN.versions("w8s8") == ["video", "anyio"]


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


def twins_left_apart(rows, left, right):
    """Equal lines that face nothing (or a changed line) between the same two
    unchanged rows, where they could have faced each other."""
    apart, gap_left, gap_right = [], set(), set()
    for row in [*rows, None]:
        if row is None or row.tag == "equal":
            apart += sorted(gap_left & gap_right)
            gap_left, gap_right = set(), set()
            continue
        if row.left is not None:
            gap_left.add(left[row.left])
        if row.right is not None:
            gap_right.add(right[row.right])
    return apart


def test_twins_left_apart_are_seen():
    rows = align(["a", "x", "b"], ["a", "b", "x"])
    assert twins_left_apart(rows, ["a", "x", "b"], ["a", "b", "x"]) == []
    # "x" faces nothing on both sides, between the same unchanged rows
    rows = [Row(0, 0, "equal"), Row(1, None, "delete"), Row(None, 1, "insert")]
    assert twins_left_apart(rows, ["a", "x"], ["a", "x"]) == ["x"]


@pytest.mark.parametrize("name", LESSONS)
def test_alignment_keeps_every_line_in_order(name):
    left, right = SOURCES.lines(name, "video"), SOURCES.lines(name, "anyio")
    # every line of each side, once, in order; equal lines face each other
    rows = check_alignment(left, right)
    # and the twins diff cleanly: no line is kept from its unchanged twin where
    # the two could face each other (between the same two unchanged rows)
    assert twins_left_apart(rows, left, right) == []


def test_alignment_pairs_similar_lines():
    left = ["a = 1", "loop = asyncio.get_event_loop()", "", "await asyncio.sleep(1)", "z"]
    right = ["a = 1", "await anyio.sleep(1)", "z"]
    rows = check_alignment(left, right)
    # the sleeps face each other, the loop line faces nothing
    assert any(r.left == 3 and r.right == 1 for r in rows)
    assert [r.tag for r in rows] == ["equal", "delete", "delete", "change", "equal"]


# -- the view --------------------------------------------------------------------


def terminal(name, demo=None, width=80, sources=SOURCES, **sides):
    out = io.StringIO()
    console = Console(file=out, width=width)  # not a terminal: plain, as piped
    print_terminal(name, demo, width=width, console=console, sources=sources, **sides)
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
    left, right = SOURCES.whole(name, "video"), SOURCES.whole(name, "anyio")
    assert columns_of(text, left, right, width) == [expected(left), expected(right)]
    header = text.splitlines()[0]
    assert header.startswith("video: lessons_asyncio/") and "│ anyio: lessons_anyio/" in header


def lesson_demos():
    params = []
    for name in LESSONS:
        lessons = [SOURCES.lesson(name, v) for v in ("video", "anyio")]
        for demo in demo_names(lessons):
            params.append(pytest.param(name, demo, id=f"{name}-{demo}"))
    return params


@pytest.mark.parametrize(("name", "demo"), lesson_demos())
def test_terminal_one_demo(name, demo):
    width = 100
    text = terminal(name, demo, width=width)
    left = demo_excerpt(SOURCES.lesson(name, "video"), demo, "video")
    right = demo_excerpt(SOURCES.lesson(name, "anyio"), demo, "anyio")
    assert left.lines or right.lines
    assert columns_of(text, left, right, width) == [expected(left), expected(right)]
    # the demo's function, with its decorator, from the file itself
    for excerpt, version in ((left, "video"), (right, "anyio")):
        if excerpt.lines:
            source = SOURCES.lines(name, version)
            assert (
                source[excerpt.first - 1 : excerpt.first - 1 + len(excerpt.lines)] == excerpt.lines
            )
            assert excerpt.lines[0].lstrip().startswith("@lesson.demo")


@pytest.mark.parametrize(("left", "right"), [("video", "modern"), ("modern", "anyio")])
def test_terminal_any_two_of_three(left, right):
    text = terminal("w8s2", "gather", width=120, sources=WITH_MODERN, left=left, right=right)
    lhs = demo_excerpt(WITH_MODERN.lesson("w8s2", left), "gather", left)
    rhs = demo_excerpt(WITH_MODERN.lesson("w8s2", right), "gather", right)
    assert columns_of(text, lhs, rhs, 120) == [expected(lhs), expected(rhs)]
    header = text.splitlines()[0]
    assert header.startswith(f"{left}: ") and f"│ {right}: " in header
    assert "modern: tests/views_fixture/modern/w8s2.py: gather" in header


def test_terminal_a_demo_one_side_does_not_have():
    # the modern fixture's "later" is not in the video: the left says so
    text = terminal("w8s2", "later", sources=WITH_MODERN, left="video", right="modern")
    assert "(the video version has no demo later)" in text
    right = demo_excerpt(WITH_MODERN.lesson("w8s2", "modern"), "later", "modern")
    assert columns_of(text, Excerpt([]), right, 80)[1] == expected(right)


def test_terminal_in_an_ascii_output():
    # (as PYTHONIOENCODING=ascii gives it)
    result = run("w8s2", "--demo", "famine", "--width", "60", encoding="ascii")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.isascii()
    # the same layout: the rule, the gutter, and '?' for what ASCII lacks
    lines = result.stdout.splitlines()
    assert lines[1] == "-" * len(lines[1]) and " | " in lines[0]
    assert 'print(message, "d?but")' not in result.stdout  # famine() itself is not shown
    assert any(line.lstrip().startswith("+ ") for line in lines)  # continuation rows


@pytest.mark.parametrize("columns", ["0", "-1", "abc", "99999999"])
def test_terminal_with_a_senseless_columns(columns):
    result = run("w8s2", "--demo", "gather", set={"COLUMNS": columns})
    assert (result.returncode, result.stderr) == (0, "")
    widths = [len(line) for line in result.stdout.splitlines()]
    assert widths and max(widths) <= 80 and widths[1] >= 70  # the rule, 80 wide less a column


def test_terminal_width_at_its_bounds():
    for width in (40, 1000):
        result = run("w8s2", "--demo", "gather", "--width", str(width))
        assert result.returncode == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= width


def test_cli_colour_on_a_terminal():
    result = run("w8s2", "--width", "120", set={"FORCE_COLOR": "1"})
    assert result.returncode == 0
    assert "\x1b[" in result.stdout
    no_color = run("w8s2", "--width", "120", set={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["w8s0"], "unknown lesson 'w8s0'"),
        (["w8s2", "--demo", "nope"], "unknown demo 'nope'"),
        (["w8s2", "--width", "ten"], "invalid int value"),
        (["w8s2", "--width", "39"], "--width must be between 40 and 1000, not 39"),
        ([], "which lesson?"),
        (["--all"], "--all needs --out DIR"),
        (["w8s2", "--out", "x"], "--out goes with --all"),
    ],
)
def test_cli_errors(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_version_the_lesson_does_not_have_yet(capsys):
    from common.views.cli import main

    no_modern = Sources(modern="tests.views_fixture.nothing_here")
    assert main(["w8s8", "--left", "modern"], sources=no_modern) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "python -m common.sidebyside: error: w8s8 has no modern version yet"
        " (it has: video, anyio)\n"
    )


# -- in a process of its own: what only a real process shows ----------------------


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


def test_cli_stdout_closed():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "common.sidebyside", "w8s2", "--demo", "gather"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        pass_fds=(),
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "python -m common.sidebyside: error: cannot write the output: standard output is closed"
    ]


@pytest.mark.parametrize(
    "args", [("w8s2", "--demo", "gather", "--width", "60"), ("w8s2", "--width", "39")]
)
def test_this_process_gives_what_a_process_of_its_own_gives(args):
    # the tests above run the command line in this process (run_main): what
    # it says there, a process of its own says too, exit code and all
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS")}
    real = subprocess.run(
        [sys.executable, "-m", "common.sidebyside", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    here = run(*args)
    assert (here.returncode, here.stdout, here.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )
    assert real.stdout or real.stderr

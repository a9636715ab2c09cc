"""Bad input on the side-by-side views' command line (``python -m
common.sidebyside``): unknown lessons and demos, pages that cannot be
written, hostile output encodings and numbers; and Ctrl-C while pages are
written.  How a row is run and checked: tests/bad_input.py.

Real processes: the rows marked ``process=True`` (an output on ``/dev/full``,
an output encoding given by ``PYTHONIOENCODING``, ``COLUMNS``); the others run
in the test's process.
"""

import os

import pytest

import common.sidebyside as sidebyside
from tests.bad_input import Bad, check, outcome, params, run_in_processes, snapshot

SIDEBYSIDE = "common.sidebyside"

ROWS = [
    # -- common.sidebyside ---------------------------------------------------
    Bad(
        "sbs-module-for-a-lesson",
        (SIDEBYSIDE, "lessons_anyio.w8s2"),
        2,
        "unknown lesson 'lessons_anyio.w8s2' (choose from w8s2",
    ),
    Bad(
        "sbs-demo-of-another-lesson",
        (SIDEBYSIDE, "w8s2", "--demo", "window"),
        2,
        "unknown demo 'window' of w8s2",
    ),
    Bad("sbs-demo-without-lesson", (SIDEBYSIDE, "--demo", "gather"), 2, "which lesson?"),
    Bad(
        "sbs-html-of-an-unknown-demo",
        (SIDEBYSIDE, "w8s2", "--demo", "nope", "--html", "page.html"),
        2,
        "unknown demo 'nope' of w8s2",
    ),
    Bad(
        "sbs-html-under-a-file",
        (SIDEBYSIDE, "w8s2", "--html", "notes.txt/w8s2.html"),
        2,
        "cannot write notes.txt/w8s2.html: Not a directory",
        files={"notes.txt": "my notes"},
    ),
    Bad(
        "sbs-html-is-a-folder",
        (SIDEBYSIDE, "w8s2", "--html", "site"),
        2,
        "cannot write site: it is a folder",
        files={"site": None, "site/keep.txt": "kept"},
    ),
    # root can write anywhere but there: sysfs makes no files
    Bad(
        "sbs-html-unwritable",
        (SIDEBYSIDE, "w8s2", "--html", "/sys/w8s2.html"),
        2,
        "cannot write /sys/w8s2.html",
    ),
    Bad(
        "sbs-all-with-a-lesson",
        (SIDEBYSIDE, "--all", "w8s2", "--out", "site"),
        2,
        "--all takes no lesson, --demo or --html",
    ),
    Bad(
        "sbs-all-with-html",
        (SIDEBYSIDE, "--all", "--html", "page.html", "--out", "site"),
        2,
        "--all takes no lesson, --demo or --html",
    ),
    Bad("sbs-all-out-empty", (SIDEBYSIDE, "--all", "--out="), 2, "--all needs --out DIR"),
    Bad(
        "sbs-all-out-under-a-file",
        (SIDEBYSIDE, "--all", "--out", "notes.txt/site"),
        2,
        "cannot create notes.txt/site: Not a directory",
        files={"notes.txt": "my notes"},
    ),
    # one page cannot be written: the pages written before it are put back
    Bad(
        "sbs-all-one-page-unwritable",
        (SIDEBYSIDE, "--all", "--out", "site"),
        2,
        "cannot write site/w8s6.html: it is a folder",
        files={"site": None, "site/w8s2.html": "my old page", "site/w8s6.html": None},
    ),
    Bad(
        "sbs-stdout-is-full",
        (SIDEBYSIDE, "w8s2", "--demo", "gather"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
    ),
    # -- common.sidebyside: hostile input ------------------------------------
    # any output encoding: the views write what it can encode, and still fail
    # cleanly when the output takes nothing
    Bad(
        "sbs-ascii-output-is-full",
        (SIDEBYSIDE, "w8s2", "--demo", "famine"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
        env={"PYTHONIOENCODING": "ascii"},
    ),
    Bad(
        "sbs-latin1-output-is-full",
        (SIDEBYSIDE, "w8s8", "--demo", "window", "--left", "anyio", "--right", "video"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
        env={"PYTHONIOENCODING": "latin-1"},
    ),
    Bad(
        "sbs-ascii-unknown-accented-demo",
        (SIDEBYSIDE, "w8s2", "--demo", "début"),
        2,
        "unknown demo 'd\\xe9but' of w8s2",
        env={"PYTHONIOENCODING": "ascii"},
    ),
    # --html writes only regular files: a device, a link, a folder are refused
    Bad(
        "sbs-html-a-device",
        (SIDEBYSIDE, "w8s2", "--html", "/dev/null"),
        2,
        "cannot write /dev/null: it is not a regular file",
    ),
    Bad(
        "sbs-html-a-symlink-to-stdout",
        (SIDEBYSIDE, "w8s2", "--html", "/proc/self/fd/1"),
        2,
        "cannot write /proc/self/fd/1: it is a symbolic link",
    ),
    Bad(
        "sbs-html-dev-stdout",
        (SIDEBYSIDE, "w8s2", "--demo", "gather", "--html", "/dev/stdout"),
        2,
        "cannot write /dev/stdout: it is a symbolic link",
    ),
    # numbers past what makes sense
    Bad(
        "sbs-width-a-billion",
        (SIDEBYSIDE, "w8s2", "--width", "1000000000"),
        2,
        "--width must be between 40 and 1000, not 1000000000",
    ),
    Bad(
        "sbs-width-just-too-wide",
        (SIDEBYSIDE, "w8s8", "--demo", "window", "--width", "1001"),
        2,
        "--width must be between 40 and 1000, not 1001",
    ),
    Bad("sbs-width-negative", (SIDEBYSIDE, "w8s2", "--width=-80"), 2, "--width must be between"),
    # smaller: a folder written as dir/, an empty file name, COLUMNS=0
    Bad(
        "sbs-html-existing-folder-with-slash",
        (SIDEBYSIDE, "w8s2", "--html", "site/"),
        2,
        "cannot write site/: a name ending in / is a folder; give a file name",
        files={"site": None},
    ),
    Bad(
        "sbs-html-new-folder-with-slash",
        (SIDEBYSIDE, "w8s2", "--demo", "gather", "--html", "new/"),
        2,
        "cannot write new/: a name ending in / is a folder",
    ),
    Bad("sbs-html-empty", (SIDEBYSIDE, "w8s2", "--html", ""), 2, "--html needs a file name"),
    # COLUMNS=0 once printed nothing (so a full output went unnoticed)
    Bad(
        "sbs-columns-zero-output-is-full",
        (SIDEBYSIDE, "w8s2", "--demo", "morceaux"),
        2,
        "cannot write the output: No space left on device",
        stdout="full",
        process=True,
        env={"COLUMNS": "0"},
    ),
    Bad(
        "sbs-left-and-right-the-same",
        (SIDEBYSIDE, "w8s2", "--left", "anyio"),
        2,
        "--left and --right are both anyio: choose two versions",
    ),
    Bad("sbs-unknown-version", (SIDEBYSIDE, "w8s2", "--right", "trio"), 2, "invalid choice"),
    Bad(
        "sbs-html-with-a-side",
        (SIDEBYSIDE, "w8s2", "--left", "modern", "--html", "w8s2.html"),
        2,
        "--left and --right choose the terminal view's two versions; a page has all",
    ),
]


@pytest.fixture(scope="module")
def in_processes(tmp_path_factory):
    """This table's rows that need a process of their own, run at once."""
    return run_in_processes(ROWS, tmp_path_factory)


@pytest.mark.parametrize("row", params(ROWS))
def test_bad_input(row, request, tmp_path, monkeypatch, caplog):
    check(row, outcome(row, request, tmp_path, monkeypatch), caplog)


# -- Ctrl-C while common.sidebyside writes its pages ----------------------------


def test_sidebyside_ctrl_c_while_writing_leaves_the_folder_as_it_was(tmp_path, capsys):
    """Ctrl-C between two pages of ``--all``: one line, exit 130, and the
    pages written so far are put back as they were."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "w8s2.html").write_text("my old page")
    before = snapshot(tmp_path)
    written = []

    def write_then_ctrl_c(path, text):
        if len(written) == 2:
            raise KeyboardInterrupt
        sidebyside.write_atomic(path, text)
        written.append(path)

    argv = ["--all", "--out", str(site)]
    render = lambda name: f"<p>{name}</p>"  # noqa: E731
    assert sidebyside.main(argv, render=render, write=write_then_ctrl_c) == 130
    assert len(written) == 2 and written[0].name == "w8s2.html"
    out, err = capsys.readouterr()
    assert (out, err) == ("", "interrupted (Ctrl-C)\n")
    assert snapshot(tmp_path) == before


def test_sidebyside_all_into_a_new_folder_that_fails_removes_it(tmp_path, capsys):
    """The folders ``--all --out`` made are removed when it fails."""

    def fail(path, text):
        raise sidebyside.UsageError(f"cannot write {path}: No space left on device")

    argv = ["--all", "--out", str(tmp_path / "new" / "site")]
    assert sidebyside.main(argv, render=lambda name: f"<p>{name}</p>", write=fail) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_a_page_is_written_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Ctrl-C between writing a page's temporary file and renaming it: the
    old page stays, the temporary file goes."""
    target = tmp_path / "page.html"
    target.write_text("old")

    def ctrl_c(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        sidebyside.write_atomic(target, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    assert target.read_text() == "old"

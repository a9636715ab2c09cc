"""Writing the pages: whole or not at all, only over regular files, and
``--all`` puts back the very files it replaced when it fails."""

import os
import stat

import pytest

from common.views.files import check_target, write_all, write_atomic
from common.views.sources import UsageError


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["page.html"]


def test_a_new_page_has_the_usual_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.html", "new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o644  # not mkstemp's 0600
    kept = tmp_path / "kept.html"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_a_long_file_name_is_written(tmp_path):
    # 250 characters: the longest names the system takes, less a few; the
    # temporary name beside it must not be longer
    target = tmp_path / ("p" * 245 + ".html")
    write_atomic(target, "page")
    assert target.read_text() == "page" and os.listdir(tmp_path) == [target.name]


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match="No space left"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["page.html"]


def make_fifo(path):
    os.mkfifo(path)


def make_symlink(path):
    (path.parent / "real.html").write_text("the real page")
    path.symlink_to("real.html")


def make_dangling_symlink(path):
    path.symlink_to("nowhere.html")


def make_folder(path):
    path.mkdir()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (make_fifo, "it is not a regular file"),
        (make_symlink, r"it is a symbolic link \(name the file it points to\)"),
        (make_dangling_symlink, "it is a symbolic link"),
        (make_folder, "it is a folder"),
    ],
)
def test_only_a_regular_file_is_replaced(tmp_path, make, says):
    target = tmp_path / "page.html"
    make(target)
    before = {p.name: p.lstat() for p in tmp_path.iterdir()}
    with pytest.raises(UsageError, match=says):
        write_atomic(target, "new")
    after = {p.name: p.lstat() for p in tmp_path.iterdir()}
    assert {n: (s.st_ino, s.st_mode) for n, s in after.items()} == {
        n: (s.st_ino, s.st_mode) for n, s in before.items()
    }


@pytest.mark.parametrize("path", ["/dev/null", "/proc/self/fd/1", "site/", ""])
def test_check_target_refuses(path):
    with pytest.raises(UsageError):
        check_target(path)


def test_all_pages_or_none_puts_back_the_very_files(tmp_path):
    """A page that cannot be written: those written before it are put back,
    the same files (inode, mode, their other hard links), not copies."""
    site = tmp_path / "site"
    site.mkdir()
    old = site / "a.html"
    old.write_text("my old page")
    old.chmod(0o600)
    other_name = tmp_path / "elsewhere.html"
    os.link(old, other_name)  # the page has a second name
    before = old.stat()

    def write(path, text):
        if path.name == "c.html":
            raise UsageError(f"cannot write {path}: No space left on device")
        write_atomic(path, text)

    with pytest.raises(UsageError, match="No space left"):
        write_all(site, ["a.html", "b.html", "c.html"], lambda name: f"<p>{name}</p>", write=write)
    after = old.stat()
    assert (after.st_ino, after.st_mode, after.st_nlink) == (before.st_ino, 0o100600, 2)
    assert old.read_text() == other_name.read_text() == "my old page"
    assert sorted(os.listdir(site)) == ["a.html"]  # b.html removed, no spare name left


def test_all_pages_written_replace_and_leave_no_spare(tmp_path):
    (tmp_path / "a.html").write_text("old")
    written = write_all(tmp_path, ["a.html", "b.html"], lambda name: name.upper())
    assert written == [tmp_path / "a.html", tmp_path / "b.html"]
    assert (tmp_path / "a.html").read_text() == "A.HTML"
    assert sorted(os.listdir(tmp_path)) == ["a.html", "b.html"]


def test_all_refuses_a_link_among_the_pages_before_writing_any(tmp_path):
    (tmp_path / "real.html").write_text("mine")
    (tmp_path / "b.html").symlink_to("real.html")
    made = []

    def make(name):
        made.append(name)
        return name

    with pytest.raises(UsageError, match=r"b\.html: it is a symbolic link"):
        write_all(tmp_path, ["a.html", "b.html"], make)
    assert made == [] and sorted(os.listdir(tmp_path)) == ["b.html", "real.html"]


def test_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(UsageError, match=r"cannot write .*/nowhere/page\.html: No such file"):
        write_atomic(tmp_path / "nowhere" / "page.html", "page")
    assert os.listdir(tmp_path) == []


def test_all_into_a_file(tmp_path):
    (tmp_path / "site").write_text("not a folder")
    with pytest.raises(UsageError, match=r"cannot create .*/site: File exists"):
        write_all(tmp_path / "site", ["a.html"], str.upper)
    assert (tmp_path / "site").read_text() == "not a folder"

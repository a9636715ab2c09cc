"""Writing the pages: whole or not at all, and only over what a page may replace.

* A page is written to a temporary file in the same folder, then renamed
  over its name: a reader sees the old page or the new one, never half of
  one.  The temporary name is short (``.sbs-XXXXXXXX.tmp``), so that any
  file name the system accepts can be written.
* Only a regular file is replaced, keeping its permissions.  Anything else
  at the path is refused before any work, in one line: a folder (a path
  ending in ``/`` names one too), a device, a FIFO, a socket, and a symbolic
  link — the link is not followed, and not replaced: say which file you mean.
* ``--all`` writes every page or none: if a page cannot be written, or
  Ctrl-C comes, the pages already written are put back — the very files
  that were there (kept under a second name, a hard link, while the new
  ones are written), so their permissions, owner and other links are
  theirs still; the folders made for them are removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from common.views.sources import UsageError

PREFIX = ".sbs-"


def check_target(path: str | Path) -> None:
    """The plain reasons ``path`` cannot be written, said before any work."""
    text = os.fspath(path)
    if not text:
        raise UsageError("no file name given")
    if text.endswith(("/", os.sep)):
        raise UsageError(f"cannot write {text}: a name ending in / is a folder; give a file name")
    path = Path(text)
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"cannot write {text}: {exc.strerror or exc}") from None
    if mode is not None:
        if stat.S_ISLNK(mode):
            raise UsageError(
                f"cannot write {text}: it is a symbolic link (name the file it points to)"
            )
        if stat.S_ISDIR(mode):
            raise UsageError(f"cannot write {text}: it is a folder")
        if not stat.S_ISREG(mode):
            raise UsageError(f"cannot write {text}: it is not a regular file (a device, a FIFO…)")
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"cannot write {text}: {os.strerror(errno.ENOTDIR)}")


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder
    and a rename; a file replaced keeps its permissions."""
    check_target(path)
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = _new_file_mode()
    except OSError as exc:  # pragma: no cover - lstat just worked
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=PREFIX, suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, mode)
        check_target(path)  # still nothing but a regular file there
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        os.unlink(tmp)
        raise


def keep(path: Path) -> Path:
    """A second name for the file at ``path`` (a hard link; a copy where the
    file system has no hard links), in the same folder."""
    for _ in range(100):
        spare = path.parent / f"{PREFIX}{secrets.token_hex(4)}.old"
        try:
            os.link(path, spare, follow_symlinks=False)
            return spare
        except FileExistsError:
            continue
        except OSError:
            break
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=PREFIX, suffix=".old")
    os.close(fd)
    shutil.copy2(path, name)
    return Path(name)


def write_all(
    out: Path,
    names: list[str],
    make: Callable[[str], str],
    *,
    write: Callable[[Path, str], None] = write_atomic,
) -> list[Path]:
    """The files ``names`` into ``out``, each ``make(name)``: all of them, or
    none (see the module's docstring).  Every target is checked first, then
    every page made, then they are written."""
    created = [folder for folder in (out, *out.parents) if not folder.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror or exc}") from None
    written: list[tuple[Path, Path | None]] = []  # (page, the file it replaced)
    try:
        for name in names:
            check_target(out / name)
        texts = {name: make(name) for name in names}
        for name, text in texts.items():
            path = out / name
            try:
                old = keep(path) if path.exists() else None
            except OSError as exc:
                raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
            written.append((path, old))
            write(path, text)
    except BaseException:
        for path, old in reversed(written):
            with contextlib.suppress(OSError):
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(old, path)
                    # two links to one file (the page was not replaced yet):
                    # rename() leaves both, the spare name goes
                    old.unlink(missing_ok=True)
        for folder in created:  # innermost first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    for _, old in written:
        if old is not None:
            with contextlib.suppress(OSError):
                old.unlink()
    return [path for path, _ in written]

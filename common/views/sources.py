"""The lessons and their versions: where each file is, its lines, its demos.

A lesson (``w8s8``, or a variant such as ``w8s4_limits``) has up to three
versions, each a module of its own package:

* ``video``: the video's asyncio, faithful (``lessons_asyncio.w8s8``);
* ``modern``: asyncio as written today (``lessons_asyncio.modern.w8s8``);
* ``anyio``: the structured-concurrency port (``lessons_anyio.w8s8``).

A lesson is any module of the video's or the port's package; a version that
does not exist (yet) is shown as missing, never an error.  The packages are
fields of :class:`Sources`, so that a test can point the views at modules of
its own.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from common.runner import Lesson

VERSIONS = ("video", "modern", "anyio")
#: What each version is, in a few words (headers, captions).
LABELS = {"video": "the video's asyncio", "modern": "asyncio today", "anyio": "anyio port"}


class UsageError(Exception):
    """A bad lesson name, demo name, option or output path: one line, exit 2."""


def natural(name: str) -> list[object]:
    """``w8s4`` before ``w8s4_limits`` before ``w8s10``."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


@dataclass(frozen=True)
class Excerpt:
    """Consecutive lines of a file, and the number of the first one (1-based);
    ``note`` says why an excerpt is empty."""

    lines: list[str]
    first: int = 1
    note: str = ""


@dataclass(frozen=True)
class Sources:
    """Where the three versions of the lessons live."""

    video: str = "lessons_asyncio"
    modern: str = "lessons_asyncio.modern"
    anyio: str = "lessons_anyio"

    def package(self, version: str) -> str:
        if version not in VERSIONS:
            raise UsageError(f"unknown version {version!r} (choose from {', '.join(VERSIONS)})")
        return str(getattr(self, version))

    def modules(self, version: str) -> set[str]:
        """The lesson modules of a version's package (none if it does not exist)."""
        try:
            spec = importlib.util.find_spec(self.package(version))
        except ImportError:
            return set()
        if spec is None or not spec.submodule_search_locations:
            return set()
        return {
            m.name
            for m in pkgutil.iter_modules(spec.submodule_search_locations)
            if not m.ispkg and not m.name.startswith("_")
        }

    def lessons(self) -> list[str]:
        """Every lesson of the video or the port, in the course's order."""
        return sorted(self.modules("video") | self.modules("anyio"), key=natural)

    def check(self, name: str) -> None:
        names = self.lessons()
        if name not in names:
            raise UsageError(f"unknown lesson {name!r} (choose from {', '.join(names)})")

    def versions(self, name: str) -> list[str]:
        """The versions lesson ``name`` has, in the order video, modern, anyio."""
        return [v for v in VERSIONS if name in self.modules(v)]

    def module(self, name: str, version: str) -> str:
        return f"{self.package(version)}.{name}"

    def path(self, name: str, version: str) -> Path:
        spec = importlib.util.find_spec(self.module(name, version))
        if spec is None or spec.origin is None:
            raise UsageError(f"{name} has no {version} version ({self.module(name, version)})")
        return Path(spec.origin)

    def display_path(self, name: str, version: str) -> str:
        """``lessons_asyncio/modern/w8s8.py``: the module as a relative path."""
        return self.module(name, version).replace(".", "/") + ".py"

    def lines(self, name: str, version: str) -> list[str]:
        """The module's lines, tabs expanded, without their line ends."""
        text = self.path(name, version).read_text(encoding="utf-8")
        return text.expandtabs(4).splitlines()

    def whole(self, name: str, version: str) -> Excerpt:
        if name not in self.modules(version):
            return Excerpt([], note=f"no {version} version of {name} yet")
        return Excerpt(self.lines(name, version))

    def lesson(self, name: str, version: str) -> Lesson | None:
        """The version's :class:`~common.runner.Lesson`, or ``None`` if it has none."""
        if name not in self.modules(version):
            return None
        return importlib.import_module(self.module(name, version)).lesson  # type: ignore[no-any-return]

    def docstring(self, name: str, version: str) -> str:
        if name not in self.modules(version):
            return ""
        text = self.path(name, version).read_text(encoding="utf-8")
        return ast.get_docstring(ast.parse(text)) or ""

    def title(self, name: str) -> str:
        """The first line of the lesson's docstring (the video's, else the port's)."""
        for version in ("video", "anyio", "modern"):
            doc = self.docstring(name, version).strip()
            if doc:
                return doc.splitlines()[0].strip()
        return name


SOURCES = Sources()


def demo_names(lessons: list[Lesson | None]) -> list[str]:
    """The demos of all versions: the first version's order, then each other's new ones."""
    names: list[str] = []
    for lesson in lessons:
        if lesson is not None:
            names += [n for n in lesson.demos if n not in names]
    return names


def check_demo(name: str, demo: str, lessons: list[Lesson | None]) -> None:
    names = demo_names(lessons)
    if demo not in names:
        raise UsageError(f"unknown demo {demo!r} of {name} (choose from {', '.join(names)})")


def demo_excerpt(lesson: Lesson | None, demo_name: str, version: str) -> Excerpt:
    """The source of a demo's function (decorators included), or an empty
    excerpt saying why there is none."""
    if lesson is None:
        return Excerpt([], note=f"no {version} version yet")
    demo = lesson.demos.get(demo_name)
    if demo is None:
        return Excerpt([], note=f"the {version} version has no demo {demo_name}")
    lines, first = inspect.getsourcelines(demo.func)
    return Excerpt([line.rstrip("\n").expandtabs(4) for line in lines], first)


def in_video(lessons: list[Lesson | None], demo_name: str) -> bool:
    """``False`` for a demo the project adds: marked so by any version
    (``in_video=False``, ``port_only``), or absent from the video's file."""
    video = lessons[0] if lessons else None
    if video is not None and demo_name not in video.demos:
        return False
    for lesson in lessons:
        demo = lesson.demos.get(demo_name) if lesson is not None else None
        if demo is not None and (demo.port_only or not demo.in_video):
            return False
    return True


def docstring_lists(docstring: str) -> list[tuple[str, list[str]]]:
    """The bulleted lists of a module docstring, each under the line (ending
    with ``:``) that introduces it: the port's "Differs from the asyncio
    version:", the modern version's own lists."""
    lists: list[tuple[str, list[str]]] = []
    lines = docstring.splitlines()
    for k, line in enumerate(lines):
        if not _heads_a_list(lines, k):
            continue
        head = line.strip()
        items: list[str] = []
        for j in range(k + 1, len(lines)):
            stripped = lines[j].strip()
            if stripped.startswith(("- ", "* ")):
                items.append(stripped[2:])
            elif stripped and not _heads_a_list(lines, j):
                items[-1] += " " + stripped
            else:
                break
        lists.append((head[:-1], items))
    return lists


def _heads_a_list(lines: list[str], k: int) -> bool:
    return (
        lines[k].strip().endswith(":")
        and k + 1 < len(lines)
        and lines[k + 1].strip().startswith(("- ", "* "))
    )

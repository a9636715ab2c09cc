"""Markdown tables, number formats and the machine's description (pure helpers)."""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata

#: Where progress goes (stderr by default: stdout carries the tables).
Log = Callable[[str], None]

#: The packages whose versions the results depend on.
PACKAGES = ("anyio", "trio", "pytest", "aiohttp", "httpx", "requests", "rich")

_NUMERIC = re.compile(r"^[-+≤≥<>~]?\s*[0-9][0-9,.]*\s*(%|x|x|s|ms|µs|MB|kB|KiB|MiB|B)?$")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table, padded so that it also reads well in a terminal.

    Columns whose cells all look like numbers are right-aligned (``---:``);
    a ``|`` inside a cell is escaped; a missing cell is left empty.
    """
    body = [[_cell(value) for value in row] for row in rows]
    width = len(headers)
    for row in body:
        if len(row) > width:
            raise ValueError(f"row has {len(row)} cells, the table {width} columns: {row}")
        row.extend("" for _ in range(width - len(row)))
    head = [_cell(h) for h in headers]
    columns = [[row[i] for row in body] for i in range(width)]
    numeric = [_is_numeric(column) for column in columns]
    sizes = [max([len(head[i]), 3, *(len(row[i]) for row in body)]) for i in range(width)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(sizes[i]) if numeric[i] else cell.ljust(sizes[i])
            for i, cell in enumerate(cells)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (sizes[i] + 1) + ":" if numeric[i] else "-" * (sizes[i] + 2) for i in range(width)
        )
        + "|"
    )
    return "\n".join([line(head), rule, *(line(row) for row in body)])


def _is_numeric(column: Sequence[str]) -> bool:
    """A column of numbers (empty cells and ``-`` allowed, not only those)."""
    filled = [cell for cell in column if cell not in ("", "-")]
    return bool(filled) and all(_NUMERIC.match(cell) for cell in filled)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass
class Table:
    """A table with a caption (one line above it) and notes (below it)."""

    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    caption: str = ""
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        parts = []
        if self.caption:
            parts.append(self.caption)
        parts.append(markdown_table(self.headers, self.rows))
        parts.extend(self.notes)
        return "\n\n".join(parts)


@dataclass
class Section:
    """One numbered part of the results: an introduction, tables, notes."""

    title: str
    intro: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Markdown given as is (a section from another script).
    raw: list[str] = field(default_factory=list)
    #: For the summary: [target, what was measured, met?]
    targets: list[list[object]] = field(default_factory=list)

    def markdown(self) -> str:
        parts = [f"## {self.title}", *self.intro]
        parts.extend(table.markdown() for table in self.tables)
        parts.extend(self.raw)
        parts.extend(self.notes)
        return "\n\n".join(parts) + "\n"


def summary(sections: Sequence[Section], quick: bool) -> Table:
    """The performance targets at a glance, from each section's own verdicts."""
    rows = [row for section in sections for row in section.targets]
    notes = ["Quick run: fewer runs and sizes; the verdicts are indicative only."] if quick else []
    return Table(["target", "measured", "met"], rows, notes=notes)


# -- numbers ------------------------------------------------------------------


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def ms(seconds: float | None, digits: int = 1) -> str:
    """Seconds → ``'12.3'`` (milliseconds); ``'-'`` for nothing."""
    return "-" if seconds is None else f"{seconds * 1000:.{digits}f}"


def secs(seconds: float | None, digits: int = 2) -> str:
    return "-" if seconds is None else f"{seconds:.{digits}f}"


def ratio(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def megabytes(size: float | None) -> str:
    return "-" if size is None else f"{size / 1e6:.2f}"


def verdict(ok: bool | None) -> str:
    """``yes``/``NO``/``-``: a target met or missed, or not measured."""
    return "-" if ok is None else ("yes" if ok else "NO")


# -- the machine --------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def hyperfine_version() -> str | None:
    path = shutil.which("hyperfine")
    if path is None:
        return None
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


def machine() -> Table:
    """Where the numbers come from: CPU, cores, load, Python, packages."""
    load = "-"
    if hasattr(os, "getloadavg"):
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = package_versions()
    rows: list[list[object]] = [
        ["CPU", cpu_model()],
        ["cores (os.cpu_count)", os.cpu_count()],
        ["load average at start (1/5/15 min)", load],
        ["OS", platform.platform()],
        ["Python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["packages", ", ".join(f"{k} {v}" for k, v in versions.items())],
        ["hyperfine", hyperfine_version() or "not installed"],
        ["interpreter", sys.executable],
    ]
    return Table(["what", "value"], rows)

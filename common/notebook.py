"""A Jupyter notebook per lesson, generated from the lesson files.

    python -m common.notebook w8s8 -o w8s8.ipynb      # one lesson
    python -m common.notebook --all --out notebooks/  # every lesson

The lesson's title and explanation, then each demo in the video's order: the
video's code and the port's, shown from the lesson files, then cells that run
the faithful demo and the port on asyncio and on trio, each showing its
timeline; last, the port's "Differs" list.  Written without outputs, whole
(a temporary file, then a rename), and never over a file the user did not
name: ``--all`` refuses a folder that has one of its notebooks already.

Exit codes: 0 done; 1 nbformat missing; 2 a usage error or a file that cannot
(or may not) be written; 130 interrupted; each with one line on stderr.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import importlib.util
import inspect
import os
import pkgutil
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from common.sidebyside import UsageError, check_target, write_atomic

if TYPE_CHECKING:
    from common.runner import Demo, Lesson

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
FAITHFUL, PORT = "lessons_asyncio", "lessons_anyio"
BACKENDS = ("asyncio", "trio")
DIFFERS = "Differs from the asyncio version:"  # how a port's docstring lists its changes
HINT = "remove it, or choose another --out"

SETUP = """\
import os

from common import run
from {faithful} import {name} as faithful
from {port} import {name} as port

# LESSONS_VIRTUAL_TIME=1 in Jupyter's environment: every run on a virtual clock
# (exact times, no waiting); otherwise in real time, as in the video
VIRTUAL = os.environ.get("LESSONS_VIRTUAL_TIME", "") not in ("", "0")"""

HOW = (
    "Each demo below shows the video's code (`{faithful}/{name}.py`), then the port's"
    " (`{port}/{name}.py`, anyio), then runs them: what a demo prints appears as it is"
    " printed, and the cell ends with the run's timeline.  Interrupting the kernel (■)"
    " stops a demo as Ctrl-C does: its cleanup runs, then the cell shows `KeyboardInterrupt`."
    "  The kernel imports the lessons from the project: install it (`pip install .`)"
    " or keep this notebook in its folder."
)


def lesson_names() -> list[str]:
    """The lessons that have a faithful version and a port, in the course's order."""
    faithful, port = (
        pkgutil.iter_modules(importlib.import_module(p).__path__) for p in (FAITHFUL, PORT)
    )
    names = {m.name for m in faithful} & {m.name for m in port}
    return sorted(
        names, key=lambda n: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", n)]
    )


def lesson_of(package: str, name: str) -> Lesson:
    if name not in lesson_names():
        raise UsageError(f"unknown lesson {name!r} (choose from {', '.join(lesson_names())})")
    return importlib.import_module(f"{package}.{name}").lesson  # type: ignore[no-any-return]


def markdown(rst: str) -> str:
    """A docstring's text as Markdown: ````code```` becomes ```code```."""
    return re.sub(r"``(.+?)``", r"`\1`", rst, flags=re.DOTALL)


def docstring_parts(doc: str) -> tuple[str, list[str], str]:
    """A lesson docstring's title, its explanation (without "Run it:") and its Differs list."""
    paragraphs = doc.strip().split("\n\n")
    title, _, first = paragraphs[0].partition("\n")
    body = [first, *paragraphs[1:]] if first.strip() else paragraphs[1:]
    explained: list[str] = []
    differs = ""
    for k, paragraph in enumerate(body):
        if paragraph.startswith(DIFFERS):
            differs = "\n\n".join(body[k:])[len(DIFFERS) :].strip("\n")
            break
        if not paragraph.startswith("Run it:"):
            explained.append(paragraph)
    return title, explained, differs


class Source:
    """A lesson module's top-level definitions, each with the comments above it."""

    def __init__(self, lesson: Lesson) -> None:
        module = sys.modules[lesson.module]
        text = inspect.getsource(module)
        self.lines = text.expandtabs(4).splitlines()
        self.spans: dict[str, tuple[int, int]] = {}  # name -> first and last line (0-based)
        self.uses: dict[str, set[str]] = {}
        for node in ast.parse(text).body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            else:
                continue
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
            while first > 0 and self.lines[first - 1].lstrip().startswith("#"):
                first -= 1  # the comment block just above belongs to the definition
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            for name in names:
                self.spans[name] = (first, (node.end_lineno or node.lineno) - 1)
                self.uses[name] = used - {name}
        self.spans.pop("lesson", None)  # the registry, not the lesson's code

    def needed(self, name: str) -> list[str]:
        """``name`` and the definitions it uses, directly or not, in file order."""
        found, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in found or current not in self.spans:
                continue
            found.add(current)
            todo.extend(self.uses.get(current, ()))
        return sorted(found, key=lambda n: self.spans[n][0])

    def text(self, names: Sequence[str]) -> str:
        spans = [self.spans[name] for name in names]
        return "\n\n\n".join("\n".join(self.lines[a : b + 1]) for a, b in spans)


def _code_cell_text(demo: Demo, source: Source, shown: set[str], heading: str) -> str:
    """Markdown: the heading, then the demo's function and what it uses that
    an earlier demo has not shown already."""
    needed = source.needed(demo.func.__name__)
    new = [n for n in needed if n not in shown]
    earlier = [n for n in needed if n in shown]
    shown.update(new)
    parts = [heading]
    if earlier:
        parts.append("It uses " + ", ".join(f"`{n}`" for n in earlier) + ", shown above.")
    parts.append(f"```python\n{source.text(new)}\n```")
    return "\n\n".join(parts)


def _forever_note(faithful: Lesson, port: Lesson, demo_name: str) -> str:
    """What stops the demo, when a version of it runs forever."""
    demos = [lesson.demos[demo_name] for lesson in (faithful, port) if demo_name in lesson.demos]
    bounds = [demo.forever for demo in demos if demo.forever is not None]
    if not bounds:
        return ""
    who = ("It runs", "Both versions run")[len(bounds) - 1]
    if len(bounds) < len(demos):
        who = "The video's version runs" if demos[0].forever is not None else "The port runs"
    return (
        f"\n\n{who} forever: interrupt the kernel (■) to stop it, as the video does with"
        f" Ctrl-C; otherwise the runner does it for you after {max(bounds):g} s."
    )


def _run_calls(demo_name: str, faithful: Lesson, port: Lesson) -> list[str]:
    calls = []
    if demo_name in faithful.demos:
        calls.append(f'run(faithful.lesson["{demo_name}"], virtual=VIRTUAL)')
    if demo_name in port.demos:
        calls += [
            f'run(port.lesson["{demo_name}"], backend="{b}", virtual=VIRTUAL)' for b in BACKENDS
        ]
    return calls


def build(name: str) -> Any:
    """The notebook of lesson ``name`` (an ``nbformat`` notebook node)."""
    from nbformat import v4

    faithful, port = lesson_of(FAITHFUL, name), lesson_of(PORT, name)
    title, explained, _ = docstring_parts(sys.modules[faithful.module].__doc__ or name)
    _, _, differs = docstring_parts(sys.modules[port.module].__doc__ or "")
    where = {"faithful": FAITHFUL, "port": PORT, "name": name}
    cells: list[tuple[str, str]] = [
        ("markdown", "\n\n".join([f"# {markdown(title)}", *map(markdown, explained)])),
        ("markdown", HOW.format(**where)),
        ("code", SETUP.format(**where)),
    ]
    sources = {FAITHFUL: Source(faithful), PORT: Source(port)}
    shown: dict[str, set[str]] = {FAITHFUL: set(), PORT: set()}
    # the video's demos in its order, then the port's own
    for demo_name in [*faithful.demos, *(n for n in port.demos if n not in faithful.demos)]:
        first = faithful.demos.get(demo_name) or port.demos[demo_name]
        note = "" if first.in_video else " (not in the video: the port adds it)"
        intro = f"## {demo_name}\n\n{markdown(first.description)}{note}"
        for lesson, package, what in (
            (faithful, FAITHFUL, "The video's"),
            (port, PORT, "The port's"),
        ):
            if demo_name not in lesson.demos:
                continue
            demo = lesson.demos[demo_name]
            heading = f"### {what} code: `{package}/{name}.py`"
            if package == PORT and demo.description != first.description:
                heading += f"\n\n{markdown(demo.description)}"
            text = _code_cell_text(demo, sources[package], shown[package], heading)
            cells.append(("markdown", f"{intro}\n\n{text}" if intro else text))
            intro = ""
        cells.append(("markdown", "### Run it" + _forever_note(faithful, port, demo_name)))
        cells += [("code", call) for call in _run_calls(demo_name, faithful, port)]
    if differs:
        cells.append(("markdown", f"## {DIFFERS.rstrip(':')}, and why\n\n{markdown(differs)}"))
    notebook = v4.new_notebook(  # type: ignore[no-untyped-call]
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    new = {"markdown": v4.new_markdown_cell, "code": v4.new_code_cell}
    # ids numbered, not random: the same lesson gives the same file, byte for byte
    notebook.cells = [
        new[kind](text, id=f"{name}-{k}")  # type: ignore[no-untyped-call]
        for k, (kind, text) in enumerate(cells)
    ]
    return notebook


def to_json(notebook: Any) -> str:
    import nbformat

    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"  # type: ignore[no-untyped-call,no-any-return]


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet, whole: a temporary file beside it,
    then a hard link, which fails rather than replace a file that appeared."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.link(tmp, path)
    except FileExistsError:
        raise UsageError(f"{path} exists: not replaced ({HINT})") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        os.unlink(tmp)


def write_all(out: Path) -> list[Path]:
    """Every lesson's notebook into ``out``: all of them, or none."""
    paths = [out / f"{name}.ipynb" for name in lesson_names()]
    for path in paths:
        if path.exists() or path.is_symlink():
            raise UsageError(f"{path} exists: not replaced ({HINT})")
    texts = [to_json(build(path.stem)) for path in paths]
    created = [folder for folder in (out, *out.parents) if not folder.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror or exc}") from None
    written: list[Path] = []
    try:
        for path, text in zip(paths, texts, strict=True):
            write_new(path, text)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for folder in created:  # innermost first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return written


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m common.notebook",
        description="Write a lesson's Jupyter notebook: the video's code, the port's,"
        " and cells that run them.",
        epilog="Exit codes: 0 done, 1 nbformat missing, 2 usage error, 130 interrupted.",
    )
    parser.add_argument("lesson", nargs="?", help="the lesson, e.g. w8s8")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="the notebook to write (replaced if it exists)"
    )
    parser.add_argument("--all", action="store_true", help="every lesson (with --out)")
    parser.add_argument("--out", metavar="DIR", help="with --all: the folder for the notebooks")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.all:
        if args.lesson or args.output:
            parser.error("--all takes no lesson and no -o (use --out DIR)")
        if not args.out:
            parser.error("--all needs --out DIR")
    elif args.out:
        parser.error("--out goes with --all (for one lesson: -o FILE)")
    elif not args.lesson or not args.output:
        parser.error("which lesson, and which file? e.g. w8s8 -o w8s8.ipynb")
    if importlib.util.find_spec("nbformat") is None:
        parser.exit(
            EXIT_FAILED, f"{parser.prog}: error: nbformat is missing: pip install nbformat\n"
        )
    try:
        if args.all:
            for path in write_all(Path(args.out)):
                print(path)
            return EXIT_OK
        check_target(Path(args.output))
        write_atomic(Path(args.output), to_json(build(args.lesson)))
        print(args.output)
        return EXIT_OK
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())

"""The command line of the views: ``python -m common.sidebyside``.

    python -m common.sidebyside w8s8                      # the video ⇄ the port
    python -m common.sidebyside w8s8 --left modern        # asyncio today ⇄ the port
    python -m common.sidebyside w8s8 --demo window        # one demo's function
    python -m common.sidebyside w8s8 --html w8s8.html     # a standalone page
    python -m common.sidebyside --all --out site/         # every lesson + index.html

Exit codes: 0 done; 2 a usage error (unknown lesson, version or demo, bad
option) or an output that cannot be written; 130 interrupted (Ctrl-C); each
with one line on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from common.views.files import check_target, write_all, write_atomic
from common.views.output import WIDTHS
from common.views.sources import SOURCES, VERSIONS, Sources, UsageError

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
PROG = "python -m common.sidebyside"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Two versions of a lesson side by side (the video's asyncio, asyncio"
        " today, the anyio port), or a page with the three.",
        epilog="Exit codes: 0 done, 2 usage error or output that cannot be written,"
        " 130 interrupted (Ctrl-C).",
    )
    parser.add_argument("lesson", nargs="?", help="the lesson, e.g. w8s8")
    parser.add_argument("--demo", metavar="NAME", help="show only this demo's function")
    for side, default in (("left", "video"), ("right", "anyio")):
        parser.add_argument(
            f"--{side}",
            choices=VERSIONS,
            help=f"the terminal view's version on the {side} (default: {default})",
        )
    parser.add_argument(
        "--width",
        type=int,
        metavar="N",
        help=f"terminal columns, {WIDTHS[0]} to {WIDTHS[1]} (default: the terminal's)",
    )
    parser.add_argument("--html", metavar="FILE", help="write a standalone HTML page instead")
    parser.add_argument("--all", action="store_true", help="every lesson (with --out)")
    parser.add_argument(
        "--out", metavar="DIR", help="with --all: folder for the pages and index.html"
    )
    return parser


def _say(text: str) -> None:
    """A line on stdout, in what stdout can encode."""
    if sys.stdout is None:
        return
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    print(text.encode(encoding, "backslashreplace").decode(encoding, "replace"))


def main(
    argv: Sequence[str] | None = None,
    *,
    sources: Sources = SOURCES,
    render: Callable[[str], str] | None = None,
    write: Callable[[Path, str], None] = write_atomic,
) -> int:
    """The command line; returns the exit code.  ``render`` (a lesson's page)
    and ``write`` are the page maker and writer (for the tests)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _main(parser, args, sources, render, write)
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # pages are written whole or not at all (common.views.files)
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        # the terminal view could not be written (``> /dev/full``, ``>&-``)
        _silence_stdout()
        print(
            f"{parser.prog}: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr
        )
        return EXIT_USAGE


def _main(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    sources: Sources,
    render: Callable[[str], str] | None,
    write: Callable[[Path, str], None],
) -> int:
    from common.views.page import html_page, index_page

    make = render or (lambda name: html_page(name, sources=sources))
    if (args.all or args.html is not None) and (args.left or args.right):
        parser.error("--left and --right choose the terminal view's two versions; a page has all")
    if args.all:
        if args.lesson or args.demo or args.html is not None:
            parser.error("--all takes no lesson, --demo or --html (use --out DIR)")
        if not args.out:
            parser.error("--all needs --out DIR")

        lessons = sources.lessons()

        def make_file(file: str) -> str:
            if file == "index.html":
                return index_page(lessons, sources=sources)
            return make(file.removesuffix(".html"))

        files = [f"{name}.html" for name in lessons] + ["index.html"]
        for path in write_all(Path(args.out), files, make_file, write=write):
            _say(str(path))
        return EXIT_OK
    if args.out:
        parser.error("--out goes with --all (for one lesson: --html FILE)")
    if not args.lesson:
        parser.error("which lesson? e.g. python -m common.sidebyside w8s2")
    if args.width is not None and not WIDTHS[0] <= args.width <= WIDTHS[1]:
        parser.error(f"--width must be between {WIDTHS[0]} and {WIDTHS[1]}, not {args.width}")
    if args.html is not None:
        if not args.html:
            parser.error("--html needs a file name")
        check_target(args.html)
        if args.demo is None:
            page = make(args.lesson)
        else:
            page = html_page(args.lesson, args.demo, sources=sources)
        write(Path(args.html), page)
        _say(args.html)
        return EXIT_OK
    left, right = args.left or "video", args.right or "anyio"
    if left == right:
        parser.error(f"--left and --right are both {left}: choose two versions")
    from common.views.terminal import print_terminal

    print_terminal(
        args.lesson,
        args.demo,
        left=left,
        right=right,
        width=args.width,
        sources=sources,
    )
    return EXIT_OK


def _silence_stdout() -> None:
    """What is left of stdout goes nowhere: the interpreter's last flush at
    exit must not fail again, with a traceback of its own."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no stdout at all (``>&-``)
        pass

"""The versions of a lesson side by side: ``python -m common.sidebyside``.

The views live in :mod:`common.views` (see its docstring for the map); this
module is the documented command and the names a notebook uses::

    python -m common.sidebyside w8s8                      # the video ⇄ the port
    python -m common.sidebyside w8s8 --left modern --right anyio --demo window
    python -m common.sidebyside w8s8 --html w8s8.html     # a standalone page
    python -m common.sidebyside --all --out site/         # every lesson + index.html

    from common.sidebyside import show
    show("w8s8", demo="window")                           # inline, in Jupyter
"""

from __future__ import annotations

import sys

from common.views.cli import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, build_parser, main
from common.views.files import check_target, write_all, write_atomic
from common.views.inline import show
from common.views.page import html_page, index_page
from common.views.sources import SOURCES, VERSIONS, Excerpt, Sources, UsageError
from common.views.terminal import print_terminal, render_terminal
from common.virtual import repeatable_trio

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "SOURCES",
    "VERSIONS",
    "Excerpt",
    "Sources",
    "UsageError",
    "build_parser",
    "check_target",
    "html_page",
    "index_page",
    "main",
    "print_terminal",
    "render_terminal",
    "repeatable_trio",
    "show",
    "write_all",
    "write_atomic",
]


def __getattr__(name: str) -> str:
    # ``CSS``: the pages' stylesheet, read when asked for (older callers);
    # a timeline's SVG needs none: common.views.svg.record_svg
    if name == "CSS":
        from common.views.html import stylesheet

        return stylesheet()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    sys.exit(main())

"""A lesson's views inline in Jupyter: ``common.sidebyside.show("w8s8", demo="window")``.

The object returned displays, in a notebook's output, what the lesson's page
shows (the versions' code, the pair to compare picked with radio buttons,
the four timelines), with the page's stylesheet, which only styles what is
inside the view; no script, nothing fetched.  Outside Jupyter, ``str()`` of
it is that HTML.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from common.views.sources import SOURCES, Sources

#: Each view shown in a process gets its own radio buttons (a notebook may
#: show several, each picks its own pair).
_serial = itertools.count(1)


@dataclass
class InlineView:
    """Lesson ``name`` (or one demo of it), as Jupyter shows it."""

    name: str
    demo: str | None = None
    sources: Sources = field(default=SOURCES, repr=False)
    _html: str | None = field(default=None, init=False, repr=False)

    def _repr_html_(self) -> str:
        if self._html is None:
            from common.views.html import stylesheet
            from common.views.page import lesson_view

            prefix = f"lv{next(_serial)}-"
            view = lesson_view(self.name, self.demo, prefix=prefix, sources=self.sources)
            self._html = f"<style>\n{stylesheet()}</style>\n{view}"
        return self._html

    def __str__(self) -> str:
        return self._repr_html_()


def show(name: str, demo: str | None = None, *, sources: Sources = SOURCES) -> InlineView:
    """The views of lesson ``name`` (or of one of its demos) for a notebook
    cell: ``show("w8s8", demo="window")``.  An unknown lesson or demo raises
    :class:`~common.views.sources.UsageError` at once, naming it."""
    from common.views.sources import check_demo

    sources.check(name)
    if demo is not None:
        lessons = [sources.lesson(name, v) for v in ("video", "modern", "anyio")]
        check_demo(name, demo, lessons)
    return InlineView(name, demo, sources)

"""The views: a lesson's versions side by side, and the timelines of its demos.

Who uses what:

* ``python -m common.sidebyside`` (:mod:`common.views.cli`): the terminal
  view (:mod:`~common.views.terminal`) or the HTML pages
  (:mod:`~common.views.page`, written by :mod:`~common.views.files`);
* ``--timeline`` on a lesson's command line: :mod:`~common.views.chart`;
* Jupyter: :func:`common.views.inline.show` (a lesson's view inline) and
  :func:`common.views.svg.record_svg` (a record's timeline).

The parts, one concern each:

* :mod:`~common.views.sources` — the lessons and their three versions
  (the video's asyncio, asyncio today, the anyio port): files, demos, lists;
* :mod:`~common.views.align` — which line faces which, and the words that differ;
* :mod:`~common.views.output` — width, colour and encoding of the terminal;
* :mod:`~common.views.terminal` — two versions side by side, in the terminal;
* :mod:`~common.views.html` and ``view.css`` — code as HTML, the stylesheet;
* :mod:`~common.views.page` — a lesson's page, the index, the inline fragment;
* :mod:`~common.views.recording` — demos recorded on virtual time for the pages;
* :mod:`~common.views.activities` — a record read as activities (the rules);
* :mod:`~common.views.scale` — the time axis, one for the chart and the SVG;
* :mod:`~common.views.chart` and :mod:`~common.views.svg` — the two drawings;
* :mod:`~common.views.files` — pages written whole, over regular files only.
"""

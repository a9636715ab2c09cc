"""Every demo's record as the pages record it, once per test session.

``page_record(demo, backend)`` is :func:`common.views.recording.record_demo`,
run once per demo and backend and shared: by the second build of every page
(tests/test_views_html.py, which compares it with a build in a process of its
own, where every demo is recorded again), and by the charts of every demo
(tests/test_timeline_runs.py).  The records are shared, not copied: nothing
may change them.
"""

from __future__ import annotations

from common.views.recording import record_demo

_RECORDS: dict[tuple[str, str, str], object] = {}


def page_record(demo, backend):
    key = (demo.lesson.module, demo.name, backend)
    if key not in _RECORDS:
        _RECORDS[key] = record_demo(demo, backend)
    return _RECORDS[key]

"""Lesson w8s4's fixtures: the documents, the embedded server, the setup
around each demo, and how failed downloads are said.

What the lessons import::

    from common.w8s4 import with_embedded_server            # w8s4
    from common.w8s4 import check_downloads, download_failed  # w8s4_limits

* :mod:`common.w8s4.documents`: the stand-ins for the video's four PDFs;
* :mod:`common.w8s4.server`: the HTTP server that serves them on 127.0.0.1;
* :mod:`common.w8s4.accept`: the CPython gh-153761 workaround, per loop;
* :mod:`common.w8s4.options`: ``--url``, ``--latency``, ``--count``,
  ``--limit``, ``--timeout``;
* :mod:`common.w8s4.setup`: the lesson's ``urls`` and server around each demo;
* :mod:`common.w8s4.failures`: a failed download in the lesson's words.
"""

from common.w8s4.documents import (
    VIDEO_DOCUMENTS,
    document,
    document_names,
    document_size,
)
from common.w8s4.failures import check_downloads, describe, download_failed
from common.w8s4.server import DocumentServer
from common.w8s4.setup import ServedURLs, certificates, use_proxies, with_embedded_server

__all__ = [
    "VIDEO_DOCUMENTS",
    "DocumentServer",
    "ServedURLs",
    "certificates",
    "check_downloads",
    "describe",
    "document",
    "document_names",
    "document_size",
    "download_failed",
    "use_proxies",
    "with_embedded_server",
]

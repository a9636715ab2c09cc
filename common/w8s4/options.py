"""The command-line options of lesson w8s4, checked by argparse.

A bad value is a one-line usage error (exit code 2).  Numbers of seconds are
bounded where the platform ends: :data:`MAX_SECONDS` is far below the longest
wait a socket or a thread accepts (``threading.TIMEOUT_MAX``), and a float
clock still tells a microsecond from the next at that magnitude.
"""

from __future__ import annotations

import argparse
import math

DEFAULT_LATENCY = 1.0
DEFAULT_COUNT = 4
MAX_COUNT = 10_000
DEFAULT_TIMEOUT = 30.0
#: The longest --latency or --timeout, in seconds (about 11.6 days).
MAX_SECONDS = 1e6


def _seconds(text: str, *, zero_ok: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    low = ">= 0" if zero_ok else "> 0"
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds {low}, not {text!r}")
    if value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_SECONDS:g} seconds (about 11 days), not {text!r}"
        )
    return value


def non_negative_seconds(text: str) -> float:
    """argparse type for ``--latency``: 0 (no latency) to :data:`MAX_SECONDS`."""
    return _seconds(text, zero_ok=True)


def timeout_seconds(text: str) -> float:
    """argparse type for ``--timeout``: more than 0, at most :data:`MAX_SECONDS`."""
    return _seconds(text, zero_ok=False)


def _int_in(text: str, low: int, high: int | None, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of {what}: {text!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise argparse.ArgumentTypeError(f"the number of {what} must be {bounds}, not {text!r}")
    return value


def document_count(text: str) -> int:
    """argparse type for ``--count``."""
    return _int_in(text, 1, MAX_COUNT, "documents")


def download_limit(text: str) -> int:
    """argparse type for ``--limit`` (more than --count's maximum is no limit)."""
    return _int_in(text, 1, None, "downloads")


def add_options(lesson: object, *, limits: bool) -> None:
    """``--url``, ``--latency``, ``--count``; with ``limits``, ``--limit`` and ``--timeout``."""
    add = lesson.add_argument  # type: ignore[attr-defined]
    add(
        "--url",
        action="append",
        metavar="URL",
        help="download URL instead of the embedded documents (repeatable); "
        "a path such as /pub/irs-pdf/nope.pdf is a URL on the embedded server",
    )
    add(
        "--latency",
        type=non_negative_seconds,
        default=DEFAULT_LATENCY,
        metavar="S",
        help=f"seconds the embedded server takes per document (default {DEFAULT_LATENCY:g})",
    )
    add(
        "--count",
        type=document_count,
        default=DEFAULT_COUNT,
        metavar="N",
        help=f"number of embedded documents (default {DEFAULT_COUNT}, the video's;"
        f" at most {MAX_COUNT})",
    )
    if not limits:
        return
    add(
        "--limit",
        type=download_limit,
        metavar="K",
        help="at most K downloads at a time (default: no limit)",
    )
    add(
        "--timeout",
        type=timeout_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds allowed for each download (default {DEFAULT_TIMEOUT:g})",
    )

"""Bad input on w8s4's and w8s4_limits' command lines, every flavour and
backend: their options (usage errors, exit 2), and a download that fails
(one line, exit 1): the video's code stops at the first failure,
w8s4_limits says each failed download in the same words everywhere.  How a
row is run and checked: tests/bad_input.py.  Every row runs in the test's
process (none needs a process of its own).
"""

import pytest

from tests.bad_input import Bad, check, outcome, params, run_in_processes
from tests.w8s4_support import closed_port

CLOSED = closed_port()
#: a server slower than the client's patience
SLOW = ("--latency", "2", "--timeout", "0.5")


LIMITS_ASYNCIO, LIMITS_ANYIO = "lessons_asyncio.w8s4_limits", "lessons_anyio.w8s4_limits"
BACKEND = {"faithful": (), "asyncio": ("--backend", "asyncio"), "trio": ("--backend", "trio")}
VIDEO = "the video's code stops at the first failure"
#: (row name, demo, URL, how the line names the download, the reason)
FIRST_FAILURES = [
    (
        "bad-port",
        "concurrent",
        "http://127.0.0.1:99999/",
        "download of 'http://127.0.0.1:99999/'",
        "invalid URL: port out of range 0-65535",
    ),
    ("xn", "sequential", "http://xn--/", "download of 'http://xn--/'", "invalid host name 'xn--'"),
    (
        "empty-label",
        "lines",
        "http://a..b/",
        "download of 'http://a..b/'",
        "invalid host name 'a..b'",
    ),
    (
        "newline",
        "concurrent",
        "http://h/a\nb",
        "download of 'http://h/a\\nb'",
        "invalid URL: control or undecodable characters in it",
    ),
    (
        "ftp",
        "lines",
        "ftp://127.0.0.1/x",
        "download of 'ftp://127.0.0.1/x'",
        "unsupported scheme 'ftp' (http and https only)",
    ),
]
#: (row name, demo, arguments, the one line) for each flavour and backend
LIMITS_FAILURES = [
    (
        "bad-port",
        "concurrent",
        ("--url", "http://127.0.0.1:99999/"),
        "'http://127.0.0.1:99999/' failed: invalid URL: port out of range 0-65535",
    ),
    ("xn", "lines", ("--url", "http://xn--/"), "'http://xn--/' failed: invalid host name 'xn--'"),
    (
        "empty-label",
        "sequential",
        ("--url", "http://a..b/"),
        "'http://a..b/' failed: invalid host name 'a..b'",
    ),
    (
        "newline",
        "concurrent",
        ("--url", "http://h/a\nb"),
        "'http://h/a\\nb' failed: invalid URL: control or undecodable characters in it",
    ),
    (
        "undecodable",
        "sequential",
        ("--url", f"http://127.0.0.1:{CLOSED}/\udcff"),
        f"'http://127.0.0.1:{CLOSED}/\\udcff' failed: invalid URL: control or undecodable",
    ),
    (
        "refused",
        "sequential",
        ("--url", f"http://127.0.0.1:{CLOSED}/"),
        f"'http://127.0.0.1:{CLOSED}/' failed: connection refused",
    ),
    (
        "ftp",
        "lines",
        ("--url", "ftp://127.0.0.1/f1040.pdf"),
        "'ftp://127.0.0.1/f1040.pdf' failed: unsupported scheme 'ftp' (http and https only)",
    ),
    (
        "no-host",
        "concurrent",
        ("--url", "http:///nohost"),
        "'http:///nohost' failed: no host in the URL",
    ),
    (
        "no-scheme",
        "sequential",
        ("--url", "notaurl"),
        "'notaurl' failed: not a URL: no scheme (http:// or https://)",
    ),
    (
        "bad-ipv6",
        "lines",
        ("--url", "http://[::1/"),
        "'http://[::1/' failed: invalid URL: invalid IPv6 URL",
    ),
    ("404", "sequential", ("--url", "/nope.pdf"), "/nope.pdf' failed: HTTP 404 Not Found"),
    # (on virtual time: the blocking clients of sequential count real seconds)
    (
        "timeout",
        "concurrent",
        ("--url", "/pub/irs-pdf/f1040.pdf", *SLOW),
        "/pub/irs-pdf/f1040.pdf' failed: timed out after 0.5 s",
    ),
]

ROWS = [
    # -- w8s4: its options (usage errors, exit 2) -----------------------------
    Bad(
        "w8s4-count-not-whole",
        ("lessons_anyio.w8s4", "--count", "1e3"),
        2,
        "argument --count: not a whole number of documents: '1e3'",
    ),
    Bad(
        "w8s4-count-too-many",
        ("lessons_asyncio.w8s4", "--count", "10001"),
        2,
        "argument --count: the number of documents must be from 1 to 10000, not '10001'",
    ),
    Bad(
        "w8s4-latency-nan",
        ("lessons_asyncio.w8s4", "--latency", "nan"),
        2,
        "argument --latency: must be a finite number of seconds >= 0, not 'nan'",
    ),
    Bad(
        "w8s4-latency-past-the-clock",
        ("lessons_anyio.w8s4", "--latency", "1e10"),
        2,
        "argument --latency: must be at most 1e+06 seconds (about 11 days), not '1e10'",
    ),
    Bad(
        "w8s4-url-missing",
        ("lessons_anyio.w8s4", "sequential", "--url"),
        2,
        "argument --url: expected one argument",
    ),
    # the video's code has no limit and no timeout: those are w8s4_limits'
    Bad(
        "w8s4-has-no-limit",
        ("lessons_asyncio.w8s4", "concurrent", "--limit", "3"),
        2,
        "unrecognized arguments: --limit 3",
    ),
    Bad(
        "w8s4-has-no-timeout",
        ("lessons_anyio.w8s4", "concurrent", "--timeout", "5"),
        2,
        "unrecognized arguments: --timeout 5",
    ),
    Bad(
        "limits-limit-negative",
        (LIMITS_ASYNCIO, "concurrent", "--limit", "-3"),
        2,
        "argument --limit: the number of downloads must be at least 1, not '-3'",
    ),
    Bad(
        "limits-limit-not-a-number",
        (LIMITS_ANYIO, "concurrent", "--limit", "lots"),
        2,
        "argument --limit: not a whole number of downloads: 'lots'",
    ),
    Bad(
        "limits-timeout-inf",
        (LIMITS_ANYIO, "--timeout", "inf"),
        2,
        "argument --timeout: must be a finite number of seconds > 0, not 'inf'",
    ),
    Bad(
        "limits-timeout-overflows",
        (LIMITS_ASYNCIO, "sequential", "--timeout", "1e10"),
        2,
        "argument --timeout: must be at most 1e+06 seconds (about 11 days), not '1e10'",
    ),
    Bad(
        "limits-timeout-zero",
        (LIMITS_ANYIO, "sequential", "--timeout", "0"),
        2,
        "argument --timeout: must be a finite number of seconds > 0, not '0'",
    ),
    Bad(
        "limits-timeout-past-float",
        (LIMITS_ASYNCIO, "--timeout", "1e309"),
        2,
        "argument --timeout: must be a finite number of seconds > 0, not '1e309'",
    ),
    # -- w8s4, the video's code: the first failure ends the demo, in one line (exit 1)
    *[
        Bad(
            f"w8s4-first-failure-{name}-{run}",
            (
                "lessons_asyncio.w8s4" if run == "faithful" else "lessons_anyio.w8s4",
                demo,
                *BACKEND[run],
                "--url",
                url,
            ),
            1,
            f"error: {demo}: {what} failed: {reason} (the video's code stops at the first failure)",
            output=True,
        )
        for name, demo, url, what, reason in FIRST_FAILURES
        for run in ("faithful", "asyncio", "trio")
    ],
    # -- w8s4_limits: a failed download is one line, the same words everywhere (exit 1)
    *[
        Bad(
            f"limits-{name}-{run}",
            (LIMITS_ASYNCIO if run == "faithful" else LIMITS_ANYIO, demo, *BACKEND[run], *args),
            1,
            says,
            output=True,
        )
        for name, demo, args, says in LIMITS_FAILURES
        for run in ("faithful", "asyncio", "trio")
    ],
    # -- modern w8s4: as the video's code, the first failure ends the demo (exit 1)
    Bad(
        "modern-w8s4-first-failure-refused",
        ("lessons_asyncio.modern.w8s4", "sequential", "--url", f"http://127.0.0.1:{CLOSED}/"),
        1,
        f"error: sequential: download of 'http://127.0.0.1:{CLOSED}/' failed: connection refused"
        f" ({VIDEO})",
        output=True,
    ),
    *[
        Bad(
            f"w8s4-first-failure-{name}-modern",
            ("lessons_asyncio.modern.w8s4", demo, "--url", url),
            1,
            f"error: {demo}: {what} failed: {reason} ({VIDEO})",
            output=True,
        )
        for name, demo, url, what, reason in FIRST_FAILURES
    ],
    # -- modern w8s4_limits: each failed download one line, in the same words (exit 1)
    *[
        Bad(
            f"limits-{name}-modern",
            ("lessons_asyncio.modern.w8s4_limits", demo, *args),
            1,
            says,
            output=True,
        )
        for name, demo, args, says in LIMITS_FAILURES
    ],
]


@pytest.fixture(scope="module")
def in_processes(tmp_path_factory):
    """This table's rows that need a process of their own, run at once."""
    return run_in_processes(ROWS, tmp_path_factory)


@pytest.mark.parametrize("row", params(ROWS))
def test_bad_input(row, request, tmp_path, monkeypatch, caplog):
    check(row, outcome(row, request, tmp_path, monkeypatch), caplog)

"""w8s4_limits — lesson w8s4, hardened: limits, timeouts, failures (not in the video).

The video's three ways to download its four documents
(``lessons_asyncio.modern.w8s4``), as they are written once they must hold on
a real network: at most ``--limit`` downloads at a time (an
``asyncio.Semaphore``), a ``--timeout`` for each download, and a download
that fails (connection refused, unknown host, HTTP error, timeout, bad URL)
is one line on stderr, in the same words whatever the library, while the
others go on; at the end, the exit code is 1 if any failed.  Everything here
that is not in the video says so.

Run it:
    python -m lessons_asyncio.modern.w8s4_limits                  # all demos, in order
    python -m lessons_asyncio.modern.w8s4_limits concurrent --count 20 --limit 5
    python -m lessons_asyncio.modern.w8s4_limits sequential --url http://nothing.invalid/
    python -m lessons_asyncio.modern.w8s4_limits --help           # the options

Differs from the video:
- ``sequential``: the blocking ``requests.get`` runs in a worker thread
  (``await asyncio.to_thread(...)``), as blocking calls must in async code:
  still one document after the other, but the event loop stays free
  meanwhile (here it runs the embedded server);
- ``concurrent`` and ``lines``: one ``aiohttp.ClientSession`` shared by all
  the downloads (it pools the connections), not one session per URL, and an
  ``asyncio.TaskGroup`` instead of ``gather``: leaving the ``async with``
  block waits for every download;
- ``--limit`` is an ``asyncio.Semaphore`` held with ``async with`` (as in
  the faithful variant: the video has no limit);
- ``--timeout`` is an ``asyncio.timeout()`` around each download, a block
  of several awaits (the request, then reading the body), instead of
  aiohttp's ``ClientTimeout``; the blocking ``requests`` keeps its own
  timeout (a timeout in the loop cannot reach into a thread);
- durations come from the running loop's monotonic clock (``loop.time()``)
  instead of ``time.time()``, a wall clock that may jump.

What anyio adds beyond it:
- ``CapacityLimiter``, which knows who holds its tokens (and bounds
  ``to_thread.run_sync``'s threads: 40 by default), and ``fail_after`` /
  ``move_on_after`` cancel scopes, whose cancellation is level-triggered: a
  download that swallowed it would be cancelled again at its next ``await``;
- ``to_thread.run_sync(..., abandon_on_cancel=True)``: Ctrl-C need not wait
  for a blocking download (``asyncio.to_thread`` stops awaiting it, but
  closing the loop waits for its thread);
- the same code on trio, with httpx (aiohttp runs on asyncio only).
"""

import asyncio

import aiohttp
import requests

from common.runner import Lesson
from common.w8s4 import check_downloads, download_failed, with_embedded_server

lesson = Lesson(__name__)

urls = [
    "https://www.irs.gov/pub/irs-pdf/f1040.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040es.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040c.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040esn.pdf",
]
# Not in the video (running offline forces it): while a demo runs, ``urls``
# lists these documents on the lesson's own server on 127.0.0.1 (--latency,
# --count), or the URLs of --url.  The options --limit and --timeout reach
# the demos as ``limit`` and ``timeout``.
urls = with_embedded_server(lesson, urls, limits=True)

#: What a failed download may raise: the libraries' errors, and more for a
#: bad URL (ValueError, UnicodeError, OverflowError, an ExceptionGroup from
#: a connect…): each is one line, whatever it is.
FAILURES = Exception


def one_session():
    # One session for all the downloads.  Its connector would allow only 100
    # connections at a time: unbounded here, so that --limit is the only limit.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))


async def fetch(session, url, semaphore, timeout):  # noqa: ASYNC109 (the lesson's --timeout)
    # Not in the video: at most --limit downloads at a time
    async with semaphore:
        print(f"fetching {url}")

        # Not in the video: a failed download is a line, not a crash
        try:
            # one deadline for the whole download: the request and the body
            async with asyncio.timeout(timeout):
                async with session.get(url) as response:
                    response.raise_for_status()
                    raw = await response.read()
        except FAILURES as exc:
            download_failed(url, exc)
            return
        print(f"{url} returned {len(raw)} bytes")


async def fetch_urls(limit, timeout):  # noqa: ASYNC109 (the lesson's --timeout)
    # Not in the video: a semaphore, the asyncio way to bound concurrency
    semaphore = asyncio.Semaphore(limit or len(urls))
    async with one_session() as session, asyncio.TaskGroup() as tg:
        for url in urls:
            tg.create_task(fetch(session, url, semaphore, timeout))


async def fetch2(session, url, i, semaphore, timeout):  # noqa: ASYNC109 (the lesson's --timeout)
    async with semaphore:
        try:
            async with asyncio.timeout(timeout):
                async with session.get(url) as response:
                    response.raise_for_status()
                    # avec ici une itération asynchrone (here, an asynchronous iteration)
                    async for _line in response.content:
                        print(f"{i}", end="")
        except FAILURES as exc:
            download_failed(url, exc)
    return url


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
async def sequential(timeout):  # noqa: ASYNC109 (the lesson's --timeout, given to requests)
    """requests.get, one document after the other: the waits add up"""
    loop = asyncio.get_running_loop()
    beg = loop.time()

    for url in urls:
        # Not in the video: a timeout, and a failed download is a line, not a crash
        try:
            # a blocking call goes to a worker thread: the loop stays free
            req = await asyncio.to_thread(requests.get, url, timeout=timeout)
            req.raise_for_status()
        except FAILURES as exc:
            download_failed(url, exc)
            continue
        print(f"{url} returned {len(req.text)} chars")

    # Not in the video: the duration rounded to the millisecond
    print(f"duration = {loop.time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
async def concurrent(limit, timeout):  # noqa: ASYNC109 (the lesson's --timeout, per download)
    """aiohttp, all the documents at once: the waits overlap"""
    loop = asyncio.get_running_loop()

    beg = loop.time()
    await fetch_urls(limit, timeout)
    print(f"duration = {loop.time() - beg:.3f}s")
    check_downloads()


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
async def lines(limit, timeout):  # noqa: ASYNC109 (the lesson's --timeout, per download)
    """async for over the lines of each response: the indices interleave"""
    # Not in the video: at most --limit downloads at a time
    semaphore = asyncio.Semaphore(limit or len(urls))
    loop = asyncio.get_running_loop()
    beg = loop.time()

    async with one_session() as session, asyncio.TaskGroup() as tg:
        for i, url in enumerate(urls):
            tg.create_task(fetch2(session, url, i, semaphore, timeout))
    # Not in the video: end the line of indices, and time this one too
    print()
    print(f"duration = {loop.time() - beg:.3f}s")
    check_downloads()


if __name__ == "__main__":
    lesson.main()

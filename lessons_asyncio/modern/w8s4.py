"""w8s4 — Extensions asynchrones du langage (asynchronous HTTP).

The video downloads four tax forms from www.irs.gov
(``https://www.irs.gov/pub/irs-pdf/f1040.pdf``, ``f1040es.pdf``,
``f1040c.pdf``, ``f1040esn.pdf``) three ways.  First with ``requests``, one
after the other: each ``get`` blocks until its document is there, so the
total is the sum of the waits (9.8 s in the video).  Then with ``aiohttp``:
one task per URL, all in a task group, so the waits overlap and the total is
about the longest one (2.2 s).  Last, reading each response line by line with
``async for``: the index of each download, printed for every line received,
shows the four downloads progressing together.

Not in the video: by default the lesson downloads from its own local server
(``common/server.py``), which serves stand-ins for the four documents, each
in ``--latency`` seconds, so that it works offline; ``--url`` fetches real
URLs instead.  A download that fails (connection refused, unknown host, HTTP
error, timeout, bad URL) is one line on stderr; the others go on, and the
exit code is 1.

Run it:
    python -m lessons_asyncio.modern.w8s4                  # all demos, in order
    python -m lessons_asyncio.modern.w8s4 concurrent --count 20 --limit 5
    python -m lessons_asyncio.modern.w8s4 --help           # the options

Differs from the video:
- the baseline's blocking ``requests.get`` runs in a worker thread
  (``await asyncio.to_thread(...)``), as blocking calls must in async code:
  still one document after the other, but the event loop stays free
  meanwhile (here it runs the embedded server);
- one ``aiohttp.ClientSession`` shared by all the downloads (it pools the
  connections), not one session per URL, and an ``asyncio.TaskGroup``
  instead of ``gather``: leaving the ``async with`` block waits for every
  download;
- ``--limit`` is an ``asyncio.Semaphore`` held with ``async with`` (the
  faithful version has one too: the video has no limit);
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
- the same code on trio, with httpx (aiohttp runs on asyncio only).
"""

import asyncio

import aiohttp
import requests

from common.runner import Lesson
from common.w8s4 import check_downloads, download_failed, with_embedded_server

lesson = Lesson(__name__)
# The options (--url, --latency, --count, --limit, --timeout) and the local
# server each demo downloads from: the seed's list ``urls`` is given to each
# demo, with the embedded server's URLs or those of --url.
with_embedded_server(lesson)


async def fetch(session, url, semaphore, seconds):
    # Not in the video: at most --limit downloads at a time
    async with semaphore:
        print(f"fetching {url}")

        # Not in the video: a failed download is a line, not a crash
        try:
            # one deadline for the whole download: the request and the body
            async with asyncio.timeout(seconds):
                async with session.get(url) as response:
                    response.raise_for_status()
                    raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            download_failed(url, exc)
            return
        print(f"{url} returned {len(raw)} bytes")


async def fetch_urls(urls, limit, seconds):
    # Not in the video: a semaphore bounds concurrency
    semaphore = asyncio.Semaphore(limit or len(urls))
    # One session for all the downloads.  Its connector would allow only 100
    # connections at a time: unbounded here, so that --limit is the only limit.
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session,
        asyncio.TaskGroup() as tg,
    ):
        for url in urls:
            tg.create_task(fetch(session, url, semaphore, seconds))


async def fetch2(session, url, i, semaphore, seconds):
    async with semaphore:
        try:
            async with asyncio.timeout(seconds):
                async with session.get(url) as response:
                    response.raise_for_status()
                    # avec ici une itération asynchrone (here, an asynchronous iteration)
                    async for _line in response.content:
                        print(f"{i}", end="")
        except (aiohttp.ClientError, TimeoutError) as exc:
            download_failed(url, exc)
    return url


@lesson.demo
async def sequential(urls, timeout):  # noqa: ASYNC109 (the lesson's --timeout, per download)
    """requests.get in a worker thread, one document after the other: the waits add up"""
    loop = asyncio.get_running_loop()
    beg = loop.time()

    for url in urls:
        # Not in the video: a timeout, and a failed download is a line, not a crash
        try:
            # a blocking call goes to a worker thread: the loop stays free
            req = await asyncio.to_thread(requests.get, url, timeout=timeout)
            req.raise_for_status()
        except requests.RequestException as exc:
            download_failed(url, exc)
            continue
        print(f"{url} returned {len(req.text)} chars")

    # Not in the video: the duration rounded to the millisecond
    print(f"duration = {loop.time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo
async def concurrent(urls, limit, timeout):  # noqa: ASYNC109 (the lesson's --timeout)
    """aiohttp, all the documents at once in a task group: the waits overlap"""
    loop = asyncio.get_running_loop()
    beg = loop.time()
    await fetch_urls(urls, limit, timeout)
    print(f"duration = {loop.time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo
async def lines(urls, limit, timeout):  # noqa: ASYNC109 (the lesson's --timeout)
    """async for over the lines of each response: the indices interleave"""
    # Not in the video: at most --limit downloads at a time
    semaphore = asyncio.Semaphore(limit or len(urls))
    loop = asyncio.get_running_loop()
    beg = loop.time()

    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session,
        asyncio.TaskGroup() as tg,
    ):
        for i, url in enumerate(urls):
            tg.create_task(fetch2(session, url, i, semaphore, timeout))
    # Not in the video: end the line of indices, and time this one too
    print()
    print(f"duration = {loop.time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


if __name__ == "__main__":
    lesson.main()

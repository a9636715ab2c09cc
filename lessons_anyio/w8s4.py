"""w8s4 — Extensions asynchrones du langage (asynchronous HTTP).

The video downloads four tax forms from www.irs.gov
(``https://www.irs.gov/pub/irs-pdf/f1040.pdf``, ``f1040es.pdf``,
``f1040c.pdf``, ``f1040esn.pdf``) three ways.  First with a blocking client,
one after the other: each ``get`` blocks until its document is there, so the
total is the sum of the waits (9.8 s in the video).  Then with an async
client: one task per URL, all in a task group, so the waits overlap and the
total is about the longest one (2.2 s).  Last, reading each response line by
line with ``async for``: the index of each download, printed for every line
received, shows the four downloads progressing together.

Not in the video: by default the lesson downloads from its own local server
(``common/server.py``), which serves stand-ins for the four documents, each
in ``--latency`` seconds, so that it works offline; ``--url`` fetches real
URLs instead.  A download that fails (connection refused, unknown host, HTTP
error, timeout, bad URL) is one line on stderr; the others go on, and the
exit code is 1.

Run it:
    python -m lessons_anyio.w8s4 --backend trio           # all demos, in order
    python -m lessons_anyio.w8s4 concurrent --count 20 --limit 5 --backend trio
    python -m lessons_anyio.w8s4 sequential --url https://www.irs.gov/pub/irs-pdf/f1040.pdf
    python -m lessons_anyio.w8s4 --help                   # the options

Differs from the asyncio version:
- one library, httpx, instead of two (requests, aiohttp): its blocking
  ``Client`` for the baseline, its ``AsyncClient`` for the rest, on asyncio
  and on trio;
- the baseline's blocking calls run in a worker thread
  (``anyio.to_thread.run_sync``), as blocking calls must in async code: still
  one document after the other, but the event loop stays free meanwhile (here
  it runs the embedded server);
- one ``AsyncClient`` shared by all the downloads (it pools connections), not
  one session per URL, and a task group instead of ``gather``: leaving the
  ``async with`` block waits for every download;
- ``--limit`` takes a ``CapacityLimiter`` instead of an ``asyncio.Semaphore``;
- ``--timeout`` is a cancel scope around each download (``anyio.fail_after``)
  instead of aiohttp's ``ClientTimeout``; the blocking client keeps httpx's
  own timeout (a cancel scope cannot reach into a thread);
- ``lines`` streams with ``client.stream()`` and reads ``aiter_lines()``
  instead of iterating over ``response.content``;
- durations come from ``anyio.current_time()``, the event loop's monotonic
  clock, instead of ``time.time()``, a wall clock that may jump;
- trio does not order the tasks that start or wake at the same instant: the
  ``fetching`` lines, and the indices of one instant, come in any order.
"""

import anyio
import httpx

from common.downloads import check_downloads, download_failed, with_embedded_server
from common.runner import Lesson

lesson = Lesson(__name__)
# The options (--url, --latency, --count, --limit, --timeout) and the local
# server each demo downloads from: the seed's list ``urls`` is given to each
# demo, with the embedded server's URLs or those of --url.
with_embedded_server(lesson)


async def fetch(client, url, limiter, timeout):
    # Not in the video: at most --limit downloads at a time
    async with limiter:
        print(f"fetching {url}")

        # Not in the video: a failed download is a line, not a crash
        try:
            # the timeout is a cancel scope around the whole download
            with anyio.fail_after(timeout):
                response = await client.get(url)
            response.raise_for_status()
        except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as exc:
            download_failed(url, exc)
            return
        print(f"{url} returned {len(response.content)} bytes")


async def fetch_urls(urls, limit, timeout):
    # Not in the video: a capacity limiter bounds concurrency
    limiter = anyio.CapacityLimiter(limit or len(urls))
    # One client for all the downloads.  Its pool would allow only 100
    # connections at a time: unbounded here, so that --limit is the only limit.
    async with httpx.AsyncClient(timeout=None, limits=httpx.Limits(max_connections=None)) as client:
        async with anyio.create_task_group() as tg:
            for url in urls:
                tg.start_soon(fetch, client, url, limiter, timeout)


async def fetch2(client, url, i, limiter, timeout):
    async with limiter:
        try:
            with anyio.fail_after(timeout):
                async with client.stream("GET", url) as response:
                    response.raise_for_status()
                    # avec ici une itération asynchrone (here, an asynchronous iteration)
                    async for line in response.aiter_lines():
                        print(f"{i}", end="")
        except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as exc:
            download_failed(url, exc)
    return url


@lesson.demo
async def sequential(urls, timeout):
    """httpx.Client, one document after the other: the waits add up"""
    beg = anyio.current_time()

    with httpx.Client(timeout=timeout) as client:
        for url in urls:
            # Not in the video: a timeout, and a failed download is a line, not a crash
            try:
                # a blocking call goes to a worker thread: the loop stays free
                req = await anyio.to_thread.run_sync(client.get, url)
                req.raise_for_status()
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                download_failed(url, exc)
                continue
            print(f"{url} returned {len(req.text)} chars")

    # Not in the video: the duration rounded to the millisecond
    print(f"duration = {anyio.current_time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo
async def concurrent(urls, limit, timeout):
    """httpx.AsyncClient, all the documents at once: the waits overlap"""
    beg = anyio.current_time()
    await fetch_urls(urls, limit, timeout)
    print(f"duration = {anyio.current_time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo
async def lines(urls, limit, timeout):
    """async for over the lines of each response: the indices interleave"""
    # Not in the video: at most --limit downloads at a time
    limiter = anyio.CapacityLimiter(limit or len(urls))
    beg = anyio.current_time()

    async with httpx.AsyncClient(timeout=None, limits=httpx.Limits(max_connections=None)) as client:
        async with anyio.create_task_group() as tg:
            for i, url in enumerate(urls):
                tg.start_soon(fetch2, client, url, i, limiter, timeout)
    # Not in the video: end the line of indices, and time this one too
    print()
    print(f"duration = {anyio.current_time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


if __name__ == "__main__":
    lesson.main()

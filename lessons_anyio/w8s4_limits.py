"""w8s4_limits — lesson w8s4, hardened: limits, timeouts, failures (not in the video).

The video's three ways to download its four documents (``lessons_anyio.w8s4``),
as they are written once they must hold on a real network: at most
``--limit`` downloads at a time (an ``anyio.CapacityLimiter``), a
``--timeout`` for each download, and a download that fails (connection
refused, unknown host, HTTP error, timeout, bad URL) is one line on stderr,
in the same words whatever the library, while the others go on; at the end,
the exit code is 1 if any failed.  Everything here that is not in the video
says so.

Run it:
    python -m lessons_anyio.w8s4_limits --backend trio           # all demos, in order
    python -m lessons_anyio.w8s4_limits concurrent --count 20 --limit 5 --backend trio
    python -m lessons_anyio.w8s4_limits sequential --url http://nothing.invalid/ --timeout 2
    python -m lessons_anyio.w8s4_limits --help                   # the options

Differs from the asyncio version:
- one library, httpx, instead of two (requests, aiohttp): its blocking
  ``Client`` for the baseline (in a worker thread, abandoned on Ctrl-C), its
  ``AsyncClient`` for the rest, on asyncio and on trio;
- one ``AsyncClient`` shared by all the downloads (it keeps connections alive
  and reuses them), its pool unbounded so that ``--limit`` is the only limit,
  and a task group instead of ``gather``;
- ``--limit`` takes a ``CapacityLimiter`` instead of an ``asyncio.Semaphore``;
- ``--timeout`` is a cancel scope around each download (``anyio.fail_after``)
  instead of aiohttp's ``ClientTimeout``; the blocking client keeps httpx's
  own timeout (a cancel scope cannot reach into a thread);
- ``lines`` reads ``aiter_lines()``, which decodes the bytes to text, instead
  of the raw byte lines of ``response.content``;
- httpx is told not to look for a proxy when every URL is the embedded
  server's (``trust_env=use_proxies()``): aiohttp does not look by default;
- nor, then, to load its certificates (``verify=certificates()``): such a
  client only speaks plain HTTP, and httpx loads them for each client it
  makes, some 20 ms before the first download (aiohttp, once per process);
- durations come from ``anyio.current_time()``, the event loop's monotonic
  clock, instead of ``time.time()``, a wall clock that may jump;
- trio does not order the tasks that start or wake at the same instant: the
  ``fetching`` lines, and the indices of one instant, come in any order.
"""

import anyio
import httpx

from common.runner import Lesson
from common.w8s4 import (
    certificates,
    check_downloads,
    download_failed,
    use_proxies,
    with_embedded_server,
)

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


# One client for all the downloads.  Its pool would allow only 100
# connections at a time: unbounded here, so that --limit is the only limit.
UNBOUNDED = httpx.Limits(max_connections=None)


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
        except FAILURES as exc:
            download_failed(url, exc)
            return
        print(f"{url} returned {len(response.content)} bytes")


async def fetch_urls(limit, timeout):
    # Not in the video: a capacity limiter bounds concurrency
    limiter = anyio.CapacityLimiter(limit or len(urls))
    async with httpx.AsyncClient(
        timeout=None, limits=UNBOUNDED, trust_env=use_proxies(), verify=certificates()
    ) as client:
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
        except FAILURES as exc:
            download_failed(url, exc)
    return url


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
async def sequential(timeout):
    """httpx.Client, one document after the other: the waits add up"""
    beg = anyio.current_time()

    with httpx.Client(timeout=timeout, trust_env=use_proxies(), verify=certificates()) as client:
        for url in urls:
            # Not in the video: a timeout, and a failed download is a line, not a crash
            try:
                # a blocking call goes to a worker thread: the loop stays free;
                # Ctrl-C abandons it (it ends on its own, and prints nothing)
                req = await anyio.to_thread.run_sync(client.get, url, abandon_on_cancel=True)
                req.raise_for_status()
            except FAILURES as exc:
                download_failed(url, exc)
                continue
            print(f"{url} returned {len(req.text)} chars")

    # Not in the video: the duration rounded to the millisecond
    print(f"duration = {anyio.current_time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
async def concurrent(limit, timeout):
    """httpx.AsyncClient, all the documents at once: the waits overlap"""
    beg = anyio.current_time()
    await fetch_urls(limit, timeout)
    print(f"duration = {anyio.current_time() - beg:.3f}s")
    check_downloads()


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
async def lines(limit, timeout):
    """async for over the lines of each response: the indices interleave"""
    # Not in the video: at most --limit downloads at a time
    limiter = anyio.CapacityLimiter(limit or len(urls))
    beg = anyio.current_time()

    async with httpx.AsyncClient(
        timeout=None, limits=UNBOUNDED, trust_env=use_proxies(), verify=certificates()
    ) as client:
        async with anyio.create_task_group() as tg:
            for i, url in enumerate(urls):
                tg.start_soon(fetch2, client, url, i, limiter, timeout)
    # Not in the video: end the line of indices, and time this one too
    print()
    print(f"duration = {anyio.current_time() - beg:.3f}s")
    check_downloads()


if __name__ == "__main__":
    lesson.main()

"""w8s4_limits — lesson w8s4, hardened: limits, timeouts, failures (not in the video).

The video's three ways to download its four documents (``lessons_asyncio.w8s4``),
as they are written once they must hold on a real network: at most
``--limit`` downloads at a time (an ``asyncio.Semaphore``), a ``--timeout``
for each download, and a download that fails (connection refused, unknown
host, HTTP error, timeout, bad URL) is one line on stderr, in the same words
whatever the library, while the others go on; at the end, the exit code is 1
if any failed.  Everything here that is not in the video says so.

Run it:
    python -m lessons_asyncio.w8s4_limits                        # all demos, in order
    python -m lessons_asyncio.w8s4_limits concurrent --count 20 --limit 5
    python -m lessons_asyncio.w8s4_limits sequential --url http://nothing.invalid/ --timeout 2
    python -m lessons_asyncio.w8s4_limits --help                 # the options
"""

import asyncio
import time

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


async def fetch(url, semaphore, timeout):
    # Not in the video: at most --limit downloads at a time
    async with semaphore:
        # One session per URL, as in the video.  Better practice: one session
        # for all the downloads, which pools and reuses the connections.
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            print(f"fetching {url}")

            # Not in the video: a failed download is a line, not a crash
            try:
                async with session.get(url) as response:
                    response.raise_for_status()
                    raw = await response.read()
                    print(f"{url} returned {len(raw)} bytes")
            except FAILURES as exc:
                download_failed(url, exc)


async def fetch_urls(limit, timeout):
    # Not in the video: a semaphore, the asyncio way to bound concurrency
    semaphore = asyncio.Semaphore(limit or len(urls))
    await asyncio.gather(*(fetch(url, semaphore, timeout) for url in urls))


async def fetch2(url, i, semaphore, timeout):
    async with semaphore:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            try:
                async with session.get(url) as response:
                    response.raise_for_status()
                    # avec ici une itération asynchrone (here, an asynchronous iteration)
                    async for line in response.content:
                        print(f"{i}", end="")
            except FAILURES as exc:
                download_failed(url, exc)
    return url


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
def sequential(timeout):
    """requests.get, one document after the other: the waits add up"""
    beg = time.time()

    for url in urls:
        # Not in the video: a timeout, and a failed download is a line, not a crash
        try:
            req = requests.get(url, timeout=timeout)
            req.raise_for_status()
        except FAILURES as exc:
            download_failed(url, exc)
            continue
        print(f"{url} returned {len(req.text)} chars")

    # Not in the video: the duration rounded to the millisecond
    print(f"duration = {time.time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
def concurrent(limit, timeout):
    """aiohttp, all the documents at once: the waits overlap"""
    loop = asyncio.get_event_loop()

    beg = time.time()
    loop.run_until_complete(fetch_urls(limit, timeout))
    print(f"duration = {time.time() - beg:.3f}s")
    check_downloads()


@lesson.demo(in_video=False)  # the variant is the project's: w8s4 hardened
def lines(limit, timeout):
    """async for over the lines of each response: the indices interleave"""
    # Not in the video: at most --limit downloads at a time
    semaphore = asyncio.Semaphore(limit or len(urls))
    beg = time.time()

    asyncio.get_event_loop().run_until_complete(
        asyncio.gather(*(fetch2(url, i, semaphore, timeout) for i, url in enumerate(urls)))
    )
    # Not in the video: end the line of indices, and time this one too
    print()
    print(f"duration = {time.time() - beg:.3f}s")
    check_downloads()


if __name__ == "__main__":
    lesson.main()

"""w8s4 — Extensions asynchrones du langage (asynchronous HTTP).

The video downloads four tax forms from www.irs.gov
(``https://www.irs.gov/pub/irs-pdf/f1040.pdf``, ``f1040es.pdf``,
``f1040c.pdf``, ``f1040esn.pdf``) three ways.  First with ``requests``, one
after the other: each ``get`` blocks until its document is there, so the
total is the sum of the waits (9.8 s in the video).  Then with ``aiohttp``:
one coroutine per URL, all gathered, so the waits overlap and the total is
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
    python -m lessons_asyncio.w8s4                        # all demos, in order
    python -m lessons_asyncio.w8s4 concurrent --count 20 --limit 5
    python -m lessons_asyncio.w8s4 sequential --url https://www.irs.gov/pub/irs-pdf/f1040.pdf
    python -m lessons_asyncio.w8s4 --help                 # the options
"""

import asyncio
import time

import aiohttp
import requests

from common.downloads import check_downloads, download_failed, with_embedded_server
from common.runner import Lesson

lesson = Lesson(__name__)
# The options (--url, --latency, --count, --limit, --timeout) and the local
# server each demo downloads from: the seed's list ``urls`` is given to each
# demo, with the embedded server's URLs or those of --url.
with_embedded_server(lesson)


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
            except (aiohttp.ClientError, TimeoutError) as exc:
                download_failed(url, exc)


async def fetch_urls(urls, limit, timeout):
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
            except (aiohttp.ClientError, TimeoutError) as exc:
                download_failed(url, exc)
    return url


@lesson.demo
def sequential(urls, timeout):
    """requests.get, one document after the other: the waits add up"""
    beg = time.time()

    for url in urls:
        # Not in the video: a timeout, and a failed download is a line, not a crash
        try:
            req = requests.get(url, timeout=timeout)
            req.raise_for_status()
        except requests.RequestException as exc:
            download_failed(url, exc)
            continue
        print(f"{url} returned {len(req.text)} chars")

    # Not in the video: the duration rounded to the millisecond
    print(f"duration = {time.time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo
def concurrent(urls, limit, timeout):
    """aiohttp, all the documents at once: the waits overlap"""
    loop = asyncio.get_event_loop()

    beg = time.time()
    loop.run_until_complete(fetch_urls(urls, limit, timeout))
    print(f"duration = {time.time() - beg:.3f}s")
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


@lesson.demo
def lines(urls, limit, timeout):
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
    # Not in the video: if a download failed, so does the demo (exit code 1)
    check_downloads()


if __name__ == "__main__":
    lesson.main()

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

Not in the video: offline, the lesson downloads the same documents from its
own local server (``common/w8s4/``), each in ``--latency`` seconds; ``--url``
fetches real URLs instead.  The video's code handles no failure: the first
failed download ends the demo, with one line saying which and why (exit code
1).  ``w8s4_limits`` is the same lesson hardened: at most ``--limit``
downloads at a time, a ``--timeout``, and a failed download is one line
while the others go on.

Run it:
    python -m lessons_asyncio.w8s4                        # all demos, in order
    python -m lessons_asyncio.w8s4 concurrent --count 20 --latency 0.5
    python -m lessons_asyncio.w8s4 sequential --url https://www.irs.gov/pub/irs-pdf/f1040.pdf
    python -m lessons_asyncio.w8s4 --help                 # the options
"""

import asyncio
import time

import aiohttp
import requests

from common.runner import Lesson
from common.w8s4 import with_embedded_server

lesson = Lesson(__name__)

urls = [
    "https://www.irs.gov/pub/irs-pdf/f1040.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040es.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040c.pdf",
    "https://www.irs.gov/pub/irs-pdf/f1040esn.pdf",
]
# Not in the video (running offline forces it): while a demo runs, ``urls``
# lists these documents on the lesson's own server on 127.0.0.1 (--latency,
# --count), or the URLs of --url.  Outside a demo, it is the list above.
urls = with_embedded_server(lesson, urls)


async def fetch(url):

    async with aiohttp.ClientSession() as session:
        print(f"fetching {url}")

        async with session.get(url) as response:
            raw = await response.read()
            print(f"{url} returned {len(raw)} bytes")


async def fetch_urls():
    await asyncio.gather(*(fetch(url) for url in urls))


async def fetch2(url, i):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            # avec ici une itération asynchrone (here, an asynchronous iteration)
            async for line in response.content:
                print(f"{i}", end="")
    return url


@lesson.demo
def sequential():
    """requests.get, one document after the other: the waits add up"""
    beg = time.time()

    for url in urls:
        req = requests.get(url)
        print(f"{url} returned {len(req.text)} chars")

    print(f"duration = {time.time() - beg}s")


@lesson.demo
def concurrent():
    """aiohttp, all the documents at once: the waits overlap"""
    loop = asyncio.get_event_loop()

    beg = time.time()
    loop.run_until_complete(fetch_urls())
    print(f"duration = {time.time() - beg}s")


@lesson.demo
def lines():
    """async for over the lines of each response: the indices interleave"""
    asyncio.get_event_loop().run_until_complete(
        asyncio.gather(*(fetch2(url, i) for i, url in enumerate(urls)))
    )
    # Not in the video: end the line of indices (there, IDLE's prompt does)
    print()


if __name__ == "__main__":
    lesson.main()

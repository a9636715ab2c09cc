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

Not in the video: offline, the lesson downloads the same documents from its
own local server (``common/w8s4/``), each in ``--latency`` seconds; ``--url``
fetches real URLs instead.  As in the video, no failure is handled: the
first failed download ends the demo, with one line saying which and why
(exit code 1).  ``w8s4_limits`` is the same lesson hardened: at most
``--limit`` downloads at a time, a ``--timeout``, and a failed download is
one line while the others go on.

Run it:
    python -m lessons_asyncio.modern.w8s4                  # all demos, in order
    python -m lessons_asyncio.modern.w8s4 concurrent --count 20 --latency 0.5
    python -m lessons_asyncio.modern.w8s4 --help           # the options

Differs from the video:
- the baseline's blocking ``requests.get`` runs in a worker thread
  (``await asyncio.to_thread(...)``), as blocking calls must in async code:
  still one document after the other, but the event loop stays free
  meanwhile (here it runs the embedded server);
- one ``aiohttp.ClientSession`` shared by all the downloads (it pools the
  connections), not one session per URL, and an ``asyncio.TaskGroup``
  instead of ``gather``: leaving the ``async with`` block waits for every
  download, and the first that fails cancels the others;
- no loop to get: each demo is a coroutine function that simply awaits, run
  by the runner as ``asyncio.run`` runs a ``main()``, not
  ``run_until_complete`` on the loop of ``get_event_loop()``;
- durations come from the running loop's monotonic clock (``loop.time()``)
  instead of ``time.time()``, a wall clock that may jump.

What anyio adds beyond it:
- task groups and cancel scopes on asyncio and on trio, with one HTTP
  library, httpx, for the blocking baseline and the rest (aiohttp runs on
  asyncio only);
- ``to_thread.run_sync(..., abandon_on_cancel=True)``: Ctrl-C need not wait
  for a blocking download (``asyncio.to_thread`` stops awaiting it, but
  closing the loop waits for its thread).
"""

import asyncio

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


async def fetch(session, url):
    print(f"fetching {url}")

    async with session.get(url) as response:
        raw = await response.read()
        print(f"{url} returned {len(raw)} bytes")


def one_session():
    # One session for all the downloads.  Its connector would allow only 100
    # connections at a time: unbounded here, as the video's sessions are.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))


async def fetch_urls():
    async with one_session() as session, asyncio.TaskGroup() as tg:
        for url in urls:
            tg.create_task(fetch(session, url))


async def fetch2(session, url, i):
    async with session.get(url) as response:
        # avec ici une itération asynchrone (here, an asynchronous iteration)
        async for _line in response.content:
            print(f"{i}", end="")
    return url


@lesson.demo
async def sequential():
    """requests.get, one document after the other: the waits add up"""
    loop = asyncio.get_running_loop()
    beg = loop.time()

    for url in urls:
        # a blocking call goes to a worker thread: the loop stays free
        req = await asyncio.to_thread(requests.get, url)
        print(f"{url} returned {len(req.text)} chars")

    print(f"duration = {loop.time() - beg}s")


@lesson.demo
async def concurrent():
    """aiohttp, all the documents at once: the waits overlap"""
    loop = asyncio.get_running_loop()

    beg = loop.time()
    await fetch_urls()
    print(f"duration = {loop.time() - beg}s")


@lesson.demo
async def lines():
    """async for over the lines of each response: the indices interleave"""
    async with one_session() as session, asyncio.TaskGroup() as tg:
        for i, url in enumerate(urls):
            tg.create_task(fetch2(session, url, i))
    # Not in the video: end the line of indices (there, IDLE's prompt does)
    print()


if __name__ == "__main__":
    lesson.main()

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

Not in the video: offline, the lesson downloads the same documents from its
own local server (``common/w8s4/``), each in ``--latency`` seconds; ``--url``
fetches real URLs instead.  As in the video, no failure is handled: the first
failed download ends the demo (its task group cancels the others), with one
line saying which and why (exit code 1).  ``w8s4_limits`` is the same lesson
hardened: at most ``--limit`` downloads at a time, a ``--timeout``, and a
failed download is one line while the others go on.

Run it:
    python -m lessons_anyio.w8s4 --backend trio           # all demos, in order
    python -m lessons_anyio.w8s4 concurrent --count 20 --latency 0.5 --backend trio
    python -m lessons_anyio.w8s4 sequential --url https://www.irs.gov/pub/irs-pdf/f1040.pdf
    python -m lessons_anyio.w8s4 --help                   # the options

Differs from the asyncio version:
- one library, httpx, instead of two (requests, aiohttp): its blocking
  ``Client`` for the baseline, its ``AsyncClient`` for the rest, on asyncio
  and on trio;
- the baseline's blocking calls run in a worker thread
  (``anyio.to_thread.run_sync``), as blocking calls must in async code: still
  one document after the other, but the event loop stays free meanwhile (here
  it runs the embedded server).  Ctrl-C abandons the thread
  (``abandon_on_cancel``): the demo stops at once, the thread ends on its own;
- one ``AsyncClient`` shared by all the downloads, not one session per URL:
  it keeps connections alive and reuses them; its pool is unbounded (httpx
  keeps 100 connections at a time by default), so that all run at once;
- a task group instead of ``gather``: leaving the ``async with`` block waits
  for every download, and the first failure cancels the others;
- ``lines`` streams with ``client.stream()`` and reads ``aiter_lines()``,
  which decodes the bytes to text (UTF-8 unless the response names another
  charset) and splits on any line ending, where ``response.content`` yields
  raw byte lines;
- ``timeout=None``: httpx would give up on a server silent for 5 s, or on
  a download that waits that long for a connection of its pool; requests
  has no timeout, aiohttp's session gives up after 5 minutes;
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
from common.w8s4 import certificates, use_proxies, with_embedded_server

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

# Not in the video: one client for all the downloads, its pool unbounded (it
# would keep 100 connections at a time), so that all run at once as the
# video's one session per URL do.
ALL_AT_ONCE = httpx.Limits(max_connections=None)


async def fetch(client, url):

    print(f"fetching {url}")

    response = await client.get(url)
    raw = response.content
    print(f"{url} returned {len(raw)} bytes")


async def fetch_urls():
    async with httpx.AsyncClient(
        timeout=None, limits=ALL_AT_ONCE, trust_env=use_proxies(), verify=certificates()
    ) as client:
        async with anyio.create_task_group() as tg:
            for url in urls:
                tg.start_soon(fetch, client, url)


async def fetch2(client, url, i):
    async with client.stream("GET", url) as response:
        # avec ici une itération asynchrone (here, an asynchronous iteration)
        async for line in response.aiter_lines():
            print(f"{i}", end="")
    return url


@lesson.demo
async def sequential():
    """httpx.Client, one document after the other: the waits add up"""
    beg = anyio.current_time()

    with httpx.Client(timeout=None, trust_env=use_proxies(), verify=certificates()) as client:
        for url in urls:
            # a blocking call goes to a worker thread: the loop stays free
            req = await anyio.to_thread.run_sync(client.get, url, abandon_on_cancel=True)
            print(f"{url} returned {len(req.text)} chars")

    print(f"duration = {anyio.current_time() - beg}s")


@lesson.demo
async def concurrent():
    """httpx.AsyncClient, all the documents at once: the waits overlap"""
    beg = anyio.current_time()
    await fetch_urls()
    print(f"duration = {anyio.current_time() - beg}s")


@lesson.demo
async def lines():
    """async for over the lines of each response: the indices interleave"""
    async with httpx.AsyncClient(
        timeout=None, limits=ALL_AT_ONCE, trust_env=use_proxies(), verify=certificates()
    ) as client:
        async with anyio.create_task_group() as tg:
            for i, url in enumerate(urls):
                tg.start_soon(fetch2, client, url, i)
    # Not in the video: end the line of indices (there, IDLE's prompt does)
    print()


if __name__ == "__main__":
    lesson.main()

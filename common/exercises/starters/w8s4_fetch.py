"""w8s4_fetch: download 6 documents, 2 at a time, 1.5 s each at most (asyncio).

The grader serves six documents from the lesson's embedded HTTP server (on
this machine, on its virtual clock).  The server takes 1 s per document, and
never answers for the third one.

* ``main(base_url, names, limit, seconds_each)``: download ``base_url +
  name`` for each name, with aiohttp (``aiohttp.ClientSession``), at most
  ``limit`` (2) at a time (an ``asyncio.Semaphore``), each download given
  ``seconds_each`` (1.5) seconds (``asyncio.timeout``). When a download
  takes its slot, print ``fetching {name}``; when it is done, print
  ``{name}: {size} bytes`` (the size of the body), or ``{name}: timed out``.

The grader runs ``main(...)`` on a virtual clock and notes when each line is
printed: the first two start at 0 s and arrive at 1 s; then the third and
fourth start, the fourth arrives at 2 s and the fifth starts; the third
times out at 2.5 s and the sixth starts; the fifth arrives at 3 s, the sixth
at 3.5 s.

    python -m common.exercises check w8s4_fetch THIS_FILE
"""

import asyncio  # noqa: F401 (for your code)

import aiohttp  # noqa: F401


async def main(base_url: str, names: list[str], limit: int, seconds_each: float) -> None: ...

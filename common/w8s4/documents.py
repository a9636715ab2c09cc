"""The documents of lesson w8s4: stand-ins for the video's four PDF forms.

The video downloads ``f1040.pdf``, ``f1040es.pdf``, ``f1040c.pdf`` and
``f1040esn.pdf`` from ``https://www.irs.gov/pub/irs-pdf/``.  Offline, the
embedded server (:mod:`common.w8s4.server`) serves documents under the same
names and path, then generated names (``f1040-5.pdf``…) for more:

* each document is deterministic text made of lines (``%PDF-1.7`` and
  PDF-looking lines: not a real PDF), of a realistic size (70–400 kB), plain
  ASCII so that the characters ``requests`` counts are the bytes served;
* :func:`split_lines` cuts it in chunks of whole lines, the pieces the server
  sends one after the other.
"""

from __future__ import annotations

import random
import zlib
from functools import cache, lru_cache

#: Where the video's documents are, on www.irs.gov and on the embedded server.
VIDEO_SITE = "https://www.irs.gov"
PREFIX = "/pub/irs-pdf/"
#: The video's documents and their sizes in bytes.
VIDEO_DOCUMENTS: dict[str, int] = {
    "f1040.pdf": 165_279,
    "f1040es.pdf": 331_904,
    "f1040c.pdf": 93_402,
    "f1040esn.pdf": 268_117,
}
MIN_SIZE, MAX_SIZE = 70_000, 400_000


def document_names(count: int) -> list[str]:
    """The names of ``count`` documents: the video's four, then ``f1040-5.pdf``…"""
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    names = list(VIDEO_DOCUMENTS)[:count]
    names += [f"f1040-{n}.pdf" for n in range(len(names) + 1, count + 1)]
    return names


def document_size(name: str) -> int:
    """The size in bytes of a document: the video's, or one drawn from its name."""
    if name in VIDEO_DOCUMENTS:
        return VIDEO_DOCUMENTS[name]
    return MIN_SIZE + zlib.crc32(name.encode()) % (MAX_SIZE - MIN_SIZE + 1)


@cache
def _pattern() -> bytes:
    """64 KiB of PDF-looking lines (about 120 bytes on average), always the same."""
    rng = random.Random(1040)
    lines = []
    size = obj = 0
    while size < 65_536:
        obj += 1
        kind = rng.choice((0, 1, 2, 2))
        if kind == 0:
            line = f"{obj} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj"
        elif kind == 1:
            font, points = rng.randrange(1, 9), rng.randrange(6, 13)
            x, y = rng.randrange(36, 576), rng.randrange(36, 756)
            line = f"BT /F{font} {points} Tf {x} {y} Td (Form 1040 line {obj}) Tj ET"
        else:
            line = "".join(rng.choice("0123456789abcdef") for _ in range(rng.randrange(100, 250)))
        lines.append(line + "\n")
        size += len(lines[-1])
    return "".join(lines).encode("ascii")


# (built again for each request, it costs more than serving it on the loopback:
# the last few are kept, 6.4 MB at most)
@lru_cache(maxsize=16)
def document(name: str) -> bytes:
    """The content of a document: ``document_size(name)`` bytes of lines.

    Deterministic: a header line naming it, then lines of a fixed pattern
    (starting at a place drawn from the name), then one filler line so that
    the size is exact.  Plain ASCII, so that characters and bytes agree.
    """
    size = document_size(name)
    header = f"%PDF-1.7 {name}: a stand-in made of lines, served by the lesson\n".encode()
    pattern = _pattern()
    start = pattern.index(b"\n", zlib.crc32(name.encode()) % len(pattern) // 2) + 1
    needed = size - len(header)
    body = (pattern[start:] + pattern * (needed // len(pattern) + 2))[:needed]
    # cut after the last complete line that leaves room for a filler line
    cut = body.rindex(b"\n", 0, needed - 10) + 1
    filler = b"%" + b"-" * (needed - cut - 2) + b"\n"
    content = header + body[:cut] + filler
    assert len(content) == size
    return content


def split_lines(content: bytes, chunks: int) -> list[bytes]:
    """``content`` in ``chunks`` pieces that each end with a complete line."""
    pieces = []
    start = 0
    for k in range(1, chunks + 1):
        if k == chunks:
            end = len(content)
        else:
            end = content.find(b"\n", max(start, len(content) * k // chunks - 1)) + 1 or len(
                content
            )
        pieces.append(content[start:end])
        start = end
    return pieces

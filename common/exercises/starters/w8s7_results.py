"""w8s7_results: collect the results of four tasks, one of which fails (asyncio).

``compute(i)`` sleeps i seconds, prints and returns i * i; ``fail()`` sleeps
1.5 s, prints, and raises ``ValueError("boom")``.

* ``main()``: run ``compute(1)``, ``compute(2)``, ``fail()`` and
  ``compute(3)`` at the same time (with ``asyncio.gather``); the failure must not stop
  the others.  When all four are done, print ``results: [1, 4, 9]`` (the
  results, in the order of the computes) and ``failed: ValueError('boom')``
  (the ``repr`` of the exception).

The grader runs ``main()`` on a virtual clock and notes when each line
is printed: ``compute(1) -> 1`` at 1 s, ``fail() raises`` at 1.5 s,
``compute(2) -> 4`` at 2 s, then ``compute(3) -> 9`` and the two lines of
main at 3 s.

    python -m common.exercises check w8s7_results THIS_FILE
"""

import asyncio


async def compute(i: int) -> int:
    await asyncio.sleep(i)
    print(f"compute({i}) -> {i * i}")
    return i * i


async def fail() -> int:
    await asyncio.sleep(1.5)
    print("fail() raises")
    raise ValueError("boom")


async def main() -> None: ...

"""w8s2_gather: run two morceaux() at once and print their results (asyncio).

``morceaux(message)`` prints ``début``, gives control back for 0.5 s, prints
``milieu``, gives it back for 1 s, prints ``fin`` and returns
``f"{message} par morceaux"``.  One call takes 1.5 s; two calls at once take
1.5 s too, since each waits while the other runs.

* ``main()``: run ``morceaux("run1")`` and ``morceaux("run2")`` at the same
  time, then print the list of their results, run1's first.

The grader runs ``main()`` on a virtual clock and notes when each line is
printed: both ``début`` at 0 s, both ``milieu`` at 0.5 s, both ``fin`` and
``['run1 par morceaux', 'run2 par morceaux']`` at 1.5 s.

    python -m common.exercises check w8s2_gather THIS_FILE
"""

import asyncio


async def morceaux(message: str) -> str:
    print(message, "début")
    await asyncio.sleep(0.5)
    print(message, "milieu")
    await asyncio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main() -> None: ...

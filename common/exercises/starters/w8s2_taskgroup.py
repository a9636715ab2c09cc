"""w8s2_taskgroup: run two morceaux() in a task group and print their results (anyio).

``morceaux(message)`` prints ``début``, gives control back for 0.5 s, prints
``milieu``, gives it back for 1 s, prints ``fin`` and returns
``f"{message} par morceaux"``.

* ``main()``: run ``morceaux("run1")`` and ``morceaux("run2")`` at the same
  time in a task group, then print the list of their results, run1's first.
  ``start_soon`` does not give a task's result back: keep it yourself.

The grader runs ``main()`` on a virtual clock, on asyncio and on trio, and
notes when each line is printed: both ``début`` at 0 s, both ``milieu`` at
0.5 s, both ``fin`` and ``['run1 par morceaux', 'run2 par morceaux']`` at 1.5 s.

    python -m common.exercises check w8s2_taskgroup THIS_FILE
"""

import anyio


async def morceaux(message: str) -> str:
    print(message, "début")
    await anyio.sleep(0.5)
    print(message, "milieu")
    await anyio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main() -> None: ...

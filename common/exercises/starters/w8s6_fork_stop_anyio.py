"""w8s6_fork_stop_anyio: c1 forks c2 into the task group, and c2 ends it (anyio).

* ``c1(tg)``: print ``>>> c1``, sleep 1 s, print ``forking``, start
  ``c2(tg)`` in the task group (c1 does not wait for it), sleep 1 s, print
  ``<<< c1``;
* ``c2(tg)``: print ``>>> c2``, sleep 2 s, print ``<<< c2``, then end the
  task group, whose body sleeps for ever;
* ``main()``: in a task group, start ``c1(tg)``, then sleep for ever
  (``anyio.sleep_forever()``); after the group, print ``done``.

The grader runs ``main()`` on a virtual clock, on asyncio and on trio, and
notes when each line is printed: ``>>> c1`` at 0 s, ``forking`` and
``>>> c2`` at 1 s, ``<<< c1`` at 2 s, ``<<< c2`` and ``done`` at 3 s.

    python -m common.exercises check w8s6_fork_stop_anyio THIS_FILE
"""

import anyio  # noqa: F401 (for your code)
from anyio.abc import TaskGroup


async def c1(tg: TaskGroup) -> None: ...


async def c2(tg: TaskGroup) -> None: ...


async def main() -> None: ...

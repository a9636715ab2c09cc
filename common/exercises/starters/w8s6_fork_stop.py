"""w8s6_fork_stop: c1 forks c2, and c2 stops the loop when it is done (asyncio).

* ``c1(loop)``: print ``>>> c1``, sleep 1 s, print ``forking``, fork
  ``c2(loop)`` (a new task that c1 does not wait for), sleep 1 s, print
  ``<<< c1``;
* ``c2(loop)``: print ``>>> c2``, sleep 2 s, print ``<<< c2``, then stop the
  loop: nobody else knows when everything is over;
* ``main(loop)`` (not a coroutine: the grader hands it an event loop that is
  not running): give ``c1(loop)`` to the loop, run the loop until it is
  stopped, then print ``done``.

The grader calls ``main(loop)`` with a loop on a virtual clock and notes when
each line is printed: ``>>> c1`` at 0 s, ``forking`` and ``>>> c2`` at 1 s,
``<<< c1`` at 2 s, ``<<< c2`` and ``done`` at 3 s.

    python -m common.exercises check w8s6_fork_stop THIS_FILE
"""

import asyncio


async def c1(loop: asyncio.AbstractEventLoop) -> None: ...


async def c2(loop: asyncio.AbstractEventLoop) -> None: ...


def main(loop: asyncio.AbstractEventLoop) -> None: ...

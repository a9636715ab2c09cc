"""w8s9_missing_await: find and fix the two missing awaits (anyio).

Two tasks tick, wait a second and tock; then main reports ``done``.  Run as
it is, every line comes at once and ``done`` never shows, and Python warns
about coroutines "never awaited".  Two ``await`` are missing: add them,
changing nothing else.

The grader runs ``main()`` on a virtual clock, on asyncio and on trio, and
notes when each line is printed: ``a tick`` and ``b tick`` at 0 s;
``a tock``, ``b tock`` and ``done`` at 1 s.

    python -m common.exercises check w8s9_missing_await THIS_FILE
"""

# The bugs are here on purpose: the project's linters are told not to point at them.
# mypy: ignore-errors

import anyio


async def tick(name: str) -> None:
    print(f"{name} tick")
    anyio.sleep(1)
    print(f"{name} tock")


async def report() -> None:
    print("done")


async def main() -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(tick, "a")
        tg.start_soon(tick, "b")
    report()

"""w8s6_fork_stop_anyio, a reference solution: c2 cancels the group's scope."""

import anyio
from anyio.abc import TaskGroup


async def c1(tg: TaskGroup) -> None:
    print(">>> c1")
    await anyio.sleep(1)
    print("forking")
    # c2 becomes c1's sibling in the group: c1 goes on without waiting
    tg.start_soon(c2, tg)
    await anyio.sleep(1)
    print("<<< c1")


async def c2(tg: TaskGroup) -> None:
    print(">>> c2")
    await anyio.sleep(2)
    print("<<< c2")
    # the body's sleep_forever() is cancelled, and the group ends
    tg.cancel_scope.cancel()


async def main() -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(c1, tg)
        await anyio.sleep_forever()
    print("done")

"""w8s6_fork_stop, a reference solution: a task nobody awaits, and loop.stop()."""

import asyncio

# the loop keeps only weak references to its tasks: hold them here
tasks: set[asyncio.Task[None]] = set()


async def c1(loop: asyncio.AbstractEventLoop) -> None:
    print(">>> c1")
    await asyncio.sleep(1)
    print("forking")
    tasks.add(loop.create_task(c2(loop)))
    await asyncio.sleep(1)
    print("<<< c1")


async def c2(loop: asyncio.AbstractEventLoop) -> None:
    print(">>> c2")
    await asyncio.sleep(2)
    print("<<< c2")
    # the last one to end stops the loop: run_forever() returns
    loop.stop()


def main(loop: asyncio.AbstractEventLoop) -> None:
    tasks.add(loop.create_task(c1(loop)))
    loop.run_forever()
    print("done")

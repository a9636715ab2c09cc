# mistake: awaited, not forked
import asyncio

tasks = set()


async def c1(loop):
    print(">>> c1")
    await asyncio.sleep(1)
    print("forking")
    await c2(loop)
    await asyncio.sleep(1)
    print("<<< c1")


async def c2(loop):
    print(">>> c2")
    await asyncio.sleep(2)
    print("<<< c2")
    loop.stop()


def main(loop):
    tasks.add(loop.create_task(c1(loop)))
    loop.run_forever()
    print("done")

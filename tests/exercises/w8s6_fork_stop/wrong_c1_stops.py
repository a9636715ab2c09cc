# mistake: stopped too early
import asyncio

tasks = set()


async def c1(loop):
    print(">>> c1")
    await asyncio.sleep(1)
    print("forking")
    tasks.add(asyncio.ensure_future(c2(loop)))
    await asyncio.sleep(1)
    print("<<< c1")
    loop.stop()


async def c2(loop):
    print(">>> c2")
    await asyncio.sleep(2)
    print("<<< c2")


def main(loop):
    tasks.add(loop.create_task(c1(loop)))
    loop.run_forever()
    print("done")

# mistake: awaited, not forked
# c1 starts c2 in a task group of its own: c1's block waits for c2.
import anyio


async def c1(tg):
    print(">>> c1")
    await anyio.sleep(1)
    print("forking")
    async with anyio.create_task_group() as mine:
        mine.start_soon(c2, tg)
        await anyio.sleep(1)
    print("<<< c1")


async def c2(tg):
    print(">>> c2")
    await anyio.sleep(2)
    print("<<< c2")
    tg.cancel_scope.cancel()


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(c1, tg)
        await anyio.sleep_forever()
    print("done")

# mistake: stopped too early
import anyio


async def c1(tg):
    print(">>> c1")
    await anyio.sleep(1)
    print("forking")
    tg.start_soon(c2, tg)
    await anyio.sleep(1)
    print("<<< c1")
    tg.cancel_scope.cancel()


async def c2(tg):
    print(">>> c2")
    await anyio.sleep(2)
    print("<<< c2")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(c1, tg)
        await anyio.sleep_forever()
    print("done")

# mistake: never awaited
import anyio


async def tick(name):
    print(f"{name} tick")
    await anyio.sleep(1)
    print(f"{name} tock")


async def report():
    print("done")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(tick, "a")
        tg.start_soon(tick, "b")
    report()

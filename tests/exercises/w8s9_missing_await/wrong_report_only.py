# mistake: never awaited
# Only one of the two awaits added.
import anyio


async def tick(name):
    print(f"{name} tick")
    anyio.sleep(1)
    print(f"{name} tock")


async def report():
    print("done")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(tick, "a")
        tg.start_soon(tick, "b")
    await report()

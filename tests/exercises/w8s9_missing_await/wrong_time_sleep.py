# mistake: blocking call
# "sleep needs an await": so use the sleep that needs none.
import time

import anyio


async def tick(name):
    print(f"{name} tick")
    time.sleep(1)  # noqa: ASYNC251 (the mistake)
    print(f"{name} tock")


async def report():
    print("done")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(tick, "a")
        tg.start_soon(tick, "b")
    await report()

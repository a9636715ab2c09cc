# mistake: asyncio on trio (trio)
# asyncio's sleep in an anyio exercise: right on asyncio, not on trio.
import asyncio

import anyio


async def morceaux(message):
    print(message, "début")
    await asyncio.sleep(0.5)
    print(message, "milieu")
    await asyncio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main():
    results = {}

    async def keep(message):
        results[message] = await morceaux(message)

    async with anyio.create_task_group() as tg:
        tg.start_soon(keep, "run1")
        tg.start_soon(keep, "run2")
    print([results["run1"], results["run2"]])

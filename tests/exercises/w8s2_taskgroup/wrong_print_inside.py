# mistake: results too early
import anyio


async def morceaux(message):
    print(message, "début")
    await anyio.sleep(0.5)
    print(message, "milieu")
    await anyio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main():
    results = {}

    async def keep(message):
        results[message] = await morceaux(message)

    async with anyio.create_task_group() as tg:
        tg.start_soon(keep, "run1")
        tg.start_soon(keep, "run2")
        print(list(results.values()))

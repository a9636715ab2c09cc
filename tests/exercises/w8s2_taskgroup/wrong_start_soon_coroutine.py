# mistake: never awaited
# start_soon takes the function and its arguments, not a coroutine.
import anyio


async def morceaux(message):
    print(message, "début")
    await anyio.sleep(0.5)
    print(message, "milieu")
    await anyio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(morceaux("run1"))
        tg.start_soon(morceaux("run2"))

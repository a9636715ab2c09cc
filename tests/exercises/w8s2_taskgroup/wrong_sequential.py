# mistake: sequential
import anyio


async def morceaux(message):
    print(message, "début")
    await anyio.sleep(0.5)
    print(message, "milieu")
    await anyio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main():
    print([await morceaux("run1"), await morceaux("run2")])

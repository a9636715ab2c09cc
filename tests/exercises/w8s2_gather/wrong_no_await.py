# mistake: never awaited
import asyncio


async def morceaux(message):
    print(message, "début")
    await asyncio.sleep(0.5)
    print(message, "milieu")
    await asyncio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"


async def main():
    results = [morceaux("run1"), morceaux("run2")]
    print(len(results), "results")

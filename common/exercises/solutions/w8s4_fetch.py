"""w8s4_fetch, a reference solution: a semaphore for the slots, a seconds_each per download."""

import asyncio

import aiohttp


async def fetch(
    session: aiohttp.ClientSession,
    base_url: str,
    name: str,
    slots: asyncio.Semaphore,
    seconds_each: float,
) -> None:
    async with slots:
        print(f"fetching {name}")
        try:
            # this download only: the others keep their own time
            async with asyncio.timeout(seconds_each):
                async with session.get(base_url + name) as response:
                    body = await response.read()
        except TimeoutError:
            print(f"{name}: timed out")
        else:
            print(f"{name}: {len(body)} bytes")


async def main(base_url: str, names: list[str], limit: int, seconds_each: float) -> None:
    slots = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        # gather starts the tasks in order; the semaphore serves them in order
        await asyncio.gather(
            *(fetch(session, base_url, name, slots, seconds_each) for name in names)
        )

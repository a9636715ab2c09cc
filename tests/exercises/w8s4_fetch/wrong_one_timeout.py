# mistake: one timeout for all
import asyncio

import aiohttp


async def fetch(session, base_url, name, slots):
    async with slots:
        print(f"fetching {name}")
        async with session.get(base_url + name) as response:
            body = await response.read()
        print(f"{name}: {len(body)} bytes")


async def main(base_url, names, limit, seconds_each):
    slots = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        try:
            async with asyncio.timeout(seconds_each):
                await asyncio.gather(*(fetch(session, base_url, name, slots) for name in names))
        except TimeoutError:
            print("timed out")

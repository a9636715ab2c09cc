# mistake: no limit
import asyncio

import aiohttp


async def fetch(session, base_url, name, seconds_each):
    print(f"fetching {name}")
    try:
        async with asyncio.timeout(seconds_each), session.get(base_url + name) as response:
            body = await response.read()
    except TimeoutError:
        print(f"{name}: timed out")
    else:
        print(f"{name}: {len(body)} bytes")


async def main(base_url, names, limit, seconds_each):
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(fetch(session, base_url, name, seconds_each) for name in names))

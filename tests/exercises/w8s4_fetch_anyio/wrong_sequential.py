# mistake: sequential
import anyio
import httpx


async def fetch(client, base_url, name, seconds_each):
    print(f"fetching {name}")
    with anyio.move_on_after(seconds_each) as scope:
        response = await client.get(base_url + name)
    if scope.cancelled_caught:
        print(f"{name}: timed out")
    else:
        print(f"{name}: {len(response.content)} bytes")


async def main(base_url, names, limit, seconds_each):
    async with httpx.AsyncClient() as client:
        for name in names:
            await fetch(client, base_url, name, seconds_each)

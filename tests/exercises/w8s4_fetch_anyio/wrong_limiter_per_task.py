# mistake: no limit
# A limiter made in each task limits nothing.
import anyio
import httpx


async def fetch(
    client, base_url, name, limit, seconds_each, *, task_status=anyio.TASK_STATUS_IGNORED
):
    async with anyio.CapacityLimiter(limit):
        task_status.started()
        print(f"fetching {name}")
        with anyio.move_on_after(seconds_each) as scope:
            response = await client.get(base_url + name)
        if scope.cancelled_caught:
            print(f"{name}: timed out")
        else:
            print(f"{name}: {len(response.content)} bytes")


async def main(base_url, names, limit, seconds_each):
    async with httpx.AsyncClient() as client, anyio.create_task_group() as tg:
        for name in names:
            await tg.start(fetch, client, base_url, name, limit, seconds_each)

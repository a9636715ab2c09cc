# mistake: one timeout for all
import anyio
import httpx


async def fetch(client, base_url, name, slots, *, task_status=anyio.TASK_STATUS_IGNORED):
    async with slots:
        task_status.started()
        print(f"fetching {name}")
        response = await client.get(base_url + name)
        print(f"{name}: {len(response.content)} bytes")


async def main(base_url, names, limit, seconds_each):
    slots = anyio.Semaphore(limit)
    async with httpx.AsyncClient() as client:
        with anyio.fail_after(seconds_each):
            async with anyio.create_task_group() as tg:
                for name in names:
                    await tg.start(fetch, client, base_url, name, slots)

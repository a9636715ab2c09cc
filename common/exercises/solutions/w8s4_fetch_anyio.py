"""w8s4_fetch_anyio, a reference solution: slots taken in turn, a seconds_each per download."""

import anyio
import httpx
from anyio.abc import TaskStatus


async def fetch(
    client: httpx.AsyncClient,
    base_url: str,
    name: str,
    slots: anyio.Semaphore,
    seconds_each: float,
    *,
    task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    async with slots:
        # we hold a slot: main may start the next download
        task_status.started()
        print(f"fetching {name}")
        # this download only: the others keep their own time
        with anyio.move_on_after(seconds_each) as scope:
            response = await client.get(base_url + name)
        if scope.cancelled_caught:
            print(f"{name}: timed out")
        else:
            print(f"{name}: {len(response.content)} bytes")


async def main(base_url: str, names: list[str], limit: int, seconds_each: float) -> None:
    slots = anyio.Semaphore(limit)
    async with httpx.AsyncClient() as client, anyio.create_task_group() as tg:
        for name in names:
            await tg.start(fetch, client, base_url, name, slots, seconds_each)

# mistake: wrong window
import anyio


async def job(i, window, *, task_status=anyio.TASK_STATUS_IGNORED):
    async with window:
        task_status.started()
        print(f">>> job{i}")
        await anyio.sleep((i % 3) + 1)
        print(f"<<< job{i}")


async def main():
    window = anyio.CapacityLimiter(2)
    async with anyio.create_task_group() as tg:
        for i in range(10):
            await tg.start(job, i, window)

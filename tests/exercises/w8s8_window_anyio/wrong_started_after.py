# mistake: sequential
# started() only once the job is over: main waits for each job in turn.
import anyio


async def job(i, window, *, task_status=anyio.TASK_STATUS_IGNORED):
    async with window:
        print(f">>> job{i}")
        await anyio.sleep((i % 3) + 1)
        print(f"<<< job{i}")
    task_status.started()


async def main():
    window = anyio.Semaphore(4)
    async with anyio.create_task_group() as tg:
        for i in range(10):
            await tg.start(job, i, window)

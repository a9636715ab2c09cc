# mistake: stream never closed
import anyio


async def producer(send_stream):
    for i in range(1, 6):
        await send_stream.send(f"tick{i}")
        print(f"sent tick{i}")
        await anyio.sleep(1)


async def consumer(receive_stream):
    async for item in receive_stream:
        print(f"got {item}")
    print("consumer done")


async def main():
    send_stream, receive_stream = anyio.create_memory_object_stream[str](0)
    async with anyio.create_task_group() as tg:
        tg.start_soon(producer, send_stream)
        tg.start_soon(consumer, receive_stream)
    print("done")

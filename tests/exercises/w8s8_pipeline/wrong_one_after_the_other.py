# mistake: not concurrent
import anyio


async def producer(send_stream):
    async with send_stream:
        for i in range(1, 6):
            await send_stream.send(f"tick{i}")
            print(f"sent tick{i}")
            await anyio.sleep(1)


async def consumer(receive_stream):
    async with receive_stream:
        async for item in receive_stream:
            print(f"got {item}")
    print("consumer done")


async def main():
    send_stream, receive_stream = anyio.create_memory_object_stream[str](0)
    await producer(send_stream)
    await consumer(receive_stream)
    print("done")

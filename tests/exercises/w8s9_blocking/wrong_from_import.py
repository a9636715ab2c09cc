# mistake: blocking call
# The same blocking sleep under another name.
import asyncio
from time import sleep


async def worker(name):
    print(f"{name} starts")
    sleep(1)  # noqa: ASYNC251 (the mistake)
    print(f"{name} ends")


async def main():
    await asyncio.gather(worker("a"), worker("b"), worker("c"))

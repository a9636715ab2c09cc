# mistake: no waiting
# A bare yield hands control back, but lets no time pass.
import asyncio


class Countdown:
    def __init__(self, n):
        self.n = n

    def __await__(self):
        for i in range(self.n, 0, -1):
            print(i)
            yield from asyncio.sleep(0).__await__()
        return "liftoff"


async def main():
    print(await Countdown(3))

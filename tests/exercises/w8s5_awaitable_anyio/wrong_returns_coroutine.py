# mistake: __await__ returns a coroutine
import anyio


class Countdown:
    def __init__(self, n):
        self.n = n

    async def run(self):
        for i in range(self.n, 0, -1):
            print(i)
            await anyio.sleep(1)
        return "liftoff"

    def __await__(self):
        return self.run()


async def main():
    print(await Countdown(3))

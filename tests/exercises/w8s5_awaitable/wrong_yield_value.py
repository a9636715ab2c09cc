# mistake: bad yield
import asyncio  # noqa: F401


class Countdown:
    def __init__(self, n):
        self.n = n

    def __await__(self):
        for i in range(self.n, 0, -1):
            print(i)
            yield 1
        return "liftoff"


async def main():
    print(await Countdown(3))

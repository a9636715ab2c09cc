# mistake: blocking call
import time


class Countdown:
    def __init__(self, n):
        self.n = n

    def __await__(self):
        for i in range(self.n, 0, -1):
            print(i)
            time.sleep(1)
        return "liftoff"
        yield  # a generator, so that __await__ returns an iterator


async def main():
    print(await Countdown(3))

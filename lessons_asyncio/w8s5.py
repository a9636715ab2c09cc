"""w8s5 — Coroutines et awaitables (coroutines and awaitables).

The video opens up the machinery under ``await``.  An object is awaitable when
its ``__await__`` method returns an iterator (here, a generator).  Driven by
hand with ``coro.send(None)``, a coroutine runs until the innermost awaitable
yields: the yielded value comes out of ``send``, through any stack of
``await``s.  When the coroutine returns, ``send`` raises ``StopIteration``,
whose ``.value`` is the return value.  Values also travel the other way: what
``send`` passes in comes out of the ``yield``.  Whoever calls ``send`` is the
scheduler: driving two coroutines in turn is what an event loop does.

No event loop runs in this lesson: the demos drive the coroutines by hand,
as the video does in the IDLE shell.

Run it:
    python -m lessons_asyncio.w8s5            # all demos, in the video's order
    python -m lessons_asyncio.w8s5 stack      # one of them
"""

# No asyncio import: the await protocol is plain Python, no library needed.

from common.runner import Lesson

# echo(value) prints what the video's IDLE shell shows when an expression is
# typed (a script shows nothing), memory addresses masked as 0x….
from common.shell import echo

lesson = Lesson(__name__)


class Awaitable():
    def __await__(self):
        print("in Awaitable")
        yield "yielded"


# itérateur à deux coups (an iterator good for two shots)
class Awaitable2():
    def __await__(self):
        print("step1")
        yield "yield1"
        print("step2")
        yield "yield2"
        return "returned"


class w1:

    def __init__(self, marker):
        self.marker = marker

    def __await__(self):
        # redonner la main à la boucle (give control back to the loop)
        yield f"yield {self.marker}"
        # retourné à await (what await returns)
        return 1


async def w2():
    return await w1('first') + await w1('second')


async def w3():
    return await w2() + 1


async def w4():
    return await w3() + 1


class BothWays():
    def __await__(self):
        print("step1")
        received1 = yield "yielded1"
        print("received1", received1)
        print("step2")
        received2 = yield "yielded2"
        print("received2", received2)
        return "returned"


# The video edits one file and runs it again (F5) at each step, and three of
# the steps bring their own `main`.  A module keeps only the last function of
# a name, so each demo defines the `main` of its step, under the seed's name.
# The echo() calls print what the IDLE shell echoed after each `send`.


# __await__ renvoie un itérateur (__await__ returns an iterator)
@lesson.demo
def awaitable():
    """an __await__ that yields once: coro.send(None) returns what it yields"""
    # Il nous faut au moins une coroutine pour pouvoir faire await
    # (we need at least one coroutine to be able to use await)
    async def main():
        await Awaitable()

    # l'objet coroutine (the coroutine object)
    coro = main()

    echo(coro.send(None))


# un peu moins simple (a little less simple)
@lesson.demo
def awaitable2():
    """two yields then a return: the third send raises StopIteration"""
    # boilerplate
    async def main():
        await Awaitable2()

    # l'objet coroutine (the coroutine object)
    coro = main()

    echo(coro.send(None))

    echo(coro.send(None))

    # The value is None, not 'returned': Awaitable2 returns 'returned' to the
    # `await` in main, which drops it, and main itself returns None.
    try:
        coro.send(None)
    except Exception as e:
        x = e  # noqa: F841 (in the shell, x keeps the exception to look at after)
        print('oops', type(e), e.value)


# plusieurs travaux en même temps (several jobs at the same time)
@lesson.demo
def interleaved():
    """two coroutines driven in turn by hand: the caller is the scheduler"""
    # still the file of the previous step: main awaits an Awaitable2
    async def main():
        await Awaitable2()

    coro1 = main()

    coro2 = main()

    echo(coro1.send(None))

    echo(coro2.send(None))

    echo(coro1.send(None))

    echo(coro2.send(None))

    try:
        coro1.send(None)
    except Exception as e:
        x = e  # (in the shell, x keeps the exception to look at after)
        print('oops', type(e), e.value)

    try:
        coro2.send(None)
    except Exception as e:
        x = e  # noqa: F841 (in the shell, x keeps the exception to look at after)
        print('oops', type(e), e.value)


# pile, await et yield (the stack, await and yield)
@lesson.demo
def stack():
    """w4 → w3 → w2 → w1: the innermost yields surface at the top; 4 returned"""
    # The video creates coro at the file's top level (run by F5); here in the
    # demo, so that nothing runs at import and each run has a fresh one.
    coro = w4()

    echo(coro.send(None))

    echo(coro.send(None))

    try:
        coro.send(None)
    except Exception as e:
        x = e  # noqa: F841 (in the shell, x keeps the exception to look at after)
        print('OOPS', type(e), e.value)


# dans les deux sens (both ways)
@lesson.demo
def bothways():
    """values go in too: what send() passes comes out of the yield"""
    # boilerplate
    async def main():
        return await BothWays()

    # l'objet coroutine (the coroutine object): in the video, at the file's top
    # level in place of coro = w4(); here in the demo, nothing runs at import
    coro = main()

    echo(coro.send(None))

    echo(coro.send("message"))


if __name__ == "__main__":
    lesson.main()

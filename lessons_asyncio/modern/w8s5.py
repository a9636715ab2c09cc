"""w8s5 — Coroutines et awaitables (coroutines and awaitables).

The video opens up the machinery under ``await``.  An object is awaitable when
its ``__await__`` method returns an iterator (here, a generator).  Driven by
hand with ``coro.send(None)``, a coroutine runs until the innermost awaitable
yields: the yielded value comes out of ``send``, through any stack of
``await``s.  When the coroutine returns, ``send`` raises ``StopIteration``,
whose ``.value`` is the return value.  Values also travel the other way: what
``send`` passes in comes out of the ``yield``.  Whoever calls ``send`` is the
scheduler: driving two coroutines in turn is what an event loop does.

No event loop runs in the video's demos: they drive the coroutines by hand,
as the video does in the IDLE shell.  Not in the video: ``loop_driven``, where
asyncio's loop is the one calling ``send``.

Run it:
    python -m lessons_asyncio.modern.w8s5              # all demos, in order
    python -m lessons_asyncio.modern.w8s5 loop_driven  # one of them

Differs from the video:
- nothing, in the video's five demos: the await protocol belongs to Python,
  not to asyncio, and it has not changed since 3.5, so the classes, the
  coroutines and the hand-driven demos are the faithful version's, line for
  line (a test checks it), but for the empty ``()`` after three class names,
  which today's style drops (ruff's UP039).  They stay plain functions that run no event
  loop: today's asyncio has nothing to add to them;
- ``loop_driven`` (not in the video): asyncio's task calls ``send`` and
  reads what comes out.  The video's ``Awaitable`` yields a bare string,
  which a task refuses (``RuntimeError: Task got bad yield``, thrown back in
  at the ``yield``): a task understands only ``None`` (let the others run)
  and a Future (wake me when it is done).  The same ``w4 → w1`` stack with a
  ``w1`` that delegates to ``asyncio.sleep(0)`` (``yield from``) runs, and
  returns 4.

What anyio adds beyond it:
- ``anyio.lowlevel.checkpoint()``: a ``w1`` that delegates to it yields
  whatever the running backend understands, so the same stack runs on
  asyncio and on trio (the port's ``portable``); trio refuses the video's
  bare yield as well, with its own error (the port's ``bad_yield``).
"""

import asyncio

from common.runner import Lesson
from common.shell import echo

lesson = Lesson(__name__)


class Awaitable:
    def __await__(self):
        print("in Awaitable")
        yield "yielded"


# itérateur à deux coups (an iterator good for two shots)
class Awaitable2:
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


class BothWays:
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
    # (The video also keeps the exception, `x = e`, to look at it in the shell
    # after the block; a demo has no shell, it prints what there is to see.)
    try:
        coro.send(None)
    except Exception as e:
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
        print('oops', type(e), e.value)

    try:
        coro2.send(None)
    except Exception as e:
        print('oops', type(e), e.value)


# pile, await et yield (the stack, await and yield)
@lesson.demo
def stack():
    """w4 → w3 → w2 → w1: the innermost yields surface at the top; 4 returned"""
    coro = w4()

    echo(coro.send(None))

    echo(coro.send(None))

    try:
        coro.send(None)
    except Exception as e:
        print('OOPS', type(e), e.value)


# dans les deux sens (both ways)
@lesson.demo
def bothways():
    """values go in too: what send() passes comes out of the yield"""
    # boilerplate
    async def main():
        return await BothWays()

    # l'objet coroutine (the coroutine object)
    coro = main()

    echo(coro.send(None))

    echo(coro.send("message"))


# -- Not in the video: asyncio's loop is the one calling send() -------------


@lesson.demo(in_video=False)
async def loop_driven():
    """asyncio's task calls send(): a bare yield is refused, asyncio.sleep(0)'s is not

    Not in the video.
    """
    # The first step's main again, awaited by this demo's task: the string
    # 'yielded' means nothing to the task, which throws an error back in at
    # the yield; main does not catch it, here we do.
    async def main():
        await Awaitable()

    try:
        await main()
    except RuntimeError as e:
        print(f"{type(e).__name__}: {e}")
        print("  an asyncio task understands only None (let the others run)"
              " or a Future (wake me when it is done)")

    # The video's stack again; only w1 changes: it delegates to asyncio's own
    # sleep(0), which yields what the task understands.  The marker can no
    # longer travel up the stack (the task reads what is yielded), so w1
    # prints it.
    class w1:

        def __init__(self, marker):
            self.marker = marker

        def __await__(self):
            print(f"yield {self.marker}")
            # redonner la main à la boucle (give control back to the loop)
            yield from asyncio.sleep(0).__await__()
            # retourné à await (what await returns)
            return 1

    async def w2():
        return await w1('first') + await w1('second')

    async def w3():
        return await w2() + 1

    async def w4():
        return await w3() + 1

    echo(await w4())


if __name__ == "__main__":
    lesson.main()

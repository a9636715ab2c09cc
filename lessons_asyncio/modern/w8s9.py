"""w8s9 — Bonnes pratiques (good practices, and the classic pitfalls).

Pitfall 1: a coroutine function is not a coroutine.  Calling it, without
``await``, runs nothing: it returns a coroutine object, just as a generator
function returns a generator.  The video sorts out every way a function and
a coroutine function can call each other, with and without ``await``: some
cases are fine, one is refused by the compiler, one fails when it runs, and
the worst two run nothing and only warn, when the forgotten coroutine is
freed.

Pitfall 2: code that does not breathe.  A coroutine that calls something
blocking (``time.sleep`` here, a long computation in real life) keeps the
event loop: nothing else runs until it is done.  Giving control back
regularly (``await asyncio.sleep(0)``) lets the others run.

Last, an exception raised in a task is not lost in a task group: the group
cancels what still runs in it and raises the exception where it was opened.

Run it:
    python -m lessons_asyncio.modern.w8s9              # all demos, in order
    python -m lessons_asyncio.modern.w8s9 blocking --debug
                                                       # asyncio's debug mode: it
                                                       # logs the callback that
                                                       # held the loop

Differs from the video:
- no loop to get: each demo is a coroutine function that simply awaits
  (call7.py's ``run_until_complete(amain())`` is ``await amain()``);
- ``gather`` becomes an ``asyncio.TaskGroup`` in ``blocking`` and
  ``breathing``: it starts ``countdown`` then ``compute`` in that order, as
  ``gather`` does, so both print exactly what the video shows;
- ``boom`` runs in a task group: it fails at once, with an
  ``ExceptionGroup`` holding the ``ZeroDivisionError``, which the demo
  catches with ``except*`` and prints; nothing is left to "Task exception
  was never retrieved", and ``boom(1)``'s result is kept in its task; no
  task outlives its group, so nothing for RUF006 to flag;
- the other fix for a blocking call that cannot be cut in steps (a
  library's blocking I/O) is ``await asyncio.to_thread(f, ...)``: the call
  runs in a worker thread and the loop stays free (w8s4's ``sequential``
  does it with ``requests``).

What anyio adds beyond it:
- a task group takes the coroutine function and its arguments
  (``tg.start_soon(coro)``), never a coroutine object: there is no
  ``create_task(coro())`` to get wrong, and a coroutine object handed to it
  is a ``TypeError`` at once (the port's ``start_soon_coro``);
- ``anyio.lowlevel.checkpoint()``, which says what ``sleep(0)`` is for, and
  ``to_thread.run_sync`` with a capacity limiter of its own (40 threads);
- the same code on trio, where tasks that wake together run in no promised
  order: code that relies on asyncio's order (``breathing``'s exact
  interleaving) is caught there.
"""

import asyncio
import inspect
import time

from common.outcome import cases, observe
from common.runner import Lesson
from common.shell import echo

lesson = Lesson(__name__)
lesson.add_argument(
    "--debug",
    action="store_true",
    help="run asyncio in debug mode (it logs callbacks that hold the loop over 0.1 s)",
)


# Écueil n°1 : fonction coroutine vs coroutine
# (pitfall 1: coroutine function vs coroutine)

# une fonction coroutine (a coroutine function)
async def foo(delay):
    await asyncio.sleep(1)
    print("foo")


# c'est exactement comme une fonction génératrice
# (it is exactly like a generator function)
def squares(scope):
    for i in scope:
        print(i)
        yield i**2


# tous les scénarios (all the scenarios)
def synchro():
    pass


async def asynchro():
    pass


# Python refuses to compile this foo(): 'await' outside 'async def' is a
# SyntaxError (cases 3 and 4), so the whole function cannot even be
# defined.  It is kept as text, and compiled in the scenarios demo.
FOO = """
def foo():
    synchro()        # 1 # OK
    asynchro()       # 2 # ** ATTENTION **
    await synchro()  # 3 # SyntaxError
    await asynchro   # 4 # SyntaxError
"""


async def afoo():
    synchro()        # 5 # OK
    await asynchro() # 6 # OK
    asynchro()       # 7 # ** ATTENTION **
    await synchro()  # 8 # ** ATTENTION **


# cas n°2 et n°7 (cases 2 and 7): call2.py and call7.py are two files in the
# video; their coro() is the same, so it is written once.
async def coro():
    # totalement légal (perfectly legal)
    print("dans coro")


# call2.py
def main():
    # par contre ici il manque un await ! (but here an await is missing!)
    coro()


# call7.py
async def amain():
    # pareil mais depuis une coroutine (the same, but from a coroutine)
    coro()


# Écueil n°2 : code trop bloquant (pitfall 2: code that blocks too much)
async def countdown(n, period):
    while n >= 0:
        print('.', end='', flush=True)
        await asyncio.sleep(period)
        n -= 1


async def compute(n, period):
    for _ in range(n):
        # on simule un calcul (we simulate a computation)
        time.sleep(period)  # noqa: ASYNC251 (the pitfall: it holds the loop)
        print('x', end='', flush=True)


# Faites respirer votre code (let your code breathe): the video replaces
# compute() with this one; here it has a name of its own, to show both.
async def compute_breathing(n, period):
    for _ in range(n):
        # on simule un calcul (we simulate a computation)
        time.sleep(period)  # noqa: ASYNC251 (still blocks, between the breaths)
        print('x', end='', flush=True)
        # await None n'est pas valide (await None is not valid: case 8)
        await asyncio.sleep(0)


async def boom(n):
    return 1/n


@lesson.demo
async def coroutine_object():
    """foo(4) returns a coroutine object and runs nothing, as squares(4) returns a generator"""
    # renvoie un objet coroutine si on l'appelle normalement : il ne se passe
    # rien (called normally, it returns a coroutine object: nothing happens)
    coroutine = foo(4)
    echo(coroutine)
    # Not in the video: a coroutine object dropped unrun makes Python warn
    # "coroutine 'foo' was never awaited"; closing it says we meant it.
    coroutine.close()

    # qui retourne un itérateur, et là encore il ne se passe rien (which
    # returns an iterator, and again nothing happens: not even the TypeError
    # that iterating over 4 would raise)
    echo(squares(4))


@lesson.demo(in_video=False)
async def scenarios():
    """the 8 cases: (a)sync caller × (a)sync callee × with or without await

    Each case runs on its own, in a function whose body is that one line, and
    its outcome is printed: OK; ``RuntimeWarning: coroutine 'asynchro' was
    never awaited`` for cases 2 and 7 (nothing ran: the warning only comes
    when the forgotten coroutine object is freed, here at once); a
    ``SyntaxError`` for cases 3 and 4 (``await`` outside ``async def`` does not
    compile; ruff reports it as PLE1142); a ``TypeError`` for case 8 (``None``
    cannot be awaited).  ruff has no rule for a forgotten ``await`` (cases 2
    and 7); ``mypy --check-untyped-defs`` reports them (``unused-coroutine``).
    """
    # The two functions as typed in the video: foo() does not compile,
    # afoo() runs up to case 8 (case 7 has warned by then).
    with observe() as outcome:
        compile(FOO, "foo.py", "exec")
    print("foo() as typed: ", outcome)
    with observe() as outcome:
        await afoo()
    print("afoo() as typed:", outcome)

    # Each case on its own: a function whose body is that one line.
    for case in cases(FOO, inspect.getsource(afoo)):
        with observe() as outcome:
            function = case.define(globals())
            result = function()
            if inspect.iscoroutine(result):
                await result
        print(f"{case.number}  {case.header + ':':<18}{case.line:<18}{outcome}")


@lesson.demo
async def never_awaited():
    """call2.py and call7.py: coro() without await never runs; Python only warns

    ``dans coro`` is never printed.  Run as scripts, as in the video, they
    print the warning on stderr, with the line that called ``coro()``; here
    it is caught and printed in one line.  ruff has no rule for it;
    ``mypy --check-untyped-defs`` reports it (``unused-coroutine``).
    """
    # call2.py
    with observe() as outcome:
        main()
    print("call2.py:", outcome)

    # call7.py
    with observe() as outcome:
        await amain()
    print("call7.py:", outcome)


@lesson.demo
async def await_sync():
    """case 8: synchro() returns None, not an awaitable: await synchro() is a TypeError

    ``await`` wants an awaitable (a coroutine, a task, a future, an object
    with ``__await__``); ``inspect.isawaitable`` tells which values are.
    Python 3.14 words the error ``'NoneType' object can't be awaited``.  mypy
    reports it once ``synchro`` is annotated ``-> None``.
    """
    # The video's file for case 8 redefines asynchro(); here it lives in the
    # demo, so that the scenarios keep theirs.
    async def asynchro():
        await synchro()

    echo(inspect.isawaitable(synchro()))

    # Not in the video, which only defines it: run it, and see case 8 fail.
    with observe() as outcome:
        await asynchro()
    print("await synchro():", outcome)


@lesson.demo
async def blocking():
    """compute() calls time.sleep(): the dots stop while the crosses run

    countdown prints its first dot and sleeps 0.05 s; compute then holds the
    loop for its ten crosses (0.5 s); only then does countdown get its turn,
    late, for its ten other dots, 0.05 s apart: ``.xxxxxxxxxx..........``,
    1 s in all.  With ``--debug``, asyncio logs on stderr ``Executing <Task
    … compute() …> took 0.500 seconds``.  Ctrl-C has to wait too: pressed
    during the crosses, it stops the demo only once they are all printed.
    ruff flags the ``time.sleep`` in an async function: ASYNC251.
    """
    async with asyncio.TaskGroup() as tg:
        tg.create_task(countdown(10, .05))
        tg.create_task(compute(10, .05))
    # Not in the video: the dots and crosses have no newline; end the line,
    # so that what comes next starts on a line of its own.
    print()


@lesson.demo
async def breathing():
    """compute() gives control back after each cross: dots and crosses interleave

    ``await asyncio.sleep(0)`` gives the loop a turn after each cross:
    ``.xxx.xxx.xxx.x.......``, 0.85 s in all.  A dot every three crosses:
    countdown's sleep is over after one cross, then its timer's callback and
    its own step each take one more turn of the loop, and compute, always
    ready, adds a cross in each turn.  The ``time.sleep`` still blocks between
    two breaths (ruff's ASYNC251 still flags it), but for 0.05 s at a time,
    under the 0.1 s from which ``--debug`` complains.
    """
    async with asyncio.TaskGroup() as tg:
        tg.create_task(countdown(10, .05))
        tg.create_task(compute_breathing(10, .05))
    # Not in the video: end the line of dots and crosses.
    print()


@lesson.demo(name="boom", forever=1.5)
async def demo_boom():
    """tasks that raise, in a task group: it fails at once, and nothing is lost

    boom(0)'s ``ZeroDivisionError`` cancels what still runs in the group
    (here the body's wait on an event nobody sets, the seed's
    ``run_forever()``) and comes out of the ``async with`` in an
    ``ExceptionGroup``, at 0 s, where ``except* ZeroDivisionError`` catches
    it.  boom(1)'s result is kept in its task.
    """
    try:
        async with asyncio.TaskGroup() as tg:
            one = tg.create_task(boom(1))
            tg.create_task(boom(0))
            # the seed's run_forever(): a task group that has nothing left to
            # do but wait for ever
            await asyncio.Event().wait()
    except* ZeroDivisionError as group:
        for exc in group.exceptions:
            print("caught", repr(exc))
    print("boom(1) returned", one.result())


if __name__ == "__main__":
    lesson.main()

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
regularly (``await anyio.lowlevel.checkpoint()``) lets the others run; or
the blocking call goes to a worker thread (``anyio.to_thread.run_sync``).

Last, an exception raised in a task is not lost in a task group: the group
cancels what still runs in it and raises the exception where it was opened.

Run it:
    python -m lessons_anyio.w8s9 --backend trio          # all demos, in order
    python -m lessons_anyio.w8s9 blocking --debug        # on asyncio: asyncio's
                                                         # debug mode logs the
                                                         # callback that held the loop

Differs from the asyncio version:
- no loop to get: each demo is a coroutine function that simply awaits
  (call7.py's ``run_until_complete(amain())`` is ``await amain()``);
- tasks started together run in an order trio does not promise, where
  ``gather`` runs them in order: so ``blocking`` and ``breathing`` start
  ``countdown``, let it print its first dot (one checkpoint), then start
  ``compute``; ``blocking`` then prints exactly what the video shows, on both
  backends; ``breathing`` interleaves dots and crosses on both, but on trio
  the exact interleaving changes from run to run;
- ``breathing`` shows two fixes, one line each: a checkpoint after each cross
  (``checkpoint()`` in place of ``asyncio.sleep(0)``), then the blocking call
  sent to a worker thread (``to_thread.run_sync``);
- ``boom`` runs in a task group: it fails at once, with an ``ExceptionGroup``
  holding the ``ZeroDivisionError``, which the demo catches and prints;
  ``boom(1)``'s result is kept too;
- ``--debug`` changes nothing on trio, which has no such mode;
- one more demo, ``start_soon_coro``: the task group's way of forgetting the
  difference between a coroutine function and a coroutine.
"""

import inspect
import time

import anyio

from common.outcome import cases, observe
from common.runner import Lesson

# echo(value) prints what the video's IDLE shell shows when an expression is
# typed (a script shows nothing), memory addresses masked as 0x….
from common.shell import echo

lesson = Lesson(__name__)
lesson.add_argument(
    "--debug",
    action="store_true",
    help="run asyncio in debug mode (it logs callbacks that hold the loop over 0.1 s);"
    " nothing on trio",
)


# Écueil n°1 : fonction coroutine vs coroutine
# (pitfall 1: coroutine function vs coroutine)

# une fonction coroutine (a coroutine function)
async def foo(delay):
    await anyio.sleep(1)
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
        await anyio.sleep(period)
        n -= 1


async def compute(n, period):
    for i in range(n):
        # on simule un calcul (we simulate a computation)
        time.sleep(period)  # noqa: ASYNC251 (the pitfall: it holds the loop)
        print('x', end='', flush=True)


# Faites respirer votre code (let your code breathe): the video replaces
# compute() with this one; here it has a name of its own, to show both.
async def compute_breathing(n, period):
    for i in range(n):
        # on simule un calcul (we simulate a computation)
        time.sleep(period)  # noqa: ASYNC251 (still blocks, between the breaths)
        print('x', end='', flush=True)
        # await None n'est pas valide (await None is not valid: case 8);
        # a checkpoint gives control back, on any backend
        await anyio.lowlevel.checkpoint()


# The other fix: the blocking call itself goes to a worker thread, and the
# task waits for it without holding the loop.
async def compute_in_thread(n, period):
    for i in range(n):
        # on simule un calcul (we simulate a computation)
        await anyio.to_thread.run_sync(time.sleep, period)
        print('x', end='', flush=True)


async def boom(n):
    return 1/n


@lesson.demo
async def coroutine_object():
    """foo(4) returns a coroutine object and runs nothing, as squares(4) returns a generator"""
    # renvoie un objet coroutine si on l'appelle normalement : il ne se passe
    # rien (called normally, it returns a coroutine object: nothing happens).
    # The shell echoes it and keeps it in `_`, its last value, until it echoes
    # the next one: then the coroutine goes, never run, and Python warns on
    # stderr "RuntimeWarning: coroutine 'foo' was never awaited".
    _ = foo(4)
    echo(_)

    # qui retourne un itérateur, et là encore il ne se passe rien (which
    # returns an iterator, and again nothing happens: not even the TypeError
    # that iterating over 4 would raise)
    value = squares(4)
    _ = None  # the shell drops the unrun coroutine: Python's warning, here
    echo(value)


# The video shows the eight cases as code (foo() and afoo(), with their
# comments), and F5 on foo()'s SyntaxError; the table of outcomes is the project's.
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
    # The video runs each file with F5: the warning shows on stderr, nothing
    # on stdout.  Here it is caught (observe) and printed on one line.
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
    1 s in all, on both backends.  With ``--debug`` on asyncio, asyncio logs
    on stderr ``Executing <Task … compute …> took 0.500 seconds``.  Ctrl-C has
    to wait too (a cancellation lands at a checkpoint, and compute has none):
    pressed during the crosses, it stops the demo only once they are all
    printed (on trio, countdown, due by then, may even print one more dot
    before the cancellation lands).  ruff flags the ``time.sleep`` in an
    async function: ASYNC251.
    """
    async with anyio.create_task_group() as tg:
        tg.start_soon(countdown, 10, .05)
        # gather runs countdown first; trio runs tasks started together in any
        # order: let countdown print its first dot before compute starts
        await anyio.lowlevel.checkpoint()
        tg.start_soon(compute, 10, .05)
    # Not in the video: the dots and crosses have no newline; end the line,
    # so that what comes next starts on a line of its own.
    print()


@lesson.demo
async def breathing():
    """compute() gives control back after each cross: dots and crosses interleave

    Two fixes, one line each.

    ``checkpoint()``: compute still blocks 0.05 s per cross (ruff's ASYNC251
    still flags its ``time.sleep``) but gives the loop a turn after each: on
    asyncio ``.xxx.xxx.xxx.x.......`` as in the video, 0.85 s in all; on trio
    one or two crosses between dots, in an order that changes from run to
    run.  It fits work that you can cut into short steps, in code of your own
    (a loop of computations).  ``anyio.sleep(0)`` would do the same; ruff
    prefers ``checkpoint()``, which says what it is for (ASYNC115).

    ``to_thread.run_sync``: the blocking call runs in a worker thread and the
    loop stays free: a dot and a cross every 0.05 s,
    ``..x.x.x.x.x.x.x.x.x.x``, 0.55 s in all (in a real run, which of the two
    comes first at each instant is up to the thread).  It fits a blocking call
    that you cannot cut or change (a library's blocking I/O, ``time.sleep``);
    it costs a thread per call in flight (at most 40 by default), and Python
    code in a thread still takes turns with the loop for the GIL.
    """
    # Fix 1: a checkpoint after each cross.
    print("checkpoint() ", end="")
    async with anyio.create_task_group() as tg:
        tg.start_soon(countdown, 10, .05)
        # as in blocking: countdown's first dot, then compute starts
        await anyio.lowlevel.checkpoint()
        tg.start_soon(compute_breathing, 10, .05)
    print()

    # Fix 2: the blocking call in a worker thread.
    print("to_thread    ", end="")
    async with anyio.create_task_group() as tg:
        tg.start_soon(countdown, 10, .05)
        await anyio.lowlevel.checkpoint()
        tg.start_soon(compute_in_thread, 10, .05)
    print()


@lesson.demo(name="boom", forever=1.5)
async def demo_boom():
    """tasks that raise, in a task group: it fails at once, and nothing is lost

    boom(0)'s ``ZeroDivisionError`` cancels what still runs in the group
    (here the body's ``sleep_forever()``, the seed's ``run_forever()``) and
    comes out of the ``async with`` in an ``ExceptionGroup``, at 0 s, where
    ``except* ZeroDivisionError`` catches it.  boom(1)'s result is kept in its
    task handle.  No task can outlive its group: nothing for RUF006 to flag.
    """
    try:
        async with anyio.create_task_group() as tg:
            one = tg.start_soon(boom, 1)
            tg.start_soon(boom, 0)
            # the seed's run_forever(): a task group that has nothing left to
            # do but wait for ever
            await anyio.sleep_forever()
    except* ZeroDivisionError as group:
        for exc in group.exceptions:
            print("caught", repr(exc))
    print("boom(1) returned", one.return_value)


@lesson.demo(port_only=True)
async def start_soon_coro():
    """tg.start_soon(coro()) hands over a coroutine, not a function: TypeError

    A task group (as trio's nursery, and ``anyio.run``) takes the coroutine
    function and its arguments, and calls it itself.  ``coro()`` calls it too
    early and hands over a coroutine object, which cannot be called: the
    group fails with a ``TypeError``, and the coroutine, never awaited, warns.
    ``tg.start_soon(coro)`` is the right call.
    """
    with observe() as outcome:
        async with anyio.create_task_group() as tg:
            tg.start_soon(coro())
    print("tg.start_soon(coro()):", outcome)

    with observe() as outcome:
        async with anyio.create_task_group() as tg:
            tg.start_soon(coro)
    print("tg.start_soon(coro):  ", outcome)


if __name__ == "__main__":
    lesson.main()

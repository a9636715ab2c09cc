"""w8s2 — Quelques exemples simples (a few simple examples), as asyncio is written today.

A fixture of the views' tests: the video's w8s2 with ``asyncio.TaskGroup``.

What differs from the video:
- no loop to get: the runner runs each demo, a coroutine function;
- ``gather`` becomes a task group, whose block ends when both tasks have.

What anyio adds:
- the same code on trio.
"""

import asyncio
import time

from common.runner import Lesson
from common.shell import echo

lesson = Lesson(__name__)


async def morceaux(message):
    print(message, "début")
    await asyncio.sleep(0.5)

    print(message, "milieu")
    await asyncio.sleep(1)

    print(message, "fin")
    return f"{message} par morceaux"


async def famine(message):
    print(message, "début")
    await asyncio.sleep(0.5)

    print(message, "milieu")
    time.sleep(1)  # noqa: ASYNC251 (the pitfall this demo shows)

    print(message, "fin")
    return f"{message} par famine"


@lesson.demo(name="morceaux")
async def demo_morceaux():
    """calling morceaux() runs nothing; the event loop runs it, by pieces"""
    echo(await morceaux("run"))


@lesson.demo
async def gather():
    """two morceaux interleaved in a TaskGroup: one await at a time each"""
    async with asyncio.TaskGroup() as tg:
        run1 = tg.create_task(morceaux("run1"))
        run2 = tg.create_task(morceaux("run2"))
    echo([run1.result(), run2.result()])


@lesson.demo(name="famine")
async def demo_famine():
    """time.sleep() inside a coroutine keeps the loop: the other one starves"""
    async with asyncio.TaskGroup() as tg:
        run1 = tg.create_task(famine("run1"))
        run2 = tg.create_task(famine("run2"))
    echo([run1.result(), run2.result()])


@lesson.demo(in_video=False)
async def later():
    """a demo the video does not have: one second, then a line"""
    await asyncio.sleep(1)
    print("one second later")

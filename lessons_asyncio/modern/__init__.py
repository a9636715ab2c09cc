"""asyncio as written today (Python 3.11+): every lesson a third time.

The same demos as the faithful versions (``lessons_asyncio``), under the same
names, in the same order, written with what asyncio offers now:
``asyncio.TaskGroup``, ``asyncio.timeout()``, ``asyncio.Semaphore``,
``asyncio.to_thread``, ``except*``, ``Queue.shutdown()`` (3.13).  Each
module's docstring ends with what differs from the video and what anyio
(``lessons_anyio``) still adds.
"""

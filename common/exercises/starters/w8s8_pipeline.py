"""w8s8_pipeline: a producer and a consumer over a memory stream, ending cleanly (anyio).

A producer sends ``tick1`` to ``tick5`` through a memory object stream with
no buffer (``anyio.create_memory_object_stream[str](0)``), one a second; a
consumer prints what it receives.  When the producer is done, everything must
end by itself: no cancellation, no sleeping for ever.

* ``producer(send_stream)``: for i in 1 to 5, send ``f"tick{i}"``, print
  ``sent tick{i}``, then sleep 1 second; close its end when done;
* ``consumer(receive_stream)``: print ``got {item}`` for each item, then
  ``consumer done`` once the stream is closed and empty;
* ``main()``: make the stream, run both in a task group, print ``done``.

The grader runs ``main()`` on a virtual clock, on asyncio and on trio:
``sent tickN`` and ``got tickN`` at N - 1 seconds, ``consumer done`` and
``done`` at 5 s (the producer's last sleep).

    python -m common.exercises check w8s8_pipeline THIS_FILE
"""

from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream


async def producer(send_stream: MemoryObjectSendStream[str]) -> None: ...


async def consumer(receive_stream: MemoryObjectReceiveStream[str]) -> None: ...


async def main() -> None: ...

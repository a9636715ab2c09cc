"""The structured-concurrency ports: the same lessons with anyio, on asyncio or trio."""

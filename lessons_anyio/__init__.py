"""The structured-concurrency ports: the same lessons with anyio, on asyncio or trio."""

from common.starting import quiet_ctrl_c_while_starting

quiet_ctrl_c_while_starting()  # python -m lessons_…: Ctrl-C during the imports, one line

"""A real Jupyter kernel (ipykernel) of this interpreter, on the project's code.

The kernel is started from a kernel spec written to a temporary folder, whose
command is this very interpreter (``sys.executable -m ipykernel_launcher``):
no ``ipykernel install`` is needed, and a ``python3`` kernel spec installed
elsewhere (the venv's, the user's) cannot slip in another interpreter.  Its
working directory is the project's root and ``PYTHONPATH`` points there, so
the kernel imports this worktree's code.

Used by the kernel tests and by ``benchmarks/notebook.py``.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NAME = "lessons-python"
VIRTUAL_TIME = "LESSONS_VIRTUAL_TIME"  # the switch a teacher may set for Jupyter

#: What a kernel's namespace holds before any cell ran (and after ``%reset -f``)
FRESH = ["In", "Out", "exit", "get_ipython", "open", "quit"]
NAMES = "sorted(name for name in dir() if not name.startswith('_'))"


def kernel_env(**extra: str) -> dict[str, str]:
    """The kernel's environment: the project importable, real time unless told."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop(VIRTUAL_TIME, None)
    env.update(extra)
    return env


class KernelSpecs:
    """A temporary folder with one kernel spec: this interpreter's ipykernel."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="lessons-kernels-"))
        spec = self.folder / NAME
        spec.mkdir()
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": argv,
                    "display_name": "asyncio-anyio lessons (tests)",
                    "language": "python",
                    "interrupt_mode": "signal",
                }
            ),
            encoding="utf-8",
        )
        self.manager = KernelSpecManager(kernel_dirs=[str(self.folder)], ensure_native_kernel=False)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Execution:
    """What one ``execute_request`` produced, message by message."""

    #: The iopub messages of the request, each with its arrival time on the
    #: test's clock (``time.monotonic``), up to the kernel's ``idle``.
    messages: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=dict)

    def of_type(self, *types: str) -> list[dict[str, Any]]:
        return [m for _, m in self.messages if m["msg_type"] in types]

    def stream(self, name: str = "stdout") -> str:
        return "".join(
            m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == name
        )

    def lines(self, name: str = "stdout") -> list[str]:
        return self.stream(name).splitlines()

    def data(self, mime: str) -> list[str]:
        """That MIME type in the display data and the cell's result."""
        found = self.of_type("display_data", "execute_result")
        return [m["content"]["data"][mime] for m in found if mime in m["content"]["data"]]

    @property
    def status(self) -> str:
        return str(self.reply["content"]["status"])

    @property
    def error(self) -> str | None:
        """The error's name (``KeyboardInterrupt``…), ``None`` if the cell succeeded."""
        return self.reply["content"].get("ename") if self.status != "ok" else None


class Kernel:
    """A running kernel, a blocking client for tests that talk to it message
    by message, and :meth:`notebook` for those that run a notebook in it
    through nbclient (as ``jupyter nbconvert --execute`` does)."""

    def __init__(self, specs: KernelSpecs, **env: str) -> None:
        # IPC sockets in the specs' folder: no TCP port, nothing written in the
        # project.  One folder per kernel: their socket names cannot collide.
        folder = Path(tempfile.mkdtemp(prefix="kernel-", dir=specs.folder))
        self._nbclient: tuple[asyncio.AbstractEventLoop, AsyncKernelClient] | None = None
        # asynchronous, as nbclient wants its manager; the tests' own client blocks
        self.manager = AsyncKernelManager(
            kernel_name=NAME,
            kernel_spec_manager=specs.manager,
            transport="ipc",
            ip=str(folder / "kernel"),
        )
        environment = kernel_env(**env)
        #: ``LESSONS_VIRTUAL_TIME`` in the kernel's environment (``None``: unset)
        self.virtual_time = environment.get(VIRTUAL_TIME)
        run_sync(self.manager.start_kernel)(
            cwd=str(ROOT),
            env=environment,
            # the cells' history in memory, as nbclient's own kernels keep it:
            # nothing written in the user's ~/.ipython
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
        )
        self.client = BlockingKernelClient()
        self.client.load_connection_info(self.manager.get_connection_info())
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=120)
        except BaseException:
            self.close()
            raise

    def send(self, code: str) -> str:
        """Start executing ``code``; the request's id (see :meth:`collect`)."""
        return str(self.client.execute(code, store_history=False))

    def next_message(self, msg_id: str, timeout: float) -> tuple[float, dict[str, Any]]:
        """The next iopub message of request ``msg_id`` and its arrival time."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no message from the kernel in {timeout} s")
            message = self.client.get_iopub_msg(timeout=left)
            if message["parent_header"].get("msg_id") == msg_id:
                return time.monotonic(), message

    def collect(
        self, msg_id: str, timeout: float = 120, done: Execution | None = None
    ) -> Execution:
        """The request's messages until the kernel is idle again, and its reply."""
        execution = done or Execution()
        while True:
            arrived, message = self.next_message(msg_id, timeout)
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
            execution.messages.append((arrived, message))
        while not execution.reply:
            reply = self.client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                execution.reply = reply
        return execution

    def execute(self, code: str, timeout: float = 120) -> Execution:
        return self.collect(self.send(code), timeout)

    def interrupt(self) -> None:
        """What Jupyter's ■ does: SIGINT to the kernel (its spec says ``signal``)."""
        run_sync(self.manager.interrupt_kernel)()

    def names(self) -> list[str]:
        """The names the cells see (those not starting with ``_``)."""
        cell = self.execute(NAMES)
        if cell.error is not None:
            raise RuntimeError(f"the kernel could not list its names: {cell.reply['content']}")
        return list(ast.literal_eval(cell.data("text/plain")[0]))

    def reset(self) -> list[str]:
        """Empty the namespace as a new kernel has it (``%reset -f``); the
        names left, which a caller compares with :data:`FRESH`.  What a cell
        of an earlier test defined is gone; the modules it imported stay
        loaded (as they would after ``%reset -f`` in a user's notebook)."""
        # Also forget which warnings were already shown: entering
        # catch_warnings marks every module's record of them out of date, so
        # a warning shows again, as in a new kernel, and a test sees it.
        # And the time switch as the kernel started with it (a test may set it).
        virtual = self.virtual_time
        cell = self.execute(
            "%reset -f\n"
            "import os as _os, warnings as _w\n"
            "with _w.catch_warnings():\n    pass\n"
            + (
                f"_os.environ[{VIRTUAL_TIME!r}] = {virtual!r}\n"
                if virtual is not None
                else f"_os.environ.pop({VIRTUAL_TIME!r}, None)\n"
            )
            + "del _os, _w"
        )
        if cell.error is not None:
            raise RuntimeError(f"the kernel could not reset: {cell.reply['content']}")
        return self.names()

    def notebook(self, notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Run ``notebook`` here, cell by cell, through nbclient; the kernel
        stays up.  A cell that fails raises ``CellExecutionError``, with the
        cell and its traceback."""
        client = NotebookClient(notebook, km=self.manager, timeout=300)
        # nbclient's own client, kept from one notebook to the next: a new one
        # waits for the kernel's first message on a channel it has just
        # joined, and misses it (up to 0.2 s) whenever it joined late
        client.kc = run_sync(self._notebook_client)()
        return client.execute()

    async def _notebook_client(self) -> AsyncKernelClient:
        """The client nbclient talks through, on the event loop that nbclient
        runs (a new client if that loop is not the one it was made on)."""
        loop = asyncio.get_running_loop()
        if self._nbclient is not None and self._nbclient[0] is loop:
            return self._nbclient[1]
        if self._nbclient is not None:
            self._nbclient[1].stop_channels()
        client = self.manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=120)
        self._nbclient = (loop, client)
        return client

    def close(self) -> None:
        self.client.stop_channels()
        if self._nbclient is not None:
            self._nbclient[1].stop_channels()
        if self.manager.has_kernel:
            run_sync(self.manager.shutdown_kernel)(now=True)

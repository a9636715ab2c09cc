"""Many real processes of lessons for the price of one interpreter start-up
(part of the tests' harness: import it from :mod:`tests.harness`).

:class:`ForkServer` starts one Python that imports what every lesson imports
(asyncio, anyio, trio, the runner, w8s4's HTTP clients; not the lessons
themselves), then forks a child for each command asked of it: the child runs
``python -m module args…`` as Python does (:func:`runpy.run_module`, as
``__main__``), on its own stdout and stderr, and ends as that interpreter
would end (its exit code, or the signal that killed it; the interpreter's
finalization runs).  Each child is a real process: a test presses Ctrl-C
with a real SIGINT to its pid.

:meth:`ForkServer.spawn` gives a :class:`tests.real_processes.Child`,
watched as :func:`tests.real_processes.spawn`'s are.  What a forked child
cannot show, a process of its own started by ``python -m`` shows: what the
interpreter imports, and Ctrl-C during its start-up (tests/test_cli_processes.py).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading

from tests.real_processes import ROOT, TIMEOUT, Child, cli_env

#: The server: imports, then serves requests from the socket whose descriptor
#: it is given, one datagram each ({"argv": […], "env": {…}, "warnings": […]},
#: with the child's stdout and stderr as descriptors); answers {"pid": …} at
#: once, and {"pid": …, "status": …} when that child has ended.
SERVER = r"""
import builtins, io, json, os, selectors, signal, socket, sys, warnings
import asyncio, anyio, trio, anyio._backends._asyncio, anyio._backends._trio
import common.api, common.cli, common.runner, common.virtual
# the runners, and with them common.collecting: imported before the freeze, it
# keeps the freeze (a run's collection then walks only the child's objects)
import common.run_faithful, common.run_modern, common.run_port
# w8s4's HTTP clients and server (aiohttp alone is 0.15 s of processor time a child)
import aiohttp, httpx, requests, common.w8s4
import gc, runpy
gc.freeze()  # the imports' objects: left alone by the children's collections (fewer copies)

def serve(sock):
    wakeup_r, wakeup_w = os.pipe()
    os.set_blocking(wakeup_w, False)
    signal.set_wakeup_fd(wakeup_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    selector.register(wakeup_r, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is wakeup_r:
                os.read(wakeup_r, 4096)
                while True:
                    try:
                        pid, status = os.waitpid(-1, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid == 0:
                        break
                    code = os.waitstatus_to_exitcode(status)
                    sock.send(json.dumps({"pid": pid, "status": code}).encode())
                continue
            message, fds, _, _ = socket.recv_fds(sock, 65536, 2)
            if not message:
                sys.exit(0)  # the tests went away
            pid = os.fork()
            if pid == 0:
                # the child: nothing of the server's left
                selector.close()
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wakeup_r)
                os.close(wakeup_w)
                sock.close()
                return json.loads(message), fds
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"pid": pid}).encode())

request, (out, err) = serve(socket.socket(fileno=int(sys.argv[1])))
os.dup2(out, 1)
os.dup2(err, 2)
os.close(out)
os.close(err)
# as python -u has them (spawn asks for PYTHONUNBUFFERED): each line as it is written
sys.stdout = io.TextIOWrapper(io.FileIO(1, "w"), encoding="utf-8", write_through=True)
sys.stderr = io.TextIOWrapper(
    io.FileIO(2, "w"), encoding="utf-8", errors="backslashreplace", write_through=True
)
sys.__stdout__, sys.__stderr__ = sys.stdout, sys.stderr
for name, value in request["env"].items():
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
for action, category in request["warnings"]:  # -W action::Category
    warnings.simplefilter(action, getattr(builtins, category))
module, *args = request["argv"]
sys.argv = ["-m", *args]
del request, out, err, serve
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


class Forked:
    """A child of the fork server, as :class:`Child` uses a
    :class:`subprocess.Popen`: its pid, streams, :meth:`poll`, :meth:`wait`…"""

    def __init__(self, server, pid, stdout, stderr):
        self._server, self.pid = server, pid
        self.stdout, self.stderr = stdout, stderr
        self.returncode = None

    def poll(self):
        self.returncode = self._server._status(self.pid)
        return self.returncode

    def wait(self, timeout=None):
        self.returncode = self._server._wait(self.pid, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout)
        return self.returncode

    def send_signal(self, sig):
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self):
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """One interpreter, with the lessons' imports done, that forks a real
    process for each command (see the module's docstring).  Close it when
    done (a context manager)."""

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env=cli_env(virtual=False),
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        self._sock = ours
        self._changed = threading.Condition()
        self._statuses = {}
        self._started = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            data = self._sock.recv(65536)
            message = json.loads(data) if data else None
            with self._changed:
                if message is None:
                    self._statuses[None] = "gone"
                elif "status" in message:
                    self._statuses[message["pid"]] = message["status"]
                else:
                    self._started.append(message["pid"])
                self._changed.notify_all()
            if message is None:
                return

    def _status(self, pid):
        with self._changed:
            return self._statuses.get(pid)

    def _wait(self, pid, timeout):
        with self._changed:
            self._changed.wait_for(lambda: pid in self._statuses or None in self._statuses, timeout)
            return self._statuses.get(pid)

    def spawn(self, module, *args, virtual=False, env=None, python=()):
        """``python [python…] -m module args…`` as a :class:`Child` forked by
        the server, on real time by default, as :func:`tests.real_processes.spawn`
        does.  Of Python's own options, only ``-W action::Category``; no
        ``PYTHON…`` variable (Python reads those as it starts: use ``spawn``)."""
        changes = {"LESSONS_VIRTUAL_TIME": "1" if virtual else None, **(env or {})}
        assert not [name for name in changes if name.startswith("PYTHON")], env
        options = list(python)
        filters = []
        while options:
            flag, option, *options = options
            action, _, category = option.partition("::")
            assert flag == "-W" and action and category.isidentifier(), python
            filters.append((action, category))
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        request = {"argv": [module, *args], "env": changes, "warnings": filters}
        request = json.dumps(request).encode()
        with self._changed:
            socket.send_fds(self._sock, [request], [out_w, err_w])
            os.close(out_w)
            os.close(err_w)
            started = self._changed.wait_for(lambda: self._started, TIMEOUT)
            assert started, "the fork server answers no more"
            pid = self._started.pop(0)
        proc = Forked(self, pid, os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb"))
        return Child([sys.executable, *python, "-m", module, *args], proc=proc)

    def close(self):
        """Stop the server (its children still running are left to end)."""
        self._sock.shutdown(socket.SHUT_WR)  # the server sees the end, and ends
        try:
            self._server.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait()
        self._reader.join()
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


__all__ = ["ForkServer", "Forked"]

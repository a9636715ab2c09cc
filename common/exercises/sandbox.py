"""Run the learner's code on one backend, on virtual time, and keep a :class:`Run`.

The run lives in this thread, under a :class:`~common.exercises.watchdog.Watchdog`.
While it runs (and only then):

* what it prints is recorded on the loop's virtual clock, at most
  :data:`OUTPUT_CAP` characters per stream (the rest is dropped);
* ``time.sleep`` moves the virtual clock instead of waiting (the loop is held
  just as long, on its clock) and is noted as a blocking call;
* warnings are recorded, not shown: a coroutine that was never awaited is
  noted by name; errors the loop would log (a task destroyed while pending)
  are kept as standard error;
* the watchdog stops it when a budget runs out, or when it waits for ever.
"""

from __future__ import annotations

import asyncio
import gc
import re
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, SupportsIndex, TextIO

import anyio

from common.clock import running_clock
from common.exercises.learner import Code, NotGradable, leaf, their_traceback
from common.exercises.model import Blocking, Exercise, Run
from common.exercises.watchdog import Watchdog, learner_place
from common.record import Record, recording
from common.virtual import backend_options, nothing_can_wake_it, virtual_advance, virtual_hold
from common.virtual_sleep import blocking_sleep_moves_clock

OUTPUT_CAP = 100_000
AUTOJUMP = 0.002
_UNAWAITED = re.compile(r"coroutine '([^']+)' was never awaited")


class Stopped(BaseException):
    """Raised in the run's thread when the watchdog stops it (notebooks)."""


class _Capped:
    """A stream that passes on the first ``cap`` characters, then drops."""

    def __init__(self, target: TextIO, cap: int) -> None:
        self._target, self._left, self.truncated = target, cap, False

    def write(self, text: str) -> int:
        if len(text) > self._left:
            self.truncated = True
        if self._left > 0:
            self._target.write(text[: self._left])
            self._left -= min(len(text), self._left)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Session:
    """One backend's run in progress: what the watchdog can report if it stops it."""

    def __init__(self, exercise: Exercise, code: Code, backend: str, watchdog: Watchdog) -> None:
        self.exercise, self.code, self.backend = exercise, code, backend
        self.watchdog = watchdog
        self.record: Record | None = None
        self.sleeps: list[Blocking] = []
        self.unawaited: list[str] = []
        self.stderr: list[str] = []
        self.streams: list[_Capped] = []
        self.origin = 0.0

    def result(
        self, problem: str | None = None, message: str = "", details: str = "", error: str = ""
    ) -> Run:
        record = self.record
        schedule = record.schedule() if record is not None else []
        end = record.duration if record is not None and record.duration is not None else 0.0
        return Run(
            self.backend,
            schedule,
            problem,
            message,
            blocking=[*self.sleeps, *self.watchdog.blocking],
            unawaited=sorted(set(self.unawaited)),
            truncated=any(s.truncated for s in self.streams),
            end=round(end, 3),
            details=details,
            error=error,
        )

    # -- what the run patches, for the run only ----------------------------------

    @contextmanager
    def recorded(self, clock: Callable[[], float]) -> Iterator[None]:
        with recording(clock, echo=False) as record:
            self.record, self.origin = record, clock()
            taps = sys.stdout, sys.stderr
            self.streams = [_Capped(taps[0], OUTPUT_CAP), _Capped(taps[1], OUTPUT_CAP)]
            sys.stdout, sys.stderr = self.streams
            try:
                yield
            finally:
                sys.stdout, sys.stderr = taps

    @contextmanager
    def sleeps_noted(self, clock: Callable[[], float]) -> Iterator[None]:
        """Inside :func:`blocking_sleep_moves_clock`: note each ``time.sleep``
        made in this thread, the loop's.  (Another thread's is not the loop
        held: the learner's, handed to a thread as it should be, or one of the
        host's, such as a Jupyter kernel's, which polls once a second.)"""
        moved = time.sleep
        loop_thread = threading.get_ident()

        def sleep(seconds: float | SupportsIndex) -> None:
            if threading.get_ident() != loop_thread:
                return moved(seconds)
            where = learner_place(sys._getframe(1), self.code.filename)
            when = round(clock() - self.origin, 3)
            self.sleeps.append(Blocking(when, f"time.sleep({seconds!r})", where))
            moved(seconds)

        time.sleep = sleep
        try:
            yield
        finally:
            time.sleep = moved

    def loop_errors(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.stderr.append(str(context.get("message", "")))

    @contextmanager
    def warnings_kept(self) -> Iterator[None]:
        hook = sys.unraisablehook

        def unraisable(info: Any) -> None:
            self.stderr.append(f"{info.exc_type.__name__}: {info.exc_value}")

        sys.unraisablehook = unraisable
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    yield
                finally:
                    gc.collect()  # frees the coroutines nobody awaited: they warn now
            for warning in caught:
                found = _UNAWAITED.search(str(warning.message))
                if found:
                    self.unawaited.append(found.group(1).rsplit(".", 1)[-1])
        finally:
            sys.unraisablehook = hook

    # -- the two kinds of entry ----------------------------------------------------

    async def _async_main(self, entry: Callable[..., Any]) -> None:
        clock = running_clock()
        assert clock is not None
        if self.backend == "asyncio":
            loop = asyncio.get_running_loop()
            loop.set_exception_handler(self.loop_errors)
            post: Callable[[Callable[[], object]], object] = loop.call_soon_threadsafe
        else:
            import trio

            post = trio.lowlevel.current_trio_token().run_sync_soon
        budget = self.exercise.virtual_budget
        with (
            blocking_sleep_moves_clock(virtual_advance(), virtual_hold()),
            self.sleeps_noted(clock),
        ):
            arguments = self.exercise.arguments
            scope = anyio.CancelScope()
            if arguments is None:
                with self.recorded(clock):
                    self.watchdog.attach(
                        post, clock, self.origin, budget, scope.cancel, nothing_can_wake_it
                    )
                    with scope:
                        await entry()
            else:
                async with arguments() as args:
                    with self.recorded(clock):
                        self.watchdog.attach(
                            post, clock, self.origin, budget, scope.cancel, nothing_can_wake_it
                        )
                        with scope:
                            await entry(*args)
        self.watchdog.detach()

    def _loop_main(self, entry: Callable[..., Any]) -> None:
        loop = backend_options("asyncio", virtual=True)["loop_factory"]()
        loop.set_exception_handler(self.loop_errors)
        budget = self.exercise.virtual_budget
        asyncio.set_event_loop(loop)
        try:
            with (
                blocking_sleep_moves_clock(loop.advance),
                self.sleeps_noted(loop.time),
                self.recorded(loop.time),
            ):
                post = loop.call_soon_threadsafe
                self.watchdog.attach(
                    post, loop.time, self.origin, budget, loop.stop, loop.nothing_can_wake_it
                )
                entry(loop)
                self.watchdog.detach()
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    def _options(self) -> dict[str, Any]:
        options = backend_options(self.backend, virtual=True)
        clock = options.get("clock")
        if clock is not None:
            # trio's mock clock with a threshold of 0 spins when nothing is
            # scheduled; a few real milliseconds let a run that waits for ever
            # look idle (and cost ~2 ms per jump of the clock)
            clock.autojump_threshold = AUTOJUMP
        return options

    def run(self) -> Run:
        try:
            entry = self.code.entry(self.exercise.entry, self.exercise.kind)
        except NotGradable as exc:
            return self.result(exc.kind, exc.message)
        with self.warnings_kept():
            failed = self._run(entry)
        if failed is not None:
            # the exception was dropped inside: the coroutines it held were
            # freed there, and the ones never awaited were noted
            return self.result("exception", *failed)
        if self.watchdog.soft is not None:
            return self._stopped()
        return self.result()

    def _run(self, entry: Callable[..., Any]) -> tuple[str, str, str] | None:
        """Run the entry; on an exception, what to say of it (message, their
        traceback, type name)."""
        try:
            if self.exercise.kind == "loop":
                self._loop_main(entry)
            else:
                anyio.run(
                    self._async_main,
                    entry,
                    backend=self.backend,
                    backend_options=self._options(),
                )
        except (Stopped, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self.watchdog.detach()
            if self.watchdog.soft is not None:
                traceback.clear_frames(exc.__traceback__)
                return None
            first = leaf(exc)
            said = (
                f"your code raised {type(first).__name__}: {first}".rstrip(": "),
                their_traceback(first, self.code.filename),
                type(first).__name__,
            )
            for each in {exc, first}:
                traceback.clear_frames(each.__traceback__)
            return said
        return None

    def _stopped(self) -> Run:
        kind, message = self.watchdog.soft or ("", "")
        if kind == "virtual":
            message += f" (it should end at {self.exercise.end:g} s)"
        return self.result(kind, message)

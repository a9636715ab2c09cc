"""The lesson registry: a lesson module's demos, in the order of the video.

A lesson module registers its demos on a :class:`Lesson`, and hands them to
:meth:`Lesson.main` when run as a script::

    lesson = Lesson(__name__)

    @lesson.demo
    def gather():
        "two morceaux interleaved"
        ...

    if __name__ == "__main__":
        lesson.main()

Nothing runs at import, and nothing here imports an event loop library: a
lesson's start-up costs its own imports.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar, overload

BACKENDS = ("asyncio", "trio")
#: The three versions of a lesson: the video's code, the anyio port, and
#: asyncio as written today (``lessons_asyncio.modern``).
FLAVOURS = ("asyncio", "anyio", "modern")
PACKAGES = {
    "asyncio": "lessons_asyncio",
    "anyio": "lessons_anyio",
    "modern": "lessons_asyncio.modern",
}

F = TypeVar("F", bound=Callable[..., Any])


class DemoFailed(Exception):
    """Raised by a demo that failed for a reason outside the lesson (network…).

    The runner prints its message on one line and ends with exit code 1.
    ``said=True``: the demo has already said what went wrong, one line per
    problem as it happened (w8s4's failed downloads); the runner adds no line
    of its own, only the exit code.
    """

    def __init__(self, message: str, *, said: bool = False) -> None:
        super().__init__(message)
        self.said = said


@dataclass(frozen=True)
class Demo:
    """A named, runnable unit of a lesson."""

    name: str
    func: Callable[..., Any]
    lesson: Lesson
    #: For demos that run forever: the default bound, in seconds.
    forever: float | None = None
    #: A teaching addition that exists only in the port.
    port_only: bool = False
    #: ``False`` for a demo the project adds, which the video does not show.
    in_video: bool = True

    @property
    def description(self) -> str:
        doc = inspect.getdoc(self.func) or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def bound(self, duration: float | None) -> float | None:
        """When the runner presses Ctrl-C for a demo that runs forever."""
        if self.forever is None:
            return None
        return duration if duration is not None else self.forever

    def kwargs(self, options: dict[str, Any]) -> dict[str, Any]:
        """The options (and what the lesson's setup adds) that the demo's
        function takes, by parameter name."""
        if not options:
            return {}
        params = inspect.signature(self.func).parameters
        return {k: v for k, v in options.items() if k in params}

    def setup(self, options: dict[str, Any]) -> AbstractContextManager[dict[str, Any]]:
        """The lesson's setup around a demo run on a loop the demo does not
        own yet (see :meth:`Lesson.setup`)."""
        if self.lesson._setup is None:
            return nullcontext({})
        return self.lesson._setup(self, options)  # type: ignore[no-any-return]

    def async_setup(self, options: dict[str, Any]) -> AbstractAsyncContextManager[dict[str, Any]]:
        """The lesson's setup around an ``async`` demo."""
        if self.lesson._setup is None:
            return nullcontext({})
        return self.lesson._setup(self, options)  # type: ignore[no-any-return]


class Lesson:
    """The demos of one lesson module, in the order of the video."""

    def __init__(self, module_name: str) -> None:
        if module_name == "__main__":
            spec = getattr(sys.modules["__main__"], "__spec__", None)
            module_name = spec.name if spec is not None else module_name
        self.module = module_name
        package, _, self.name = module_name.rpartition(".")
        #: "asyncio" for the faithful versions, "modern" for asyncio as
        #: written today (``lessons_asyncio.modern``), "anyio" for the ports.
        if package.endswith("anyio"):
            self.flavour = "anyio"
        elif package.endswith(".modern"):
            self.flavour = "modern"
        else:
            self.flavour = "asyncio"
        self.demos: dict[str, Demo] = {}
        self._arguments: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self._setup: Callable[[Demo, dict[str, Any]], Any] | None = None

    @overload
    def demo(self, func: F) -> F: ...
    @overload
    def demo(
        self,
        *,
        name: str | None = None,
        forever: float | None = None,
        port_only: bool = False,
        in_video: bool = True,
    ) -> Callable[[F], F]: ...

    def demo(
        self,
        func: F | None = None,
        *,
        name: str | None = None,
        forever: float | None = None,
        port_only: bool = False,
        in_video: bool = True,
    ) -> F | Callable[[F], F]:
        """Register a demo; its docstring's first line describes it in ``--list``.

        ``in_video=False`` marks a demo that the project adds (the video does
        not show it); ``port_only=True`` implies it."""

        def register(f: F) -> F:
            demo_name = name or f.__name__
            if demo_name in self.demos:
                raise ValueError(f"{self.module}: demo {demo_name!r} registered twice")
            self.demos[demo_name] = Demo(
                demo_name, f, self, forever, port_only, in_video and not port_only
            )
            return f

        return register(func) if func is not None else register

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        """A lesson-specific command-line option; demos that take a parameter
        of the same name receive its value.

        An option whose ``dest`` is ``debug`` (a lesson's ``--debug`` flag) also
        runs asyncio in debug mode (see :func:`common.api.run`)."""
        self._arguments.append((args, kwargs))

    def setup(self, func: F) -> F:
        """Register what is set up around each demo (w8s4: its HTTP server).

        Before each demo, ``func(demo, options)`` is called with all the
        options (the command line's, or ``run(options=...)``).  It returns
        a context manager, an async one for ``async`` demos, that the runner
        enters around the demo, inside its recording and its cancel scope;
        the dict it yields adds arguments for the demo, passed by parameter
        name as options are.  Not for port demos that are plain functions.
        """
        self._setup = func
        return func

    def names(self) -> list[str]:
        return list(self.demos)

    def __getitem__(self, name: str) -> Demo:
        try:
            return self.demos[name]
        except KeyError:
            raise KeyError(
                f"{self.module} has no demo {name!r} (choose from {', '.join(self.demos)})"
            ) from None

    def main(self, argv: Sequence[str] | None = None) -> NoReturn:
        from common.cli import main  # the command line: only when run as one

        sys.exit(main(self, argv))


def load_lesson(name: str, flavour: str = "asyncio") -> Lesson:
    """The :class:`Lesson` of ``w8s8`` (say) in ``flavour``: ``asyncio`` (the
    video's code), ``anyio`` (the port) or ``modern``."""
    if flavour not in PACKAGES:
        raise ValueError(f"unknown flavour {flavour!r} (choose from {', '.join(FLAVOURS)})")
    module_name = f"{PACKAGES[flavour]}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise ValueError(f"no lesson {name!r} in {PACKAGES[flavour]}") from None
        raise
    found = getattr(module, "lesson", None)
    if not isinstance(found, Lesson):
        raise ValueError(f"{module_name} is not a lesson module (it has no Lesson)")
    return found


def find_demo(demo: object, name: str | None = None, flavour: str = "asyncio") -> Demo:
    """The :class:`Demo` meant by ``demo``: a Demo; a demo's function (found in
    its module's lesson); or a lesson's name with the demo's (``"w8s8",
    "window"``).  Anything else is a :class:`TypeError` or :class:`ValueError`
    that says what was given."""
    if isinstance(demo, Demo):
        return demo
    if isinstance(demo, str):
        if name is None:
            raise TypeError(f"run({demo!r}) needs the demo's name too: run({demo!r}, 'DEMO')")
        lesson = load_lesson(demo, flavour)
        if name not in lesson.demos:
            raise ValueError(
                f"{lesson.module} has no demo {name!r} (choose from {', '.join(lesson.names())})"
            )
        return lesson.demos[name]
    if isinstance(demo, Lesson):
        raise TypeError(
            f"{demo.module}'s lesson is not a demo: pick one, lesson[{demo.names()[0]!r}]"
        )
    if not callable(demo):
        raise TypeError(f"not a demo: {demo!r} (give a Demo, a demo's function, or 'w8sN', 'DEMO')")
    module = sys.modules.get(getattr(demo, "__module__", None) or "", None)
    owner = getattr(module, "lesson", None)
    if isinstance(owner, Lesson):
        for candidate in owner.demos.values():
            if candidate.func is demo:
                return candidate
    raise ValueError(f"{demo!r} is not a registered demo")

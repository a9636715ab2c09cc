"""What every version of every lesson shares: the course's timer, the
recorder, the lesson runner and its command line, virtual clocks for the tests.

``from common import run`` (and ``arun``) runs a demo from Python, wherever you
are (see :mod:`common.api`).  They are looked up when first asked for, so that
importing a module of the package imports nothing else (this file imports
nothing at all: it is on the path of every lesson's start-up).
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from common.api import arun, run


def __getattr__(name: str) -> object:
    if name in ("run", "arun"):
        from common import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["arun", "run"]

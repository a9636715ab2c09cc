"""The first milliseconds of ``python -m lessons_…``: Ctrl-C during the imports.

Imported by the lesson packages' ``__init__`` before anything else, so it
imports nothing itself (``sys`` is already there): the sooner the hook is in
place, the shorter the window in which Ctrl-C still shows a traceback (the
interpreter's own start-up, some 20 ms, remains).
"""

import sys


def quiet_ctrl_c_while_starting() -> None:
    """``python -m lessons_…`` only: a Ctrl-C during the imports, before the
    command line handles it, ends with its one line (and exit 130), not a
    traceback.

    Acts only when ``sys.argv[0]`` is ``"-m"``, which it is only while
    ``python -m`` imports the package of the module it runs: the process is
    then the command line's.  Imported in any other way (a notebook, the
    tests, a view), nothing is changed.
    """
    if sys.argv[:1] != ["-m"]:
        return
    previous = sys.excepthook

    def hook(kind: "type[BaseException]", value: BaseException, traceback: object) -> None:
        if issubclass(kind, KeyboardInterrupt):
            # Python then ends the process as SIGINT does (exit 130 in a shell)
            print("interrupted (Ctrl-C)", file=sys.stderr)
            return
        previous(kind, value, traceback)  # type: ignore[arg-type]

    sys.excepthook = hook

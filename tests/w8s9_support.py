"""What the w8s9 tests share: asyncio's log on stderr, as on the command line."""

import logging
import sys

import pytest


class _ToCurrentStderr(logging.Handler):
    """What logging does when nothing is configured (its "last resort"):
    write the message, at WARNING and above, to whatever ``sys.stderr`` is
    now (the recorder, while a demo runs)."""

    def emit(self, record):
        sys.stderr.write(self.format(record) + "\n")


@pytest.fixture(autouse=True)
def asyncio_logs_on_stderr():
    """asyncio logs through the ``logging`` module.  On the command line
    nothing configures logging, so its messages go to ``sys.stderr``, where
    the recorder sees them; pytest configures logging (it captures it), so
    here a handler puts them on ``sys.stderr`` as the command line would."""
    logger = logging.getLogger("asyncio")
    handler = _ToCurrentStderr(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)

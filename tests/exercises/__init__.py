"""What the exercises' tests grade: known-wrong solutions (``NAME/wrong_*.py``,
the first line of each says its mistake), and the limits they grade with.

Code that only the watchdog stops (it waits for ever, holds the loop, never
ends) takes a second or more of real time under the limits learners get:
the tests give it :data:`STOP_SOON`.  Code meant to end on its own keeps the
defaults: on a busy machine a slow start could pass for a loop held or idle
under small limits.
"""

from common.exercises.watchdog import Limits

#: a few tenths of a second of processor time and of grace; at most 30 s in
#: all (a grading that hangs fails instead of blocking the suite).  Code that
#: waits with nothing left to wake it is said at once; the idle limit (real
#: time without progress, for a wait that a thread or a socket could end) is
#: put past the 30 s, so that a wait for ever said in these tests is one that
#: nothing could end: under a small idle limit, a busy loop on a starved
#: machine passed for one waiting for ever (`while True: await
#: asyncio.sleep(0)`, in CI)
STOP_SOON = Limits(cpu=0.3, grace=0.1, idle=60.0, wall=30.0)

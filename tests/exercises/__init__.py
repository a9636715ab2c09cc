"""What the exercises' tests grade: known-wrong solutions (``NAME/wrong_*.py``,
the first line of each says its mistake), and the limits they grade with.

Code that only the watchdog stops (it waits for ever, holds the loop, never
ends) takes a second or more of real time under the limits learners get:
the tests give it :data:`STOP_SOON`.  Code meant to end on its own keeps the
defaults: on a busy machine a slow start could pass for a loop held or idle
under small limits.
"""

from common.exercises.watchdog import Limits

#: a few tenths of a second for each real-time limit that stops a run; at most
#: 30 s in all (a grading that hangs fails instead of blocking the suite)
STOP_SOON = Limits(cpu=0.3, idle=0.2, grace=0.1, wall=30.0)

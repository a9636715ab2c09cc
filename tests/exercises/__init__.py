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
#: all (a grading that hangs fails instead of blocking the suite).  The idle
#: limit stays the learners' (1 s): a loop is judged idle when its thread gets
#: under a tenth of the processor for that long, which a busy loop on a
#: starved machine did over 0.2 s (`while True: await asyncio.sleep(0)`
#: reported as waiting for ever, in CI)
STOP_SOON = Limits(cpu=0.3, grace=0.1, wall=30.0)

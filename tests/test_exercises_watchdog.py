"""The exercises' watchdog on a clock of the test's: what it counts as real
time when the machine keeps it (and the loop it watches) from running."""

from common.exercises.watchdog import LATE, Limits, Watchdog

LIMITS = Limits(idle=1e9)  # (here: nothing is judged idle)


def watched(now):
    """A watchdog on the clock ``now[0]``, watching a loop that never answers
    its beats (held), not started: the test makes it look."""
    dog = Watchdog("their.py", limits=LIMITS, stop=lambda *_: None, monotonic=lambda: now[0])
    dog.attach(lambda beat: None, lambda: 0.0, 0.0, float("inf"), lambda: None)
    return dog


def test_a_loop_held_while_the_watchdog_looks_on_time_is_a_blocking_call():
    now = [0.0]
    dog = watched(now)
    looks = int(LIMITS.held / LIMITS.tick) + 2
    for _ in range(looks):
        now[0] += LIMITS.tick
        dog._check()
    assert [b.what for b in dog.blocking] == [
        "your code kept the loop, without an await, for too long"
    ]


def test_time_the_watchdog_itself_was_kept_from_looking_does_not_count():
    now = [0.0]
    dog = watched(now)
    # five looks a second apart: a machine too busy to run the watchdog; the
    # loop unanswered for 5 s of real time, but for 5 × LATE ticks as seen
    for _ in range(5):
        now[0] += 1.0
        dog._check()
    assert 5 * LATE * LIMITS.tick < LIMITS.held < 5.0
    assert dog.blocking == []


def test_a_beat_never_raises_in_the_loop():
    # the beat runs in the learner's loop: on trio, an exception there would
    # end the run; a question it cannot answer is "something may wake it"
    def cannot_tell():
        raise RuntimeError("no loop here")

    dog = Watchdog("their.py", limits=LIMITS, stop=lambda *_: None)
    beats = []
    dog.attach(beats.append, lambda: 0.0, 0.0, float("inf"), lambda: None, cannot_tell)
    dog._check()  # posts a beat
    (beat,) = beats
    beat()
    assert dog._for_ever is False and dog._sent is None

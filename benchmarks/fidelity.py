"""Timing fidelity: real-time runs against the ideal schedule.

Targets: every timer line within 20 ms; the first one at 000–002 ms.

The ideal schedule of a demo is its own virtual-time run: the same lines, at
exact times.  A real run (``virtual=False``) is made in a fresh process, as a
user's would be (lazy imports on the first call show up), and each of its
lines is matched to the ideal line with the same text (the timer's
``Xs + YYYms`` prefix left out, since that is what differs); the n-th line of
a text with the n-th, so lines printed at the same instant may come in any
order (trio does not order them).  Two deviations per line:

* *recorded*: when the line was written (``Record.lines()``, on the demo's
  clock, from the start of the demo) minus the ideal time;
* *timer text*: for timer lines, what the timer printed minus what it prints
  on the ideal run: what the user reads.
"""

from __future__ import annotations

import re
import select
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from benchmarks.report import Log, Section, Table, median, ms, verdict
from benchmarks.worker import call_worker

#: (lesson, demo): the demos with a fixed timetable.
FIXED = (("w8s6", "fork_stop"), ("w8s8", "window"), ("w8s2", "famine"))
#: (flavour package suffix, backend, label).
FLAVOURS = (
    ("asyncio", "asyncio", "faithful, asyncio"),
    ("asyncio.modern", "asyncio", "modern, asyncio"),
    ("anyio", "asyncio", "port, asyncio"),
    ("anyio", "trio", "port, trio"),
)
TARGET = 0.020  # every timer line within 20 ms of the ideal schedule
FIRST_LINE_TARGET = 0.002  # the first timer line says 000ms-002ms

TIMER = re.compile(r"^(\d+)s \+ (\d{3})ms(?= |$)")
TICK = re.compile(r"\bgot tick(\d+)$")

Lines = Sequence[tuple[float, str]]


def parse_timer(line: str) -> float | None:
    """``'1s + 002ms >>> c2'`` → ``1.002``; ``None`` if it is no timer line."""
    match = TIMER.match(line)
    if match is None:
        return None
    return int(match.group(1)) + int(match.group(2)) / 1000


def line_key(line: str) -> str:
    """What identifies a line across runs: its text without the timer prefix."""
    return TIMER.sub("", line, count=1).lstrip()


@dataclass
class Match:
    key: str
    ideal_time: float
    real_time: float
    ideal_timer: float | None
    real_timer: float | None

    @property
    def recorded(self) -> float:
        return self.real_time - self.ideal_time

    @property
    def timer(self) -> float | None:
        if self.ideal_timer is None or self.real_timer is None:
            return None
        return self.real_timer - self.ideal_timer


@dataclass
class Comparison:
    """One real run against its ideal schedule."""

    matches: list[Match] = field(default_factory=list)
    #: Lines of the ideal schedule that the real run did not print, and back.
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    #: The value of the real run's first timer line, if any.
    first_timer: float | None = None

    @property
    def recorded(self) -> list[float]:
        return [m.recorded for m in self.matches]

    @property
    def timer(self) -> list[float]:
        return [d for m in self.matches if (d := m.timer) is not None]


def compare(ideal: Lines, real: Lines) -> Comparison:
    """Match the lines of a real run to the ideal schedule, by text."""
    pending: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for when, line in ideal:
        pending[line_key(line)].append((when, line))
    result = Comparison()
    for when, line in real:
        key = line_key(line)
        if result.first_timer is None:
            result.first_timer = parse_timer(line)
        if not pending[key]:
            result.extra.append(line)
            continue
        ideal_time, ideal_line = pending[key].pop(0)
        result.matches.append(
            Match(key, ideal_time, when, parse_timer(ideal_line), parse_timer(line))
        )
    result.missing = [line for left in pending.values() for _, line in left]
    return result


def schedule_key(lines: Lines) -> tuple[tuple[str, float], ...]:
    """A schedule as a sorted list of (line, time): the order of lines that
    share an instant does not count, the timer prefix neither."""
    return tuple(sorted((line_key(line), round(when, 6)) for when, line in lines))


def distinct(schedules: Sequence[Lines]) -> list[Lines]:
    """The different schedules among several ideal runs, in order of appearance."""
    found: dict[tuple[tuple[str, float], ...], Lines] = {}
    for lines in schedules:
        found.setdefault(schedule_key(lines), lines)
    return list(found.values())


def compare_best(ideals: Sequence[Lines], real: Lines) -> Comparison:
    """Compare a real run with the ideal schedule it followed.

    Where the backend may order same-instant tasks either way (trio), a demo
    can have several valid schedules: in ``famine`` whichever task trio
    resumes first at 0.5 s blocks the other one for a second.  The real run
    is held to the schedule closest to it (fewest unmatched lines, then the
    smallest largest deviation).
    """

    def badness(comparison: Comparison) -> tuple[int, float]:
        worst = max((abs(d) for d in comparison.recorded), default=0.0)
        return len(comparison.missing) + len(comparison.extra), worst

    return min((compare(ideal, real) for ideal in ideals), key=badness)


@dataclass
class Drift:
    """How the ticks of ``producer_consumer`` fall behind, tick after tick."""

    ticks: int
    #: Mean lateness added by each tick (seconds): (last - first) / (ticks - 1).
    per_tick: float | None
    #: Lateness of the last tick (seconds).
    last: float | None


def tick_drift(comparison: Comparison, *, timer: bool = True) -> Drift:
    """The drift per tick of the ``got tickN`` lines of a comparison.

    With ``timer`` the deviations are read from the timer text (what the
    user sees), else from the recorded times.
    """
    points = []
    for match in comparison.matches:
        found = TICK.search(match.key)
        deviation = match.timer if timer else match.recorded
        if found and deviation is not None:
            points.append((int(found.group(1)), deviation))
    points.sort()
    if len(points) < 2:
        return Drift(len(points), None, points[-1][1] if points else None)
    (first_n, first), (last_n, last) = points[0], points[-1]
    return Drift(len(points), (last - first) / (last_n - first_n), last)


def abs_stats(values: Sequence[float]) -> tuple[float | None, float | None]:
    """(median, maximum) of the absolute values; ``(None, None)`` if empty."""
    if not values:
        return None, None
    magnitudes = [abs(v) for v in values]
    return median(magnitudes), max(magnitudes)


# -- running ------------------------------------------------------------------


#: Virtual runs per demo to find its valid schedules: with two equally likely
#: orders, the chance of missing one is 2 ** -(IDEAL_RUNS - 1).
IDEAL_RUNS = 16


def ideal_schedules(
    flavour: str, lesson: str, demo: str, backend: str, duration: float | None
) -> list[Lines]:
    """Every distinct ideal schedule seen in :data:`IDEAL_RUNS` virtual runs."""
    return distinct(
        [ideal_lines(flavour, lesson, demo, backend, duration) for _ in range(IDEAL_RUNS)]
    )


def ideal_lines(
    flavour: str, lesson: str, demo: str, backend: str, duration: float | None
) -> Lines:
    """The virtual-time run of the demo, in this process: the ideal schedule."""
    import importlib

    from common.runner import run_demo

    module = importlib.import_module(f"lessons_{flavour}.{lesson}")
    record = run_demo(
        module.lesson[demo], backend=backend, virtual=True, echo=False, duration=duration
    )
    return record.lines()


def real_lines(
    flavour: str, lesson: str, demo: str, backend: str, duration: float | None
) -> tuple[Lines, str]:
    """A real-time run in a fresh process: its lines and its stderr."""
    result = call_worker(
        {
            "task": "demo",
            "module": f"lessons_{flavour}.{lesson}",
            "demo": demo,
            "backend": backend,
            "duration": duration,
        },
        timeout=60 + (duration or 0),
    )
    return [(t, line) for t, line in result["lines"]], result["stderr"]


def run(*, quick: bool, log: Log = print) -> Section:
    repeats = 1 if quick else 3
    tick_bound = 3.5 if quick else 10.5
    section = Section(
        "2. Timing fidelity (real time)",
        intro=[
            f"Each demo run for real (`virtual=False, echo=False`), {repeats}x per"
            " flavour/backend, each run in a fresh process; every printed line is matched"
            " by its text to the same demo's virtual-time run (the ideal schedule), the"
            " timer prefix left out. *Recorded*: when the line was written minus its ideal"
            " time. *Timer text*: what `show_timer` printed minus what it prints on the"
            f" ideal run. Deviations are absolute, in ms; target ≤ {TARGET * 1000:.0f} ms"
            ". *First timer line*: the largest value printed by the first"
            " timer line over the runs (target: `0s + 000ms`-`002ms`).",
            f"*Schedules*: the distinct ideal schedules found in {IDEAL_RUNS} virtual runs."
            " Where the backend orders same-instant tasks either way (trio), a demo can"
            " have more than one: in `famine`, whichever task trio resumes first at 0.5 s"
            " blocks the other for a second. Each real run is held to the schedule it"
            " followed (the one it deviates least from).",
        ],
    )
    table = Table(
        [
            "demo",
            "flavour, backend",
            "schedules",
            "lines",
            "recorded median",
            "recorded max",
            "timer median",
            "timer max",
            "first timer line",
            "≤ 20 ms",
            "unmatched",
        ]
    )
    problems: list[str] = []
    worst_all: float | None = None
    first_all: list[float] = []
    for lesson, demo in FIXED:
        for flavour, backend, label in FLAVOURS:
            ideals = ideal_schedules(flavour, lesson, demo, backend, None)
            comparisons = []
            for _ in range(repeats):
                log(f"  {lesson} {demo} ({label}) real run…")
                lines, stderr = real_lines(flavour, lesson, demo, backend, None)
                if stderr.strip():
                    problems.append(f"{lesson} {demo} ({label}) wrote on stderr: {stderr!r}")
                comparisons.append(compare_best(ideals, lines))
            recorded = [d for c in comparisons for d in c.recorded]
            timer = [d for c in comparisons for d in c.timer]
            rec_med, rec_max = abs_stats(recorded)
            tim_med, tim_max = abs_stats(timer)
            firsts = [c.first_timer for c in comparisons if c.first_timer is not None]
            unmatched = Counter[str]()
            for c in comparisons:
                unmatched.update(c.missing)
                unmatched.update(c.extra)
            worst = max((v for v in (rec_max, tim_max) if v is not None), default=None)
            if worst is not None:
                worst_all = max(worst, worst_all or 0.0)
            first_all += firsts
            table.rows.append(
                [
                    f"{lesson} {demo}",
                    label,
                    len(ideals),
                    len(recorded),
                    ms(rec_med),
                    ms(rec_max),
                    ms(tim_med, 0),
                    ms(tim_max, 0),
                    f"{max(firsts) * 1000:03.0f} ms" if firsts else "-",
                    verdict(None if worst is None else worst <= TARGET),
                    sum(unmatched.values()),
                ]
            )
            if unmatched:
                problems.append(
                    f"{lesson} {demo} ({label}): lines not matched: {sorted(unmatched)}"
                )
    section.tables.append(table)
    section.notes.extend(problems)
    section.targets += [
        [
            f"timer lines within {TARGET * 1000:.0f} ms of the ideal schedule",
            f"largest deviation {ms(worst_all)} ms",
            verdict(None if worst_all is None else worst_all <= TARGET),
        ],
        [
            "first timer line `0s + 000ms`-`002ms`",
            f"at most {max(first_all) * 1000:03.0f} ms" if first_all else "-",
            verdict(max(first_all) <= FIRST_LINE_TARGET + 1e-9 if first_all else None),
        ],
    ]
    drift = drift_table(tick_bound, repeats, log)
    section.tables.append(drift)
    per_tick = [row[3] for row in drift.rows]
    section.targets.append(
        [
            "`producer_consumer`: drift per tick reported",
            " · ".join(f"{row[0]} {row[3]} ms" for row in drift.rows),
            "reported" if per_tick else "-",
        ]
    )
    section.tables.append(os_lateness(2 if quick else 5, log))
    return section


def drift_table(bound: float, repeats: int, log: Log) -> Table:
    table = Table(
        [
            "flavour, backend",
            "bound",
            "ticks",
            "drift per tick (timer)",
            "drift per tick (recorded)",
            "last tick late by",
        ],
        caption=(
            f"`w8s8 producer_consumer`, run for real for {bound:g} s ({repeats}x per"
            " flavour/backend; medians): its producer sleeps 1 s *after* each put, so"
            " the time the loop takes to wake it adds up from tick to tick. Drift per"
            " tick: (lateness of the last tick - lateness of the first) / (ticks - 1),"
            " in ms; *last tick late by*: the timer text of the last tick against the ideal."
        ),
    )
    for flavour, backend, label in FLAVOURS:
        ideals = ideal_schedules(flavour, "w8s8", "producer_consumer", backend, bound)
        drifts = []
        for _ in range(repeats):
            log(f"  w8s8 producer_consumer ({label}) real run, {bound:g} s…")
            lines, _ = real_lines(flavour, "w8s8", "producer_consumer", backend, bound)
            comparison = compare_best(ideals, lines)
            drifts.append((tick_drift(comparison), tick_drift(comparison, timer=False)))
        by_timer = [d.per_tick for d, _ in drifts if d.per_tick is not None]
        by_record = [r.per_tick for _, r in drifts if r.per_tick is not None]
        lasts = [d.last for d, _ in drifts if d.last is not None]
        table.rows.append(
            [
                label,
                f"{bound:g} s",
                drifts[0][0].ticks,
                ms(median(by_timer), 2) if by_timer else "-",
                ms(median(by_record), 2) if by_record else "-",
                f"{ms(median(lasts), 0)} ms" if lasts else "-",
            ]
        )
    return table


def os_lateness(repeats: int, log: Log) -> Table:
    """How late the OS wakes a process from a 1-second wait, without any loop.

    Event loops wait for their next timer in ``epoll_wait`` (asyncio's
    selector, trio's epoll backend), whose timeout Linux lets expire late by
    up to 0.1% of its length (``select_estimate_accuracy``, fs/select.c) so as
    to batch wake-ups; ``time.sleep`` (``clock_nanosleep``) gets only the
    thread's timer slack (50 µs by default).
    """
    waits: list[tuple[str, Callable[[float], object]]] = [("`time.sleep(1.0)`", time.sleep)]
    if hasattr(select, "epoll"):
        poller = select.epoll()
        waits.insert(0, ("`select.epoll().poll(1.0)` (no event to wait for)", poller.poll))
    table = Table(
        ["wait", "calls", "late by (median)", "late by (max)"],
        caption=(
            "What the OS alone adds to a 1-second wait, no event loop involved (ms):"
            " the event loops wait for their next timer in `epoll_wait`, whose timeout"
            " Linux lets run late by up to 0.1% of its length (1 ms per second) to batch"
            " wake-ups, where `time.sleep` gets the thread's 50 µs timer slack. This is"
            " what `producer_consumer` accumulates: its producer's `sleep(1)` starts"
            " when the previous one ended."
        ),
    )
    for label, wait in waits:
        log(f"  {label}, {repeats}x…")
        late = []
        for _ in range(repeats):
            start = time.monotonic()
            wait(1.0)
            late.append(time.monotonic() - start - 1.0)
        table.rows.append([label, repeats, ms(median(late), 2), ms(max(late), 2)])
    return table

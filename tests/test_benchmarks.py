"""The benchmark harness's pure parts (benchmarks/): no benchmark is run here."""

import subprocess
import sys
import textwrap

import pytest

from benchmarks.fidelity import (
    abs_stats,
    compare,
    compare_best,
    distinct,
    line_key,
    parse_timer,
    tick_drift,
)
from benchmarks.lesson_w8s4 import as_section
from benchmarks.report import Section, Table, machine, markdown_table, ms
from benchmarks.startup import heavy, parse_importtime
from benchmarks.suite import Timed, middle, timed, times_yardstick
from common.record import Chunk, Record
from tests.harness import ROOT

# -- Markdown ------------------------------------------------------------------


def test_markdown_table_pads_and_aligns_numbers_right():
    table = markdown_table(["demo", "ms"], [["fork_stop", "1.5"], ["window", "12.25"]])
    assert table.splitlines() == [
        "| demo      |    ms |",
        "|-----------|------:|",
        "| fork_stop |   1.5 |",
        "| window    | 12.25 |",
    ]


def test_markdown_table_escapes_pipes_and_fills_missing_cells():
    table = markdown_table(["a", "b", "c"], [["x|y"], [None, "-", 3]])
    assert table.splitlines() == [
        "| a    | b   |   c |",
        "|------|-----|----:|",
        "| x\\|y |     |     |",
        "|      | -   |   3 |",
    ]


def test_markdown_table_refuses_a_row_longer_than_the_header():
    with pytest.raises(ValueError, match="3 cells"):
        markdown_table(["a", "b"], [[1, 2, 3]])


def test_section_markdown_puts_title_intro_tables_then_notes():
    section = Section("2. Timing", intro=["Intro."], tables=[Table(["k"], [["v"]], caption="Cap.")])
    section.notes.append("Note.")
    assert section.markdown() == (
        "## 2. Timing\n\nIntro.\n\nCap.\n\n| k   |\n|-----|\n| v   |\n\nNote.\n"
    )


def test_ms_formats_seconds_and_nothing():
    assert ms(0.0125) == "12.5"
    assert ms(0.0125, 0) == "12"
    assert ms(None) == "-"


def test_machine_names_cpu_python_and_packages():
    text = machine().markdown()
    for word in ("CPU", "cores", "Python", "anyio", "trio"):
        assert word in text


# -- deviation from the ideal schedule -------------------------------------------


def test_parse_timer_and_line_key():
    assert parse_timer("1s + 002ms >>> c2") == pytest.approx(1.002, abs=1e-12)
    assert parse_timer("12s + 000ms") == 12
    assert parse_timer("---------- zero") is None
    assert parse_timer("run1 début") is None
    assert line_key("1s + 002ms >>> c2") == ">>> c2"
    assert line_key("done") == "done"


def fork_record():
    """A real run of fork_stop as the recorder would see it: lines split over
    several writes (print writes its text, then the newline), a little late,
    and the two lines of the 1 s instant in the other order (trio's)."""
    writes = [
        (0.0001, "---------- zero"),
        (0.0001, "\n"),
        (0.0003, "0s + 000ms >>> c1\n"),
        (1.0040, "1s + 004ms >>> c2\n"),
        (1.0030, "1s + 003ms forking\n"),
        (3.0120, "3s + 012ms "),
        (3.0121, "<<< c2\n"),
        (3.0130, "extra\n"),
    ]
    return Record([Chunk(t, text) for t, text in writes])


IDEAL = [
    (0.0, "---------- zero"),
    (0.0, "0s + 000ms >>> c1"),
    (1.0, "1s + 000ms forking"),
    (1.0, "1s + 000ms >>> c2"),
    (3.0, "3s + 000ms <<< c2"),
    (3.0, "done"),
]


def test_compare_matches_lines_by_text_whatever_their_order():
    comparison = compare(IDEAL, fork_record().lines())
    assert [m.key for m in comparison.matches] == [
        "---------- zero",
        ">>> c1",
        ">>> c2",
        "forking",
        "<<< c2",
    ]
    # when each line was written, minus its ideal time (its first write counts)
    assert comparison.recorded == pytest.approx([0.0001, 0.0003, 0.004, 0.003, 0.012], abs=1e-9)
    # what the timer printed minus what it prints ideally: timer lines only
    assert comparison.timer == pytest.approx([0.0, 0.004, 0.003, 0.012], abs=1e-9)
    assert comparison.missing == ["done"]
    assert comparison.extra == ["extra"]
    # "---------- zero" is no timer line: the first one is ">>> c1"
    assert comparison.first_timer == 0.0


def test_repeated_lines_are_matched_in_order():
    ideal = [(0.0, "tick"), (1.0, "tick")]
    comparison = compare(ideal, [(0.001, "tick"), (1.002, "tick"), (2.0, "tick")])
    assert comparison.recorded == pytest.approx([0.001, 0.002], abs=1e-9)
    assert comparison.extra == ["tick"]


def test_abs_stats_takes_median_and_maximum_of_magnitudes():
    assert abs_stats([0.001, -0.004, 0.002]) == (0.002, 0.004)
    assert abs_stats([]) == (None, None)


def test_tick_drift_is_the_mean_lateness_added_per_tick():
    ideal = [(n - 1.0, f"{n - 1}s + 000ms got tick{n}") for n in range(1, 5)]
    # each tick 1.5 ms later than the one before, the first 0.5 ms late
    real = [
        (
            n - 1 + 0.0005 + 0.0015 * (n - 1),
            f"{n - 1}s + {round(0.5 + 1.5 * (n - 1)):03d}ms got tick{n}",
        )
        for n in range(1, 5)
    ]
    comparison = compare(ideal, real)
    by_record = tick_drift(comparison, timer=False)
    assert by_record.ticks == 4
    assert by_record.per_tick == pytest.approx(0.0015, abs=1e-9)
    assert by_record.last == pytest.approx(0.005, abs=1e-9)
    # the timer text is rounded to the ms: 000 (0.5 rounds to even), 002, 004, 005
    by_timer = tick_drift(comparison)
    assert by_timer.per_tick == pytest.approx(0.005 / 3, abs=1e-9)


def test_tick_drift_with_fewer_than_two_ticks():
    comparison = compare([(0.0, "0s + 000ms got tick1")], [(0.001, "0s + 001ms got tick1")])
    assert tick_drift(comparison).per_tick is None
    assert tick_drift(comparison).last == pytest.approx(0.001, abs=1e-12)


# -- start-up: python -X importtime --------------------------------------------------


IMPORTTIME = textwrap.dedent(
    """\
    import time: self [us] | cumulative | imported package
    import time:       100 |        100 | _io
    import time:       200 |       1500 | asyncio
    import time:       300 |       1300 |   asyncio.base_events
    import time:      1000 |       1000 |     ssl
    import time:        50 |       2500 | common.runner
    import time:      2450 |       2450 |   trio._core
    some other line
    """
)


def test_parse_importtime_reads_top_level_and_nested_modules():
    imports = parse_importtime(IMPORTTIME)
    assert imports.top == {"_io": 100, "asyncio": 1500, "common.runner": 2500}
    assert "ssl" in imports.modules and "trio._core" in imports.modules
    assert heavy(imports) == ["trio"]


# -- w8s4: whatever bench_w8s4.run() returns ------------------------------------------


def test_w8s4_results_of_any_shape_become_a_section():
    table = Table(["a"], [["1"]])
    section = as_section(["Some *Markdown*.", table])
    assert section.tables == [table]
    assert section.raw == ["Some *Markdown*."]
    assert as_section(section) is section


# -- what the harness found: no lazy import inside a real trio demo's recording --------


def test_a_real_trio_demo_does_not_import_trio_testing():
    """trio.testing takes ~60 ms to import: it was imported at the start of
    the first real-time trio demo (to ask whether its clock is a MockClock),
    after the recording had started, so every line was recorded 60 ms late."""
    code = textwrap.dedent(
        """\
        import sys
        from common.runner import run_demo
        from lessons_anyio.w8s8 import lesson
        run_demo(lesson["queue_help"], backend="trio", virtual=False, echo=False)
        print("trio" in sys.modules, "trio.testing" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split() == ["True", "False"]


def test_a_run_is_held_to_the_valid_schedule_it_followed():
    """famine on trio: whichever task resumes first blocks the other one."""
    run1_first = [(0.5, "run1 milieu"), (1.5, "run1 fin"), (1.5, "run2 milieu"), (2.5, "run2 fin")]
    run2_first = [(0.5, "run2 milieu"), (1.5, "run2 fin"), (1.5, "run1 milieu"), (2.5, "run1 fin")]
    # the same schedule, lines of an instant in another order: one schedule
    shuffled = [run1_first[0], run1_first[2], run1_first[1], run1_first[3]]
    ideals = distinct([run1_first, shuffled, run2_first])
    assert ideals == [run1_first, run2_first]
    real = [(t + 0.002, line) for t, line in run2_first]
    best = compare_best(ideals, real)
    assert best.recorded == pytest.approx([0.002] * 4, abs=1e-9)
    # against the other schedule, the same run would look a second off
    assert max(compare(run1_first, real).recorded) == pytest.approx(1.002, abs=1e-9)


# -- the suite against its yardstick ----------------------------------------------------


def test_the_suite_is_measured_in_yardsticks_wall_and_cpu_each():
    suite, stick = Timed(wall=40.0, cpu=90.0), Timed(wall=0.2, cpu=0.18)
    assert times_yardstick(suite, stick) == Timed(wall=200.0, cpu=500.0)


def test_middle_takes_each_median_on_its_own():
    runs = [Timed(1.0, 9.0), Timed(3.0, 7.0), Timed(2.0, 8.0)]
    assert middle(runs) == Timed(2.0, 8.0)


def test_timed_counts_the_cpu_of_the_command():
    busy, result = timed([sys.executable, "-c", "sum(range(3_000_000))"])
    idle, _ = timed([sys.executable, "-c", "import time; time.sleep(0.3)"])
    assert result.returncode == 0
    assert busy.cpu > 0 and busy.wall > 0
    # sleeping takes time, not work
    assert idle.wall >= 0.3 and idle.cpu < idle.wall

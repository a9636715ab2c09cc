"""Timelines: the rules that read activities from what a demo prints (a
fetch and its result, a start without an end, progress marks, pieces of one
line), and how a chart copes with no time, no lines, too many rows."""

from common.record import Chunk, Record
from common.timeline import MARK, OPEN, PRINTS, STDERR, Span, build, chart, to_svg
from tests.test_timeline import a_record, assert_span, column, parse_chart

# -- rules ----------------------------------------------------------------------


def test_rules_fetch_got_and_unmatched():
    url = "http://127.0.0.1:8000/docs/f1040.pdf"
    record = a_record(
        [
            (0.0, f"fetching {url}"),
            (0.0, "fetching http://127.0.0.1:8000/docs/f1040es.pdf"),
            (1.0, f"{url} returned 71234 bytes"),
            (1.5, "http://127.0.0.1:8000/docs/f1040es.pdf returned 12 bytes"),
            (2.0, "http://127.0.0.1:8000/docs/f1040c.pdf returned 9 chars"),  # no start
            (2.0, "1s + 000ms got tick1"),
            (3.0, "2s + 000ms got tick2"),
            (3.0, "duration = 3.0s"),
        ],
        stderr=[(3.0, "Task exception was never retrieved")],
    )
    timeline = build(record)
    assert timeline.names() == ["f1040.pdf", "f1040es.pdf", "f1040c.pdf", "got", PRINTS, STDERR]
    assert timeline["f1040.pdf"].spans == [Span(0.0, 1.0)]
    assert timeline["f1040es.pdf"].spans == [Span(0.0, 1.5)]
    # an end without a start is an instant, not a span
    assert timeline["f1040c.pdf"].spans == [] and [
        m.time for m in timeline["f1040c.pdf"].marks
    ] == [2.0]
    assert [m.time for m in timeline["got"].marks] == [2.0, 3.0]
    assert [m.time for m in timeline[PRINTS].marks] == [3.0]
    assert [m.time for m in timeline[STDERR].marks] == [3.0]


def test_a_start_without_end_runs_to_the_end():
    record = a_record([(0.0, ">>> forever"), (1.0, "tick")], duration=2.0)
    timeline = build(record)
    assert timeline["forever"].spans == [Span(0.0, 2.0, closed=False)]
    rows, resolution = parse_chart(chart(record, 80))
    assert_span(rows, resolution, "forever", 0, 2.0, closed=False)
    assert OPEN in chart(record, 80)


def test_progress_characters_are_marks_per_character():
    # countdown prints '.' every 0.05 s, compute blocks and prints 'x' (w8s9)
    chunks = [Chunk(0.0, "."), *(Chunk(0.05 * k, "x") for k in range(1, 4))]
    chunks += [Chunk(0.15, "."), Chunk(0.2, "."), Chunk(0.2, "\n")]
    record = Record(chunks, duration=0.2)
    timeline = build(record)
    assert timeline.names() == ["'.'", "'x'"]
    assert [m.time for m in timeline["'.'"].marks] == [0.0, 0.15, 0.2]
    assert [m.time for m in timeline["'x'"].marks] == [0.05, 0.1, 0.15]
    rows, resolution = parse_chart(chart(record, 80))
    assert sorted(rows["'x'"]) == [column(t, resolution) for t in (0.05, 0.1, 0.15)]


def test_progress_pieces_and_a_message_on_one_line():
    # w8s4's lines: each download prints its index without a newline, then a
    # message on the same line; the indexes are pieces, the message a line
    url = "http://127.0.0.1:8000/f0.pdf"
    chunks = [Chunk(0.0, f"fetching {url}"), Chunk(0.0, "\n")]
    chunks += [Chunk(0.1, "0"), Chunk(0.2, "1"), Chunk(0.2, "0"), Chunk(0.3, "0")]
    chunks += [Chunk(0.3, f"{url} returned 300 bytes"), Chunk(0.3, "\n")]
    timeline = build(Record(chunks, duration=0.3))
    assert timeline.names() == ["f0.pdf", "'0'", "'1'"]
    assert timeline["f0.pdf"].spans == [Span(0.0, 0.3)]
    assert [m.time for m in timeline["'0'"].marks] == [0.1, 0.2, 0.3]
    assert [m.time for m in timeline["'1'"].marks] == [0.2]


def test_one_print_of_several_pieces_is_one_line():
    # print("run1", "début") writes four pieces at one instant: one line
    record = Record(
        [
            Chunk(0.0, "run1"),
            Chunk(0.0, " "),
            Chunk(0.0, "début"),
            Chunk(0.0, "\n"),
            Chunk(1.0, "run1 fin\n"),
        ],
        duration=1.0,
    )
    assert build(record)["run1"].spans == [Span(0.0, 1.0)]


def test_no_time_span_renders_sensibly():
    record = a_record([(0.0, "in Awaitable"), (0.0, "'yielded'")])
    text = chart(record, 80, "awaitable")
    assert "(everything at 0 s: no time passed)" in text
    rows, _ = parse_chart(text)
    assert rows == {PRINTS: {0: MARK}}
    assert to_svg(build(record)).count("<path") == 1


def test_empty_record():
    assert "nothing printed" in chart(Record([], duration=0.0), 80)
    assert "nothing printed" in to_svg(build(Record([], duration=0.0)))


def test_many_rows_are_capped():
    record = a_record([(float(i), f">>> job{i}") for i in range(40)])
    text = chart(record, 80)
    assert "… and 16 more activities" in text  # 24 rows shown, of 40

"""The notebook side, without a kernel: a record's inline timeline, the
generated lesson notebooks and their command line (``python -m common.notebook``).

What runs in a real Jupyter kernel is in ``tests/test_kernel.py``.
"""

import importlib
import inspect
import re
import textwrap

import nbformat
import pytest

from common.notebook import build as build_notebook
from common.notebook import main as notebook_main
from common.notebook import to_json
from common.record import Chunk, Record
from common.timeline import build, to_svg
from tests import harness

# -- a record's rich display ------------------------------------------------------


def _window_record():
    return Record(
        [Chunk(0.0, ">>> job0\n"), Chunk(0.0, ">>> job1\n"), Chunk(1.0, "<<< job0\n")],
        duration=2.0,
    )


def test_a_record_displays_the_html_pages_timeline_standalone():
    record = _window_record()
    svg = record._repr_svg_()
    # the drawing is the HTML page's, untouched
    assert svg == to_svg(build(record))
    # standalone: no stylesheet needed, its colours and fonts are attributes
    assert "<style" not in svg
    assert "font-family=" in svg and 'fill="#333333"' in svg


def test_a_records_display_needs_no_script_and_no_network():
    svg = _window_record()._repr_svg_()
    assert "<script" not in svg
    assert "@import" not in svg
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]


# -- the generated notebook ---------------------------------------------------------


def _cells(name):
    return [(cell.cell_type, cell.source) for cell in build_notebook(name).cells]


def _runs(cells):
    return [source for kind, source in cells if kind == "code" and source.startswith("run(")]


def test_a_lesson_notebook_opens_with_the_lessons_title_and_words_not_its_commands():
    (kind, title), *_ = _cells("w8s8")
    doc = inspect.getdoc(importlib.import_module("lessons_asyncio.w8s8"))
    assert kind == "markdown"
    assert title.startswith("# " + doc.splitlines()[0].replace("``", "`"))
    # the explanation, in Markdown (RST's ``code`` becomes `code`)
    assert "The video opens the help of `asyncio.Queue`" in title
    assert "Run it:" not in title
    assert "python -m" not in title


def test_each_demo_shows_the_videos_code_then_the_ports_then_runs_both_in_the_videos_order():
    cells = _cells("w8s8")
    faithful, port = harness.lesson("asyncio", "w8s8"), harness.lesson("anyio", "w8s8")
    expected_runs = []
    position = 0
    for name in ["queue_help", "producer_consumer", "window"]:
        # the demo's function as the file has it: faithful first, then the port
        for lesson in (faithful, port):
            code = textwrap.dedent(inspect.getsource(lesson[name].func)).rstrip()
            at = next(k for k, (_, source) in enumerate(cells) if code in source)
            assert at > position, (name, lesson.module)
            assert cells[at][0] == "markdown" and "```python\n" in cells[at][1]
            position = at
        expected_runs += [
            f'run(faithful.lesson["{name}"], virtual=VIRTUAL)',
            f'run(port.lesson["{name}"], backend="asyncio", virtual=VIRTUAL)',
            f'run(port.lesson["{name}"], backend="trio", virtual=VIRTUAL)',
        ]
        runs_after = [s for kind, s in cells[position:] if kind == "code"][:3]
        assert runs_after == expected_runs[-3:]
    assert _runs(cells) == expected_runs


def test_the_code_a_demo_uses_is_shown_once_with_its_comments():
    cells = _cells("w8s8")
    sources = [source for kind, source in cells if kind == "markdown"]
    producer = "async def producer(queue):"
    assert sum(producer in s for s in sources) == 1
    # the video's job() is typed inside the window demo, with its comments
    job = next(s for s in sources if "async def job(i):" in s)
    assert "# The video's window and job() are top-level code of the file" in job
    assert sum("async def job(i):" in s for s in sources) == 1
    # the port's job(), in the port's cell, not the faithful one
    assert "async def job(i, window, *, task_status=anyio.TASK_STATUS_IGNORED):" not in job
    # w8s2: gather uses morceaux, which the first demo showed
    w8s2 = [source for kind, source in _cells("w8s2") if kind == "markdown"]
    assert sum("async def morceaux(message):" in s for s in w8s2) == 2  # faithful, port
    gather = [s for s in w8s2 if "def gather():" in s]
    assert [("It uses `morceaux`, shown above." in s) for s in gather] == [True, True]


def test_a_port_only_demo_has_the_ports_code_and_two_runs():
    cells = _cells("w8s5")
    runs = [s for s in _runs(cells) if '"bad_yield"' in s]
    assert runs == [
        'run(port.lesson["bad_yield"], backend="asyncio", virtual=VIRTUAL)',
        'run(port.lesson["bad_yield"], backend="trio", virtual=VIRTUAL)',
    ]
    heading = next(s for kind, s in cells if s.startswith("## bad_yield"))
    assert "not in the video" in heading
    assert "lessons_asyncio" not in heading


def test_the_notebook_ends_with_the_ports_differs_list():
    kind, last = _cells("w8s8")[-1]
    assert kind == "markdown"
    assert last.startswith("## Differs from the asyncio version, and why")
    assert "- the window is a `CapacityLimiter` of 4 tokens" in last


def test_a_demo_that_runs_forever_says_what_stops_it():
    cells = dict.fromkeys(s for kind, s in _cells("w8s8") if s.startswith("### Run it"))
    notes = list(cells)
    assert notes[0] == "### Run it"  # queue_help ends by itself
    assert "Both versions run forever" in notes[1] and "5.5 s" in notes[1]
    # window: the port's ends when its last job does
    assert "The video's version runs forever" in notes[2]


def test_the_setup_cell_imports_the_lesson_and_reads_the_virtual_time_switch():
    (setup,) = [s for kind, s in _cells("w8s8") if kind == "code" and "import" in s]
    namespace = {}
    exec(setup.replace("from common import run\n", ""), namespace)
    assert namespace["faithful"].lesson.module == "lessons_asyncio.w8s8"
    assert namespace["port"].lesson.module == "lessons_anyio.w8s8"
    assert namespace["VIRTUAL"] is False  # LESSONS_VIRTUAL_TIME unset in the suite


def test_a_notebook_is_valid_without_outputs_and_the_same_every_time():
    text = to_json(build_notebook("w8s9"))
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert to_json(build_notebook("w8s9")) == text


# -- its command line --------------------------------------------------------------


def test_o_writes_the_named_file_and_replaces_it(tmp_path, monkeypatch):
    target = tmp_path / "w8s8.ipynb"
    target.write_text("an older notebook")
    monkeypatch.chdir(tmp_path)
    result = harness.run_main("common.notebook", "w8s8", "-o", "w8s8.ipynb")
    assert (result.returncode, result.stdout, result.stderr) == (0, "w8s8.ipynb\n", "")
    assert target.read_text(encoding="utf-8") == to_json(build_notebook("w8s8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w8s8.ipynb"]  # no temporary left


def test_all_writes_every_lessons_notebook_into_a_new_folder(tmp_path, capsys):
    out = tmp_path / "a" / "notebooks"
    assert notebook_main(["--all", "--out", str(out)]) == 0
    names = harness.lesson_names()
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.ipynb" for n in names)
    assert capsys.readouterr().out.splitlines() == [str(out / f"{n}.ipynb") for n in names]
    for name in names:
        assert (out / f"{name}.ipynb").read_text(encoding="utf-8") == to_json(build_notebook(name))


def test_all_replaces_no_file_and_writes_none_when_one_exists(tmp_path, capsys):
    (tmp_path / "w8s6.ipynb").write_text("a teacher's own notes")
    assert notebook_main(["--all", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"python -m common.notebook: error: {tmp_path / 'w8s6.ipynb'} exists: not replaced"
        " (remove it, or choose another --out)\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["w8s6.ipynb"]
    assert (tmp_path / "w8s6.ipynb").read_text() == "a teacher's own notes"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "which lesson, and which file? e.g. w8s8 -o w8s8.ipynb (see --help)"),
        (["w8s8"], "which lesson, and which file? e.g. w8s8 -o w8s8.ipynb (see --help)"),
        (["w8s3", "-o", "x.ipynb"], "unknown lesson 'w8s3' (choose from "),
        (["--all"], "--all needs --out DIR (see --help)"),
        (["w8s8", "--all", "--out", "d"], "--all takes no lesson and no -o (use --out DIR)"),
        (["w8s8", "--out", "d"], "--out goes with --all (for one lesson: -o FILE)"),
        (["w8s8", "-o", "no/such/folder/x.ipynb"], "cannot write no/such/folder/x.ipynb: "),
        (["w8s8", "-o", "."], "cannot write .: it is a folder"),
        (["w8s8", "--nope"], "unrecognized arguments: --nope"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        code = notebook_main(args)
    except SystemExit as exit_:  # argparse's errors
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("python -m common.notebook: error: " + message)
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []

"""``check()`` in a real Jupyter kernel, as a learner runs it from a notebook.

A kernel runs an event loop in its main thread: the grading must happen
beside it, and its display must show both timelines.
"""

import nbformat

SETUP = "from common.exercises import check\nfrom common.exercises.catalogue import reference_path"
SEQUENTIAL = """
import anyio

async def morceaux(message):
    print(message, "début")
    await anyio.sleep(0.5)
    print(message, "milieu")
    await anyio.sleep(1)
    print(message, "fin")
    return f"{message} par morceaux"

async def main():
    print([await morceaux("run1"), await morceaux("run2")])

result = check("w8s2_taskgroup", main)
result
"""
UNAWAITED = """
import asyncio

async def main():
    asyncio.sleep(1)

print([o.mistake for o in check("w8s9_blocking", main).outcomes])
"""


def run_cells(kernel, *sources):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    kernel.notebook(notebook)
    return [cell.outputs for cell in notebook.cells]


def test_check_in_a_kernel_grades_and_displays_both_timelines(kernel):
    # (the report, if it fails: what the grader saw)
    reference = (
        "result = check('w8s2_taskgroup', reference_path('w8s2_taskgroup'))\n"
        "print(bool(result) or result)"
    )
    setup, passed, sequential, unawaited = run_cells(
        kernel, SETUP, reference, SEQUENTIAL, UNAWAITED
    )
    assert setup == []
    assert [o["text"] for o in passed] == ["True\n"]

    (shown,) = sequential
    assert shown["output_type"] == "execute_result"
    html = shown["data"]["text/html"]
    assert html.count("<svg") == 2 and "not yet" in html
    assert "the two ran one after the other" in shown["data"]["text/plain"]

    # the forgotten coroutine is the grader's finding, not a warning in the notebook
    assert [(o["name"], o["text"]) for o in unawaited] == [("stdout", "['never awaited']\n")]

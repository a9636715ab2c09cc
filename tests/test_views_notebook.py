"""The views inline in a real Jupyter kernel: ``show("w8s2", demo="gather")``
displays the lesson's view (HTML, its drawings, no script) in the cell."""

import nbformat


def test_show_in_a_kernel(kernel):
    code = 'from common.sidebyside import show\nshow("w8s2", demo="gather")'
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    kernel.notebook(notebook)
    outputs = notebook.cells[0].outputs
    # one result, nothing printed on the side (no warning, no error)
    assert [o.output_type for o in outputs] == ["execute_result"]
    html = outputs[0].data["text/html"]
    assert html.startswith("<style>") and "<script" not in html
    assert 'id="demo-gather"' in html and "could not record" not in html
    # the kernel's loop runs: the demos were recorded beside it, each timeline
    # drawn (the video's, the port on asyncio and on trio; the modern one if any)
    assert html.count("<svg") == html.count("<figcaption>") >= 3
    assert "run1: 0s → 1.5s" in html and "run2: 0s → 1.5s" in html

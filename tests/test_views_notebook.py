"""The views inline in a real Jupyter kernel: ``show("w8s2", demo="gather")``
displays the lesson's view (HTML, its drawings, no script) in the cell."""

import json
import sys

import pytest

from tests.harness import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.fixture
def kernel_name(tmp_path, monkeypatch):
    """A kernel spec of this very interpreter, found first (``JUPYTER_PATH``):
    no other ``python3`` spec can slip in another interpreter."""
    spec = tmp_path / "kernels" / "lessons-views"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "views", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return "lessons-views"


def test_show_in_a_kernel(kernel_name):
    code = 'from common.sidebyside import show\nshow("w8s2", demo="gather")'
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    client = nbclient.NotebookClient(
        notebook, kernel_name=kernel_name, timeout=120, resources={"metadata": {"path": ROOT}}
    )
    client.execute()
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

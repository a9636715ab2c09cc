"""The HTML views in a real browser: a page loads in headless Chromium with
no script, no request, every drawing; the pair to compare is picked by CSS."""

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from tests.test_views_html import WITH_MODERN, expected_svgs, modern_w8s2

BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # the network is off: no name resolves
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail("chromium is missing in CI: .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install -y chromium); CI runs this test")
    return path


def page_requests(netlog):
    """URLs the page itself asked for (Chromium's own services have no initiator)."""
    try:
        events = json.loads(Path(netlog).read_text())["events"]
    except ValueError:  # a log cut short: read what is there
        text = Path(netlog).read_text()
        events = json.loads(text[: text.rfind("},") + 1] + "]}")["events"]
    return {
        event["params"]["url"]
        for event in events
        if "url" in (event.get("params") or {})
        and event["params"].get("initiator", "not an origin") != "not an origin"
    }


def browse(tmp_path, page, *extra):
    return subprocess.run(
        [chromium(), *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, page],
        capture_output=True,
        text=True,
        timeout=120,
    )


PICK = """<script>
// test only (the page has no script): click a label, then say which pairs show
window.addEventListener("load", () => {
  const shown = () => [...document.querySelectorAll("#demo-gather .pair")]
    .filter((pair) => getComputedStyle(pair).display !== "none")
    .map((pair) => pair.classList[1]);
  const seen = [shown()];
  for (const choice of ["p-vm", "p-ma", "p-all", "p-va"]) {
    document.querySelector(`label.${choice}`).click();
    seen.push(shown());
  }
  document.body.insertAdjacentHTML("beforeend", `<pre id="seen">${JSON.stringify(seen)}</pre>`);
});
</script>"""

#: an image the page asks the network for (a host that cannot exist)
IMAGE = "https://example.invalid/x.png"

#: the pages the tests load: w8s2's as it is; and w8s2's with a test's script
#: that clicks the picker's labels and an image (the network check must see
#: that request)
PAGES = {
    "w8s2": modern_w8s2,
    "pick": lambda: modern_w8s2().replace("</body>", f'{PICK}<img src="{IMAGE}"></body>'),
}


@dataclass(frozen=True)
class Loaded:
    uri: str
    #: Chromium's run: the DOM it built on stdout, its log on stderr
    result: subprocess.CompletedProcess
    netlog: Path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Each page of :data:`PAGES` loaded by a headless Chromium of its own,
    all at once (each browser waits mostly on itself)."""
    chromium()  # (skips here if there is none)

    # the pages are made here, one after the other (recording a demo sets
    # process-wide things for its time: warnings, trio's scheduling), then
    # the browsers load them at once
    pages = {}
    for name, make in PAGES.items():
        folder = tmp_path_factory.mktemp(name)
        pages[name] = folder / f"{name}.html"
        pages[name].write_text(make(), encoding="utf-8")

    def load(name):
        page = pages[name]
        netlog = page.parent / "net.json"
        result = browse(page.parent, page.as_uri(), f"--log-net-log={netlog}", "--dump-dom")
        return Loaded(page.as_uri(), result, netlog)

    with ThreadPoolExecutor(max_workers=len(PAGES)) as pool:
        return dict(zip(PAGES, pool.map(load, PAGES), strict=True))


def test_page_in_headless_chromium(loaded):
    result, uri, netlog = loaded["w8s2"].result, loaded["w8s2"].uri, loaded["w8s2"].netlog
    # no console message at all: the page has no script, a message is an error
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [] and "Uncaught" not in result.stderr
    # with the network off, the page asked for nothing but itself
    assert page_requests(netlog) <= {uri}
    # the DOM as the browser built it: every drawing, the picker, the lists
    dom = result.stdout
    assert dom.count("<svg") == expected_svgs("w8s2", WITH_MODERN) > 0
    assert dom.count('type="radio"') == 4 and dom.count('class="pair ') == 20
    assert "Differs from the asyncio version" in dom and "What anyio adds" in dom


def test_network_check_would_see_a_request(loaded):
    # the check above can fail: a page that loads an image is caught
    assert IMAGE in page_requests(loaded["pick"].netlog)


def test_the_pair_is_picked_without_script(loaded):
    # the page as it is, with a test's script that clicks the picker's labels
    # (and an image it cannot load, which changes nothing here)
    dom = loaded["pick"].result.stdout
    seen = json.loads(unescape(dom.rsplit('<pre id="seen">', 1)[1].split("</pre>")[0]))
    # at first the video ⇄ the port, then each choice alone
    assert seen == [["p-va"], ["p-vm"], ["p-ma"], ["p-all"], ["p-va"]]

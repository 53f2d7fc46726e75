"""The run report and the runs index, opened in headless Chromium: no console error, key content shown.

The pages forbid every load with a Content-Security-Policy, so anything that tried to reach the network
(or run a script) would log a console message; Chromium writes console messages to stderr with
`--enable-logging=stderr`, which is what is checked (a control page proves the check sees them).
Screenshots are kept in $HEALTH_TEST_ARTIFACTS when set, else in the test's tmp_path.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cleaning.report import render_all
from cleaning.report.html import page
from tests.support.small_run import RUN
from tests.support.small_run import write_small_run as _write_run

CONSOLE = re.compile(r":CONSOLE[:(\]]")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.skip("headless Chromium is not installed (apt-get install chromium; .ci/run installs it where apt works)")


@pytest.fixture
def artifacts(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    base = os.environ.get("HEALTH_TEST_ARTIFACTS")
    folder = Path(base) / request.node.name if base else tmp_path / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser: str, path: Path, profile: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--hide-scrollbars", "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", *mode,
           path.resolve().as_uri()]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish loading {path} within 120 s")
    return proc


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def test_the_console_check_sees_a_blocked_load(tmp_path: Path):
    browser = _chromium()
    control = tmp_path / "control.html"
    control.write_text(page("control", "<p>x</p><img src='http://127.0.0.1:9/x.png' alt=''>"))
    proc = _open(browser, control, tmp_path / "profile", "--dump-dom")
    assert "<p>x</p>" in proc.stdout, proc.stderr[-2000:]
    assert any("Content Security Policy" in line for line in _console(proc.stderr)), proc.stderr[-2000:]


def test_report_and_index_render_without_console_errors(tmp_path: Path, artifacts: Path):
    browser = _chromium()
    out = tmp_path / "out"
    _write_run(out)
    report, index = render_all(out, RUN)
    expected = {
        report: ["Completeness of the articles", "Word counts", "Sample of articles", "Failures by reason",
                 "Water &lt;and&gt; sleep", "https://e.org/a1-copy", "TimeoutError", "1m 40s"],
        index: ["Trends", "Every run", RUN, "succeeded"],
    }
    for path, needles in expected.items():
        dom = _open(browser, path, tmp_path / "profile", "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        assert _console(dom.stderr) == []
        for needle in needles:
            assert needle in dom.stdout, f"{needle!r} not in the DOM of {path.name}"
        assert "<svg" in dom.stdout and "<script" not in dom.stdout
        shot = artifacts / f"{path.stem}.png"
        snap = _open(browser, path, tmp_path / "profile", "--window-size=1100,2600", f"--screenshot={shot}")
        assert _console(snap.stderr) == []
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_on_a_phone_the_pages_do_not_scroll_sideways(tmp_path: Path):
    """390 px wide: wide tables scroll inside their own box and charts shrink, so nothing sticks out of the
    page. A copy of each page is laid out 390 px wide (headless Chromium's window is at least 500 px), without
    its CSP and with a script that records how wide the body's content is against the body itself."""
    browser = _chromium()
    out = tmp_path / "out"
    _write_run(out)
    for path in render_all(out, RUN):
        probe = tmp_path / f"probe-{path.name}"
        html = re.sub(r"<meta http-equiv='Content-Security-Policy'[^>]*>", "", path.read_text(encoding="utf-8"))
        html = html.replace("</style>", "html{width:390px}</style>", 1)
        probe.write_text(html.replace("</body>", "<script>document.body.setAttribute('data-widths', "
                                      "document.body.scrollWidth + 'x' + document.body.clientWidth)</script></body>"))
        dom = _open(browser, probe, tmp_path / "profile", "--window-size=500,900", "--dump-dom")
        found = re.search(r'data-widths="(\d+)x(\d+)"', dom.stdout)
        assert found, dom.stderr[-2000:]
        content, body = int(found.group(1)), int(found.group(2))
        assert body <= 390
        assert content <= body, f"{path.name}: {content} px of content in a {body} px wide page"

"""The cleaning command line as users call it: `python -m cleaning` and the installed `health-clean`.

Bad input is a bad argument: exit status 2 and one line on stderr, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleaning.__main__ import main, program_name
from tests.conftest import REPO

ENTRY_POINTS = {"python -m cleaning": [sys.executable, "-m", "cleaning"]}
if script := shutil.which("health-clean", path=str(Path(sys.executable).parent)):
    ENTRY_POINTS["health-clean"] = [script]


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


BAD_CALLS = [
    ["extract", "missing.html"],  # the case: a file that is not there
    ["extract", "."],  # a folder, not a file
    ["no-such-command"],
    ["run", "--workers", "many"],
    ["run", "--output-dir", "nothing-here"],  # no pages/ dataset
    ["run", "--output-dir", "outputs", "--run-id", "../etc"],
    ["report", "NO_SUCH_RUN"],
    ["report", "--output-dir", "nothing-here"],  # a mistyped folder: never "rendered" into a new one
    ["compact", "--output-dir", "nothing-here"],
    ["compact", "--output-dir", "outputs", "--dataset", "no-such-dataset"],
    ["run", "--output-dir", "page.html"],  # a file, not a folder
    ["migrate", "--output-dir", "outputs-typo"],
    ["extract", "page.html", "--site", "no-such-site"],
    ["extract", "page.html", "--fetched-at", "yesterday"],
]


@pytest.mark.parametrize("name", ENTRY_POINTS)
@pytest.mark.parametrize("args", BAD_CALLS, ids=" ".join)
def test_bad_call_exits_2_with_one_line(name: str, args: list[str], tmp_path: Path):
    (tmp_path / "outputs" / "pages").mkdir(parents=True)
    (tmp_path / "page.html").write_text("<html><body><p>x</p></body></html>")
    proc = _run([*ENTRY_POINTS[name], *args], tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "error" in lines[0] and "Traceback" not in proc.stderr, proc.stderr
    if args[0] == "run" and "page.html" in args:
        assert "is not a directory" in lines[0], lines[0]


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_help_names_the_entry_point(name: str, tmp_path: Path):
    proc = _run([*ENTRY_POINTS[name], "--help"], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith(f"usage: {name} ")
    other = ({"python -m cleaning", "health-clean"} - {name}).pop()
    assert other not in proc.stdout  # not even in the synopsis of its subcommands
    sub = _run([*ENTRY_POINTS[name], "run", "--help"], tmp_path)
    assert sub.stdout.startswith(f"usage: {name} run ")


def test_program_name_from_argv0():
    assert program_name("/x/lib/python3.11/site-packages/cleaning/__main__.py") == "python -m cleaning"
    assert program_name("/x/.venv/bin/health-clean") == "health-clean"


def test_an_unexpected_failure_is_one_line_and_exit_1(tmp_path: Path, capsys, monkeypatch):
    # A bug or an environment failure, not a bad argument: still no traceback unless -v asks for it.
    def boom(root, name=None):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("cleaning.storage.compact.compact", boom)
    (tmp_path / "pages").mkdir()
    assert main(["compact", "--output-dir", str(tmp_path)], prog="health-clean") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["health-clean: error: RuntimeError: disk on fire (run with -v for the traceback)"]
    with pytest.raises(RuntimeError):
        main(["-v", "compact", "--output-dir", str(tmp_path)], prog="health-clean")


def test_a_read_only_output_dir_is_one_line_and_exit_2(tmp_path: Path, capsys, monkeypatch):
    # (as root, chmod cannot make a folder read-only: the lock's own error stands in for it)
    def refused(self, wait=None):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cleaning.storage.lock.OutputLock.acquire", refused)
    (tmp_path / "pages").mkdir()
    assert main(["compact", "--output-dir", str(tmp_path)], prog="health-clean") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {tmp_path} is not writable (Permission denied): compact writes there"]


def test_extract_reads_a_relative_date_against_the_fetch_time_it_is_given(tmp_path: Path, capsys):
    words = "Walking backwards strengthens the muscles along the spine, a small trial found. " * 4
    page = tmp_path / "page.html"
    page.write_text(f'<html><body><article><h1>Walking backwards</h1><p class="meta">Posted 2 days ago</p>'
                    f'<p>{words}</p><p>{words}</p></article></body></html>')
    assert main(["extract", str(page), "--url", "https://x.test/a"]) == 0
    assert '"published_date": null' in capsys.readouterr().out  # a stored page: no fetch time, no relative day
    assert main(["extract", str(page), "--url", "https://x.test/a", "--fetched-at", "2024-05-10T09:00:00Z"]) == 0
    assert '"published_date": "2024-05-08"' in capsys.readouterr().out

"""The run report, on a small run written with the real writer."""

from pathlib import Path

import pytest

from cleaning.report import render_report
from cleaning.storage.datasets import OutputError
from tests.support.small_run import RUN
from tests.support.small_run import write_small_run as _write_run


def test_report_is_self_contained_and_has_the_figures(tmp_path: Path):
    _write_run(tmp_path)
    path = render_report(tmp_path, RUN)
    html = path.read_text()
    assert path.name == f"{RUN}.html"
    assert "<script" not in html and "http://" not in html.replace("https://e.org/slow", "")
    for title in ("Pages by HTTP status", "Languages", "Duplicates by kind", "Grammar edits by category",
                  "Extraction paths", "Articles per site", "Fetch failures"):
        assert title in html
    assert ">404<" in html and ">zh<" in html and "TimeoutError" in html and "https://e.org/slow" in html


def test_report_for_a_missing_run_names_the_manifest(tmp_path: Path):
    with pytest.raises(OutputError, match="nope.json"):
        render_report(tmp_path, "nope")

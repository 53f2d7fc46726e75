"""The run report, on a small run written with the real writer."""

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cleaning.report import render_report
from cleaning.storage.datasets import OutputError, PartitionedWriter
from cleaning.storage.manifests import RunManifestFile

RUN = "20260101T000000Z_abc123"


def _write_run(root: Path) -> None:
    pages = PartitionedWriter(root, "pages", RUN, rows_per_file=2)
    for i, status in enumerate([200, 200, 404, 500, 200]):
        pages.write({"url": f"https://e.org/{i}", "status": status, "fetched_at": datetime.now(timezone.utc),
                     "run_id": RUN}, "2026-01-01")
    pages.flush()
    articles = PartitionedWriter(root, "articles", RUN)
    for i, lang in enumerate(["en", "en", "zh"]):
        articles.write({"article_id": str(i), "version": 1, "url": f"https://e.org/{i}", "site": "demo",
                        "language": lang, "published_date": date(2023, 1, 1 + i), "run_id": RUN}, "2026-01-01")
    articles.flush()
    m = RunManifestFile.open(root, RUN)
    m.start(kind="crawl", site="demo")
    m.finish("succeeded", crawl_stats={"health/failed/TimeoutError": 2},
             failed_urls={"https://e.org/slow": "TimeoutError"},
             cleaning={"counts": {"articles": 3}, "dropped_reasons": {"http_404": 1},
                       "steps": {"extract": {"body_source/profile": 3}}})


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

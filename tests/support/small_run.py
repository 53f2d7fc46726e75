"""A small stored run (pages, articles, a finished manifest), written with the product's own writers."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from cleaning.storage.datasets import PartitionedWriter
from cleaning.storage.manifests import RunManifestFile

RUN = "20260101T000000Z_abc123"


def write_small_run(root: Path) -> None:
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

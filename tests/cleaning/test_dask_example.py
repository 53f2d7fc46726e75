"""examples/dask_clean.py: clean_run on a (local) Dask cluster equals clean_run on one process, row for row.

The pages are every page of the demo site (articles, near-duplicates, a Chinese article, listings),
stored as a crawl stores them; cleaning them exercises all three passes, dedup included.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from cleaning.storage.datasets import PartitionedWriter
from cleaning.runner import CleanOptions, clean_run
from crawler.demo import DEMO_HOST, load_articles
from crawler.demo.pages import article_path
from crawler.demo.site import DemoSite
from tests.conftest import REPO

RUN = "20260102T000000Z_daskex"
FETCHED = datetime(2026, 1, 2, 8, 0, tzinfo=timezone.utc)


def _load_example():
    spec = importlib.util.spec_from_file_location("dask_clean", REPO / "examples" / "dask_clean.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _store_demo_pages(root: Path) -> int:
    site = DemoSite(DEMO_HOST)
    writer = PartitionedWriter(root, "pages", RUN, tag="crawl", rows_per_file=10)  # several part files
    paths = [article_path(a) for a in load_articles()] + ["/", "/category/spine/"]
    for path in paths:
        resp = site.handle("GET", path, {})
        writer.write({"url": site.url(path), "status": resp.status, "fetched_at": FETCHED, "site": "demo",
                      "kind": "article" if path.startswith("/article/") else "listing",
                      "content_type": resp.headers.get("Content-Type"), "body": resp.body, "profile": "demo",
                      "run_id": RUN}, FETCHED.date().isoformat())
    writer.flush()
    return len(paths)


def _rows(root: Path, name: str, cols: list[str]) -> list[tuple]:
    df = pd.read_parquet(root / name, columns=cols)
    return sorted(tuple(None if pd.isna(v) else v for v in row) for row in df.itertuples(index=False))


def test_dask_cluster_cleans_like_one_process(tmp_path: Path):
    pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed (the Dask example's extra)")
    from dask.distributed import Client, LocalCluster

    example = _load_example()
    local, on_dask = tmp_path / "local", tmp_path / "dask"
    n = _store_demo_pages(local)
    _store_demo_pages(on_dask)
    options = CleanOptions(grammar_backend="offline", workers=1)

    want = clean_run(local, RUN, options)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        got = clean_run(on_dask, RUN, options, mapper=example.DaskMapper(client, chunk_size=4, window=3))
        assert len(client.nthreads()) == 2

    assert got.counts == want.counts and got.counts["pages"] == n
    assert got.counts["duplicates"] >= 1 and got.counts["articles"] > 30
    checks = {
        "articles": ["article_id", "url", "title", "body", "body_original", "language", "version", "grammar_status"],
        "hot_picks": ["article_id", "rank", "url", "title", "teaser"],
        "duplicates": ["url", "duplicate_of", "kind", "similarity"],
        "grammar_edits": ["article_id", "offset", "original", "replacement", "rule_id"],
    }
    for name, cols in checks.items():
        assert _rows(on_dask, name, cols) == _rows(local, name, cols), name


def test_dask_mapper_keeps_order_and_bounds_work_in_flight():
    pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed (the Dask example's extra)")
    from dask.distributed import Client

    from cleaning.document import Document, Page
    from tests.cleaning.steps.helpers import Numbered

    example = _load_example()
    docs = [Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=FETCHED)) for i in range(50)]
    with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        mapper = example.DaskMapper(client, chunk_size=3, window=2)
        out = list(mapper.map([Numbered()], docs))
        assert [d.page.url for d, _ in out] == [d.page.url for d in docs]
        assert all(stats["numbered"]["seen"] == 1 for _, stats in out)
        assert list(mapper.map([Numbered()], [])) == []

"""Which stored page of a URL the cleaning chain reads."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cleaning.datasets import PartitionedWriter, check_run_id
from cleaning.pipeline import iter_pages

import pytest

RUN = "20260101T000000Z_pages1"


def _write(root: Path, tag: str, status: int, fetched_at: datetime, html: str) -> None:
    w = PartitionedWriter(root, "pages", RUN, tag=tag)
    w.write({"url": "http://e.org/a", "status": status, "fetched_at": fetched_at, "html": html, "run_id": RUN},
            "2026-01-01")
    w.flush()


def test_the_successful_fetch_wins_whatever_the_file_order(tmp_path: Path):
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    # "0..." sorts before "f...": the failed fetch's file is read first
    _write(tmp_path, "crawlf00000", 200, t0, "<p>ok</p>")
    _write(tmp_path, "crawl000000", 500, t0 + timedelta(seconds=5), "")
    pages = list(iter_pages(tmp_path, RUN))
    assert [(p.status, p.html) for p in pages] == [(200, "<p>ok</p>")]


def test_the_newest_successful_fetch_wins(tmp_path: Path):
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    _write(tmp_path, "crawlaaaaaa", 200, t0 + timedelta(seconds=9), "<p>new</p>")
    _write(tmp_path, "crawlbbbbbb", 200, t0, "<p>old</p>")
    assert [p.html for p in iter_pages(tmp_path, RUN)] == ["<p>new</p>"]


@pytest.mark.parametrize("bad", ["site-2", "", "a/b", "x" * 65, "run id"])
def test_run_ids_are_checked(bad):
    with pytest.raises(ValueError, match="invalid run id"):
        check_run_id(bad)


def test_a_first_run_without_articles_still_leaves_loadable_typed_datasets(tmp_path: Path):
    import pandas as pd

    from cleaning.pipeline import CleanOptions, clean_run
    from cleaning.schemas import DERIVED

    _write(tmp_path, "crawl1", 404, datetime(2026, 1, 1, tzinfo=timezone.utc), "<h1>Not Found</h1>")
    clean_run(tmp_path, RUN, CleanOptions(grammar_backend="none"))
    for name in DERIVED:
        df = pd.read_parquet(tmp_path / name)
        assert len(df) == 0 and "run_id" in df.columns
    import pyarrow.dataset as ds

    assert str(ds.dataset(tmp_path / "articles", partitioning="hive").schema.field("published_date").type) == "date32[day]"

"""Which stored page of a URL the cleaning reads, and pages written under schema version 1."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cleaning.storage.datasets import PartitionedWriter, check_run_id
from cleaning.steps import ReadPages

import pytest

RUN = "20260101T000000Z_pages1"


def _write(root: Path, tag: str, status: int, fetched_at: datetime, html: str) -> None:
    w = PartitionedWriter(root, "pages", RUN, tag=tag)
    w.write({"url": "http://e.org/a", "status": status, "fetched_at": fetched_at, "body": html.encode(),
             "profile": "", "run_id": RUN}, "2026-01-01")
    w.flush()


def iter_pages(root: Path, run_id: str):
    return [doc.page for doc in ReadPages(root, run_id).run()]


def test_the_successful_fetch_wins_whatever_the_file_order(tmp_path: Path):
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    # "0..." sorts before "f...": the failed fetch's file is read first
    _write(tmp_path, "crawlf00000", 200, t0, "<p>ok</p>")
    _write(tmp_path, "crawl000000", 500, t0 + timedelta(seconds=5), "")
    pages = list(iter_pages(tmp_path, RUN))
    assert [(p.status, p.body) for p in pages] == [(200, b"<p>ok</p>")]


def test_the_newest_successful_fetch_wins(tmp_path: Path):
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    _write(tmp_path, "crawlaaaaaa", 200, t0 + timedelta(seconds=9), "<p>new</p>")
    _write(tmp_path, "crawlbbbbbb", 200, t0, "<p>old</p>")
    assert [p.body for p in iter_pages(tmp_path, RUN)] == [b"<p>new</p>"]


@pytest.mark.parametrize("bad", ["site-2", "", "a/b", "x" * 65, "run id"])
def test_run_ids_are_checked(bad):
    with pytest.raises(ValueError, match="invalid run id"):
        check_run_id(bad)


def test_a_first_run_without_articles_still_leaves_loadable_typed_datasets(tmp_path: Path):
    import pandas as pd

    from cleaning.runner import CleanOptions, clean_run
    from cleaning.storage.schemas import DERIVED

    _write(tmp_path, "crawl1", 404, datetime(2026, 1, 1, tzinfo=timezone.utc), "<h1>Not Found</h1>")
    clean_run(tmp_path, RUN, CleanOptions(grammar_backend="none"))
    for name in DERIVED:
        df = pd.read_parquet(tmp_path / name)
        assert len(df) == 0 and "run_id" in df.columns
    import pyarrow.dataset as ds

    assert str(ds.dataset(tmp_path / "articles", partitioning="hive").schema.field("published_date").type) == "date32[day]"


def test_version_1_pages_read_as_utf8_bytes_and_migrate(tmp_path: Path):
    """A pages file of schema version 1 (decoded text in `html`) reads, and `migrate` rewrites it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cleaning.storage.migrate import file_version, migrate

    v1 = pa.schema([("url", pa.string()), ("status", pa.int32()), ("fetched_at", pa.timestamp("us", tz="UTC")),
                    ("site", pa.string()), ("kind", pa.string()), ("content_type", pa.string()),
                    ("etag", pa.string()), ("last_modified", pa.string()), ("html", pa.large_string()),
                    ("run_id", pa.string())]).with_metadata({"schema_version": "1", "dataset": "pages"})
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    path = tmp_path / "pages" / "crawl_date=2026-01-01" / f"part-{RUN}-old-00000.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([{"url": "http://e.org/a", "status": 200, "fetched_at": t0, "site": "demo",
                                          "kind": "article", "html": "<p>Traditional 中医 ‘quoted’</p>",
                                          "run_id": RUN}], schema=v1), path)
    [page] = iter_pages(tmp_path, RUN)
    assert page.body.decode("utf-8") == "<p>Traditional 中医 ‘quoted’</p>"
    assert page.declared_encoding == "utf-8" and page.profile is not None and page.profile.name == "demo"
    assert list(migrate(tmp_path)) == ["pages: 1 files rewritten in schema version 2"]
    assert file_version(pq.read_schema(path)) == "2"
    [again] = iter_pages(tmp_path, RUN)
    assert again.body == page.body and list(migrate(tmp_path)) == []


def _write_run(root: Path, run_id: str, tag: str, times: list[datetime]) -> None:
    w = PartitionedWriter(root, "pages", run_id, tag=tag)
    for i, t in enumerate(times):
        w.write({"url": f"http://e.org/{run_id}/{i}", "status": 200, "fetched_at": t, "body": b"<p>x</p>",
                 "profile": "", "run_id": run_id}, "2026-01-01")
    w.flush()


def test_stored_runs_come_oldest_first_from_the_files_footers(tmp_path: Path, monkeypatch):
    """Asked at every cleaning: read from each part file's statistics, not from every page ever stored."""
    from cleaning.storage import pages

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    # the run whose id sorts first fetched last; each run's first fetch is in its second file
    _write_run(tmp_path, "20260101T000000Z_aaaaaa", "crawl1", [t0 + timedelta(hours=5), t0 + timedelta(hours=6)])
    _write_run(tmp_path, "20260101T000000Z_aaaaaa", "crawl2", [t0 + timedelta(hours=2)])
    _write_run(tmp_path, "20260101T000000Z_zzzzzz", "crawl1", [t0 + timedelta(hours=3)])
    _write_run(tmp_path, "20260101T000000Z_zzzzzz", "crawl2", [t0 + timedelta(hours=1), t0 + timedelta(hours=9)])

    def no_rows(*args, **kwargs):
        raise AssertionError("read the rows of a file whose footer tells")

    monkeypatch.setattr(pages, "read_rows", no_rows)
    assert pages.stored_runs(tmp_path) == ["20260101T000000Z_zzzzzz", "20260101T000000Z_aaaaaa"]


def test_stored_runs_read_the_rows_of_a_file_whose_footer_does_not_tell(tmp_path: Path):
    """Two runs in one row group (another tool merged them), or no statistics written: its two columns are read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cleaning.storage.datasets import dataset_files
    from cleaning.storage.pages import stored_runs
    from cleaning.storage.schemas import PAGES

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    _write_run(tmp_path, "20260101T000000Z_bbbbbb", "crawl1", [t0 + timedelta(hours=4)])
    merged = pa.Table.from_pylist(
        [{"url": f"http://e.org/{i}", "status": 200, "fetched_at": t0 + timedelta(hours=h), "body": b"",
          "profile": "", "run_id": run} for i, (run, h) in
         enumerate([("20260101T000000Z_cccccc", 7), ("20260101T000000Z_dddddd", 2)])],
        schema=pa.schema([PAGES.field(name) for name in ("url", "status", "fetched_at", "body", "profile", "run_id")]))
    folder = dataset_files(tmp_path, "pages")[0].parent
    template = pq.read_metadata(dataset_files(tmp_path, "pages")[0]).metadata
    for tag, stats in (("merged1", True), ("merged2", False)):
        pq.write_table(merged.replace_schema_metadata(template), folder / f"part-20260101T000000Z_cccccc-{tag}.parquet",
                       write_statistics=stats)
    assert stored_runs(tmp_path) == ["20260101T000000Z_dddddd", "20260101T000000Z_bbbbbb", "20260101T000000Z_cccccc"]

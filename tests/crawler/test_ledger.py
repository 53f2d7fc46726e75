"""The fetch ledger (crawler/ledger.py): what earlier runs, and this run when resumed, already stored.
The same ledger in whole crawls: test_incremental_resume.py, test_kill_resume.py."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cleaning.storage.datasets import PartitionedWriter
from cleaning.storage.manifests import RunManifestFile
from crawler.ledger import FetchLedger, StoredPages

CLEANED = "20260101T000000Z_aaaaaa"  # an earlier run whose pages became rows
UNCLEANED = "20260102T000000Z_bbbbbb"  # an earlier run stopped before cleaning
THIS = "20260103T000000Z_cccccc"  # the run being resumed
FETCHED = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


def _pages(root: Path, run_id: str, rows: list[dict[str, Any]]) -> None:
    writer = PartitionedWriter(root, "pages", run_id, tag="t")
    for row in rows:
        writer.write({"status": 200, "fetched_at": FETCHED, "kind": "article", "run_id": run_id, **row},
                     partition="2026-01-01")
    writer.flush()


def _cleaned(root: Path, run_id: str) -> None:
    RunManifestFile.open(root, run_id).update(cleaning={"status": "committed"})


def _ledger(tmp_path: Path) -> FetchLedger:
    _pages(tmp_path, CLEANED, [
        {"url": "https://a.org/old?utm_source=x", "etag": '"v1"', "last_modified": "Wed, 31 Dec 2025 10:00:00 GMT"},
        {"url": "https://a.org/gone", "status": 404},
        {"url": "https://a.org/list", "kind": "listing"},
        {"url": "https://a.org/generic-article", "kind": "unknown"},
        {"url": "https://a.org/generic-listing", "kind": "unknown"},
    ])
    _cleaned(tmp_path, CLEANED)
    articles = PartitionedWriter(tmp_path, "articles", CLEANED, tag="t")
    articles.write({"article_id": "x", "version": 1, "url": "https://a.org/generic-article", "run_id": CLEANED},
                   partition="2026-01-01")
    articles.flush()
    _pages(tmp_path, UNCLEANED, [{"url": "https://a.org/uncleaned"}])
    _pages(tmp_path, THIS, [{"url": "https://a.org/resumed"}, {"url": "https://a.org/list2", "kind": "listing"}])
    return FetchLedger.load(tmp_path, run_id=THIS)


def test_only_articles_of_cleaned_runs_are_known(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    old = ledger.get("https://a.org/old")  # by canonical URL: tracking parameters do not matter
    assert old is not None and old.etag == '"v1"' and old.fetched_at == FETCHED
    assert ledger.get("https://a.org/generic-article") is not None  # a generic page that became an article
    for url in ("https://a.org/gone", "https://a.org/list", "https://a.org/generic-listing",
                "https://a.org/uncleaned"):  # an error, listings (read again for new links), a run never cleaned
        assert ledger.get(url) is None, url
    assert ledger.known_count == 2


def test_a_generic_article_at_a_folder_address_is_known(tmp_path: Path) -> None:
    """WordPress-style `/slug/` pages: the article's url keeps the slash, the page row has it too; the next
    run must know it (before, the two were compared as strings against a slash-less url, so every such
    article was downloaded again in full on every run)."""
    _pages(tmp_path, CLEANED, [{"url": "https://a.org/2024/05/slug/", "kind": "unknown", "etag": '"v2"'},
                               {"url": "https://a.org/other/", "kind": "unknown"}])
    _cleaned(tmp_path, CLEANED)
    articles = PartitionedWriter(tmp_path, "articles", CLEANED, tag="t")
    for url in ("https://a.org/2024/05/slug/", "https://a.org/other"):  # as written now, and by older runs
        articles.write({"article_id": url[-6:], "version": 1, "url": url, "run_id": CLEANED}, partition="2026-01-01")
    articles.flush()
    ledger = FetchLedger.load(tmp_path, run_id=THIS)
    entry = ledger.get("https://a.org/2024/05/slug/")
    assert entry is not None and entry.etag == '"v2"'
    assert ledger.get("https://a.org/other/") is not None and ledger.known_count == 2

def test_a_copy_dropped_as_a_duplicate_is_known_so_it_is_not_recorded_again_each_run(tmp_path: Path) -> None:
    _pages(tmp_path, CLEANED, [{"url": "https://a.org/post/?replytocom=7", "kind": "unknown", "etag": '"c"'},
                               {"url": "https://a.org/never-kept", "kind": "unknown"}])
    _cleaned(tmp_path, CLEANED)
    duplicates = PartitionedWriter(tmp_path, "duplicates", CLEANED, tag="t")
    duplicates.write({"url": "https://a.org/post?replytocom=7", "article_id": "c", "duplicate_of": "p",
                      "kind": "url", "similarity": 1.0, "run_id": CLEANED}, partition="2026-01-01")
    duplicates.flush()
    ledger = FetchLedger.load(tmp_path, run_id=THIS)
    assert ledger.get("https://a.org/post/?replytocom=7") is not None
    assert ledger.get("https://a.org/never-kept") is None  # neither kept nor a known copy: read again

def test_a_resumed_run_knows_what_it_stored_itself(tmp_path: Path) -> None:
    _ledger(tmp_path)
    writer = PartitionedWriter(tmp_path, "pages", THIS, tag="u", rows_per_file=1)  # a second attempt, one row a file
    writer.write({"url": "https://a.org/third", "status": 503, "fetched_at": FETCHED, "kind": "unknown",
                  "body": b"busy", "run_id": THIS}, partition="2026-01-01")
    writer.flush()
    stored = StoredPages.load(tmp_path, THIS)
    assert len(stored) == 3
    assert "https://a.org/resumed?utm_campaign=y" in stored and "https://a.org/list2" in stored  # listings too
    assert "https://a.org/old" not in stored  # an earlier run's page
    third = stored.get("https://a.org/third")
    assert third is not None and (third.status, third.kind, third.body) == (503, "unknown", b"busy")
    assert stored.get("https://a.org/list2").kind == "listing"
    assert stored.get("https://a.org/nowhere") is None
    assert len(StoredPages.load(tmp_path, "")) == 0


def test_sitemap_lastmod_says_whether_a_known_page_changed(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    assert ledger.unchanged_since("https://a.org/old", "2026-01-01T11:00:00Z")
    assert not ledger.unchanged_since("https://a.org/old", "2026-01-01T13:00:00+00:00")
    assert ledger.unchanged_since("https://a.org/old", "2026-01-01T13:00:00+02:00")  # 11:00 UTC
    assert ledger.unchanged_since("https://a.org/old", "2025-12-31")  # a date: changed before the fetch day
    assert not ledger.unchanged_since("https://a.org/old", "2026-01-01")  # the same day: may be later
    assert not ledger.unchanged_since("https://a.org/old", None)
    assert not ledger.unchanged_since("https://a.org/old", "yesterday")
    assert not ledger.unchanged_since("https://a.org/never-seen", "2020-01-01")


def test_an_empty_output_dir_knows_nothing(tmp_path: Path) -> None:
    ledger = FetchLedger.load(tmp_path, run_id=THIS)
    assert ledger.known_count == len(StoredPages.load(tmp_path, THIS)) == 0


def test_a_refresh_indexes_the_files_other_workers_wrote_since_and_reads_no_file_twice(tmp_path: Path,
                                                                                        monkeypatch) -> None:
    _pages(tmp_path, THIS, [{"url": "https://a.org/mine", "body": b"first"}])
    stored = StoredPages.load(tmp_path, THIS)
    assert stored.get("https://a.org/mine").body == b"first"
    # Another worker (another file tag) stores two pages, one of them again (a second attempt).
    other = PartitionedWriter(tmp_path, "pages", THIS, tag="w2")
    for url, body in (("https://a.org/theirs", b"t"), ("https://a.org/mine", b"second")):
        other.write({"url": url, "body": body, "status": 200, "fetched_at": FETCHED, "kind": "article",
                     "run_id": THIS}, partition="2026-01-01")
    other.flush()
    _pages(tmp_path, CLEANED, [{"url": "https://a.org/earlier-run"}])  # not this run's
    assert "https://a.org/theirs" not in stored  # only what was on disk when it looked
    read: list[Path] = []
    import crawler.ledger as ledger_module
    real = ledger_module._column
    monkeypatch.setattr(ledger_module, "_column", lambda root, path, column: read.append(path) or real(root, path, column))
    assert stored.refresh(THIS) == 1  # one new URL; the second copy replaces the first
    assert [p.name for p in read] == [p.name for p in (tmp_path / "pages").rglob(f"part-{THIS}-w2-*.parquet")]
    assert stored.get("https://a.org/theirs").body == b"t" and stored.get("https://a.org/mine").body == b"second"
    assert "https://a.org/earlier-run" not in stored
    assert stored.refresh(THIS) == 0 and len(read) == 1  # nothing new: no file read again

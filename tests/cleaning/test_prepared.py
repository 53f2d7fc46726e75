"""Results prepared while the crawl fetches are the results the run's cleaning would compute."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

from cleaning.flow import cleaning_steps
from cleaning.options import CleanOptions
from cleaning.prepared import CachedMapper, PreparedPages, first_segment
from cleaning.steps.base import Step
from cleaning.storage.datasets import PartitionedWriter, dataset_files
from cleaning.workers import ProcessMapper
from crawler.demo import DEMO_HOST, load_articles
from crawler.demo.pages import article_path
from crawler.demo.site import DemoSite

RUN = "20260101T000000Z_prep"
T0 = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)


def _store(root: Path, rows_per_file: int = 7) -> None:
    site = DemoSite(DEMO_HOST)
    writer = PartitionedWriter(root, "pages", RUN, tag="crawl", rows_per_file=rows_per_file)
    for path in [article_path(a) for a in load_articles()[:15]] + ["/"]:
        resp = site.handle("GET", path, {})
        writer.write({"url": site.url(path), "status": resp.status, "fetched_at": T0, "site": "demo",
                      "kind": "article" if path.startswith("/article/") else "listing",
                      "content_type": resp.headers.get("Content-Type"), "body": resp.body, "profile": "demo",
                      "run_id": RUN}, "2026-01-01")
    writer.flush()


def _plain(result):  # documents compare by their fields; counts without timings
    doc, stats = result
    counts = {name: {k: v for k, v in c.items() if k != "seconds"} for name, c in stats.items()}
    return (None if doc is None else (doc.article_id, doc.body_original, doc.language, doc.content_hash,
                                      doc.rare_words, doc.extraction.title, doc.extraction.published_date)), counts


def test_prepared_results_equal_computed_ones_and_are_used(tmp_path: Path) -> None:
    _store(tmp_path)
    steps = cleaning_steps(tmp_path, RUN, tmp_path / "stage", CleanOptions(grammar_backend="none"))
    read, segment = steps[0], first_segment(steps)
    assert [s.name for s in segment] == ["extract", "repeated_paragraphs", "language", "hash", "rare_words"]
    prepared = PreparedPages(tmp_path, RUN, segment)
    parts = dataset_files(tmp_path, "pages", RUN)
    for part in parts[:-1]:  # the last file was not prepared (the crawl was killed, say)
        assert prepared.prepare(part, read, segment) == 7
    assert prepared.done(parts[0]) and not prepared.done(parts[-1])

    docs = list(read.run())
    computed = [_plain(r) for r in ProcessMapper(1).map(segment, docs)]
    mapper = CachedMapper(ProcessMapper(1), prepared)
    got = [_plain(r) for r in mapper.map(segment, list(read.run()))]
    assert sorted(got, key=repr) == sorted(computed, key=repr)
    assert (mapper.hits, mapper.misses) == (14, 2)
    assert list(CachedMapper(ProcessMapper(1), prepared).map(steps[-3:-1], [])) == []  # other steps: not cached


def test_the_runs_cleaning_does_not_read_the_html_of_pages_already_prepared(tmp_path: Path, monkeypatch) -> None:
    """Their results are taken as they are; only a file the crawl did not prepare is read with its HTML, and
    the rows are those of a cleaning that prepared nothing."""
    import pyarrow.dataset as ds

    from cleaning.runner import clean_run
    from cleaning.storage import migrate

    _store(tmp_path)
    plain = tmp_path / "plain"
    _store(plain)
    options = CleanOptions(grammar_backend="none", workers=1)
    steps = cleaning_steps(tmp_path, RUN, tmp_path / "stage", options)
    read, segment = steps[0], first_segment(steps)
    prepared = PreparedPages(tmp_path, RUN, segment)
    parts = dataset_files(tmp_path, "pages", RUN)
    for part in parts[:-1]:
        prepared.prepare(part, read, segment)
    asked: dict[str, list[str] | None] = {}
    real = migrate.iter_batches

    def recorded(path, name, columns, batch_size):
        if name == "pages" and columns is not None and "url" in columns and "status" in columns and len(columns) > 3:
            asked[path.name] = columns
        elif name == "pages" and columns is None:
            asked[path.name] = None
        return real(path, name, columns, batch_size)

    monkeypatch.setattr(migrate, "iter_batches", recorded)
    report = clean_run(tmp_path, RUN, options)
    monkeypatch.undo()
    assert report.counts["prepared_while_crawling"] == 14
    assert all("body" not in (asked[p.name] or ["body"]) for p in parts[:-1]), asked
    assert asked[parts[-1].name] is None  # read whole: its pages are cleaned now
    clean_run(plain, RUN, options)

    def rows(root: Path) -> list[tuple]:
        table = ds.dataset(root / "articles", format="parquet").to_table().sort_by("url")
        return list(zip(*(table.column(c).to_pylist() for c in ("url", "title", "body", "published_date"))))

    assert rows(tmp_path) == rows(plain) and len(rows(plain)) >= 14


def test_other_settings_never_use_these_results(tmp_path: Path) -> None:
    a = first_segment(cleaning_steps(tmp_path, RUN, tmp_path, CleanOptions(min_words=40)))
    b = first_segment(cleaning_steps(tmp_path, RUN, tmp_path, CleanOptions(min_words=41)))
    assert PreparedPages(tmp_path, RUN, a).dir != PreparedPages(tmp_path, RUN, b).dir


def _all_files_submitted(tmp_path: Path):
    """(read, segment, prepared, parts, preparer): one helper, every stored pages file handed to it."""
    from cleaning.preparer import Preparer

    steps = cleaning_steps(tmp_path, RUN, tmp_path / "stage", CleanOptions(grammar_backend="none"))
    read, segment = steps[0], first_segment(steps)
    prepared = PreparedPages(tmp_path, RUN, segment)
    parts = dataset_files(tmp_path, "pages", RUN)
    preparer = Preparer(prepared, read, segment, None, workers=1)
    for part in parts:
        preparer.submit(part)
    return read, segment, prepared, parts, preparer


def test_when_the_crawl_ends_with_a_backlog_its_process_prepares_what_no_helper_took(tmp_path: Path) -> None:
    from cleaning.preparer import PARTS_WORTH_A_WARM_UP

    _store(tmp_path, rows_per_file=2)  # 8 part files, more than a helper's backlog worth a warm-up
    assert len(dataset_files(tmp_path, "pages", RUN)) > PARTS_WORTH_A_WARM_UP + 1
    read, segment, prepared, parts, preparer = _all_files_submitted(tmp_path)
    preparer.finish(timeout=120)  # at once: the helper is still importing its libraries
    assert preparer.errors == []
    assert (preparer.files, preparer.rows) == (len(parts), 16)
    assert preparer.here >= 1  # the waiting process took part files itself
    assert all(prepared.done(p) for p in parts)
    docs = list(read.run())
    computed = sorted((_plain(r) for r in ProcessMapper(1).map(segment, docs)), key=repr)
    mapper = CachedMapper(ProcessMapper(1), prepared)
    assert sorted((_plain(r) for r in mapper.map(segment, list(read.run()))), key=repr) == computed
    assert (mapper.hits, mapper.misses) == (16, 0)


class _SlowWarmUp:
    """A grammar warm-up that notes which process asked about which page (and takes a while, as Harper's
    first check does): what the helpers and the crawl's process each did."""

    def __init__(self, where: Path) -> None:
        self.where = where

    def ready(self) -> None:
        pass

    def after_fork(self) -> None:
        pass

    def warm(self, doc) -> None:
        time.sleep(0.1)
        with open(self.where / f"warm-{os.getpid()}", "a", encoding="utf-8") as fh:
            fh.write(doc.page.url + "\n")

    def close(self) -> None:
        pass


def test_a_backlog_at_the_crawls_end_is_shared_with_a_sibling_forked_from_a_helper_that_is_up(tmp_path: Path) -> None:
    """The crawl's core is free once it ends: a copy of the helper, its models loaded, takes files beside it and
    warms the grammar cache for them; the crawl's process loads nothing, and every page is warmed once."""
    from cleaning.preparer import Preparer

    _store(tmp_path, rows_per_file=2)
    steps = cleaning_steps(tmp_path, RUN, tmp_path / "stage", CleanOptions(grammar_backend="none"))
    read, segment = steps[0], first_segment(steps)
    prepared = PreparedPages(tmp_path, RUN, segment)
    parts = dataset_files(tmp_path, "pages", RUN)
    warmed_dir = tmp_path / "warmed"
    warmed_dir.mkdir()
    preparer = Preparer(prepared, read, segment, _SlowWarmUp(warmed_dir), workers=1)
    for part in parts:
        preparer.submit(part)
    deadline = time.monotonic() + 60
    while not prepared.done(parts[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    preparer.finish(timeout=120)
    assert preparer.errors == []
    assert preparer.here == 0 and (preparer.files, preparer.rows) == (len(parts), 16)
    assert len(preparer.processes) == 2 and os.getpid() not in preparer.processes
    warmers = {f.name for f in warmed_dir.iterdir()}
    assert len(warmers) == 2 and f"warm-{os.getpid()}" not in warmers  # the sibling warmed its own files
    warmed = [url for f in warmed_dir.iterdir() for url in f.read_text(encoding="utf-8").split()]
    kept = [r[0].page.url for r in CachedMapper(ProcessMapper(1), prepared).map(segment, list(read.run()))
            if r[0] is not None]
    assert sorted(warmed) == sorted(kept) and len(kept) >= 15
    assert not any(p.is_alive() for p in preparer._procs)


def test_a_short_backlog_is_left_to_the_helpers(tmp_path: Path) -> None:
    """A few part files left: the crawl's process would spend longer loading the models than the helper,
    which has them, takes to prepare them."""
    _store(tmp_path)  # 3 part files
    _, _, prepared, parts, preparer = _all_files_submitted(tmp_path)
    preparer.finish(timeout=120)
    assert (preparer.errors, preparer.here) == ([], 0)
    assert (preparer.files, preparer.rows) == (len(parts), 16)
    assert all(prepared.done(p) for p in parts)


def test_a_preparation_that_fails_leaves_no_half_written_file(tmp_path: Path) -> None:
    """A full disk mid-way: the cache's partial file is removed, so it keeps no space the pages need."""
    import pytest

    _store(tmp_path)
    steps = cleaning_steps(tmp_path, RUN, tmp_path / "stage", CleanOptions(grammar_backend="none"))
    read, segment = steps[0], first_segment(steps)
    prepared = PreparedPages(tmp_path, RUN, segment)
    part = dataset_files(tmp_path, "pages", RUN)[0]
    seen = []

    def full_disk(doc):  # the warm-up hook runs once per document: the fourth write "fails"
        seen.append(doc)
        if len(seen) == 4:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        prepared.prepare(part, read, segment, warm=full_disk)
    assert not prepared.done(part)
    assert [p.name for p in prepared.dir.iterdir()] == []


class _Marks(Step):
    """A step whose `ready` leaves a file: what a helper process did before its first document."""

    name = "marks"
    parallel = True

    def __init__(self, where: Path) -> None:
        super().__init__()
        self.where = where

    def ready(self) -> None:
        (self.where / f"ready-{os.getpid()}").write_text("")

    def process(self, doc):
        return doc


def test_helpers_started_with_the_crawl_load_what_they_need_before_the_first_part_file(tmp_path: Path) -> None:
    """The crawl starts them when it opens, so their imports and models overlap its first fetches; a
    crawl that then stores nothing ends without waiting for them."""
    from cleaning.preparer import Preparer

    steps = cleaning_steps(tmp_path, RUN, tmp_path / "stage", CleanOptions(grammar_backend="none"))
    marks = _Marks(tmp_path)
    preparer = Preparer(PreparedPages(tmp_path, RUN, [marks]), steps[0], [marks], None, workers=1)
    preparer.start()
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("ready-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.name for p in tmp_path.glob("ready-*")] != [], "the helper did not get ready before any work"
    assert f"ready-{os.getpid()}" not in [p.name for p in tmp_path.glob("ready-*")]
    preparer.finish(timeout=30)
    assert (preparer.files, preparer.rows, preparer.errors) == (0, 0, [])


class _ReadyFails(_Marks):
    def ready(self) -> None:
        raise OSError("the model file is missing")


def test_a_helper_whose_models_fail_to_load_still_takes_the_part_files(tmp_path: Path) -> None:
    """The load is tried again by the first document, where a failure is reported per file; the helper
    must not die before taking any work (the crawl's process would then do it all, silently, at the end)."""
    preparer, prepared, part = _one_helper_on_the_first_file(tmp_path, _ReadyFails(tmp_path))
    deadline = time.monotonic() + 60
    while not prepared.done(part) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert prepared.done(part), "the helper did not take the part file"
    preparer.finish(timeout=30)
    assert preparer.errors == [] and preparer.here == 0


class _DiesInHelper(_Marks):
    """A helper killed while it holds a pages file (the OOM killer, a kill -9 of one process)."""

    def __init__(self, where: Path, main: int) -> None:
        super().__init__(where)
        self.main = main

    def process(self, doc):
        if os.getpid() != self.main:
            os._exit(9)
        return doc


def test_a_helper_killed_while_it_holds_a_file_ends_the_wait_and_says_so(tmp_path: Path) -> None:
    """The run's end stops waiting once no helper is alive (the run's cleaning does the files it held),
    instead of holding the output folder's lock for the whole timeout."""
    preparer, prepared, part = _one_helper_on_the_first_file(tmp_path, _DiesInHelper(tmp_path, os.getpid()))
    deadline = time.monotonic() + 60
    while any(p.is_alive() for p in preparer._procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    preparer.finish(timeout=120)
    assert any("died" in e for e in preparer.errors), preparer.errors
    assert not prepared.done(part)  # left to the run's cleaning


def _one_helper_on_the_first_file(tmp_path: Path, step: Step):
    """A Preparer with one helper running `step`, handed the first pages file of a stored run."""
    from cleaning.preparer import Preparer

    _store(tmp_path)
    steps = cleaning_steps(tmp_path, RUN, tmp_path / "stage", CleanOptions(grammar_backend="none"))
    prepared = PreparedPages(tmp_path, RUN, [step])
    parts = dataset_files(tmp_path, "pages", RUN)
    preparer = Preparer(prepared, steps[0], [step], None, workers=1)
    preparer.start()
    preparer.submit(parts[0])
    return preparer, prepared, parts[0]


class _HangsInHelper(_DiesInHelper):
    """A helper that stops answering while it holds a pages file (a hung library call)."""

    def process(self, doc):
        if os.getpid() != self.main:
            time.sleep(3600)
        return doc


def test_files_queued_behind_a_helper_that_stopped_answering_are_prepared_at_the_crawls_end(tmp_path: Path,
                                                                                         monkeypatch) -> None:
    """Only the file the hung helper holds waits for the timeout; those queued behind it are done here."""
    from cleaning import preparer as preparer_module

    monkeypatch.setattr(preparer_module, "STALLED", 1.0)
    preparer, prepared, first = _one_helper_on_the_first_file(tmp_path, _HangsInHelper(tmp_path, os.getpid()))
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("ready-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the helper has taken the first file
    rest = [p for p in dataset_files(tmp_path, "pages", RUN) if p != first]
    for part in rest:
        preparer.submit(part)
    preparer.finish(timeout=6)
    assert preparer.here == len(rest) and all(prepared.done(p) for p in rest)
    assert not prepared.done(first) and any("stopped answering" in e for e in preparer.errors), preparer.errors

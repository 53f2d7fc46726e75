"""The runner: segments of per-document steps through a mapper, whole-run steps over a spool, then commits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
import re
from pathlib import Path

import pandas as pd
import pytest

from cleaning import runner
from cleaning.document import Document, Page
from cleaning.flow import cleaning_steps
from cleaning.runner import CleanOptions, clean_run, run_steps
from cleaning.steps.base import Step
from cleaning.storage.datasets import PartitionedWriter
from cleaning.workers import ProcessMapper
from tests.cleaning.steps.helpers import Numbered, ReadsTwice

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
RUN = "20260101T000000Z_runner"


class Source(Step):
    name = "source"

    def run(self, docs: Iterable[Document] = ()) -> Iterator[Document]:
        for i in range(12):
            yield Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=T0))


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("on_disk", [False, True])
def test_segments_spools_and_counts(tmp_path: Path, workers: int, on_disk: bool, monkeypatch) -> None:
    if on_disk:  # a run larger than the memory budget: its whole-run inputs go to disk
        monkeypatch.setattr(runner, "SPOOL_MEMORY_BYTES", 0)
    first, twice, second = Numbered(drop="1"), ReadsTwice(), Numbered(drop="2")
    second.name = "numbered_again"
    out = list(run_steps([Source(), first, twice, second], ProcessMapper(workers), tmp_path))
    assert [d.page.url.rsplit("/", 1)[1] for d in out] == ["0", "3", "4", "5", "6", "7", "8", "9", "10"]
    counts = lambda step: {k: v for k, v in step.stats.items() if k != "seconds"}  # noqa: E731
    assert counts(first) == {"seen": 12, "dropped/unlucky": 2}  # 1 and 11; the workers' counts came back
    assert counts(twice) == {"first_pass": 10, "second_pass": 10}
    assert counts(second) == {"seen": 10, "dropped/unlucky": 1}  # 2
    assert all(s.stats["seconds"] >= 0 for s in (first, twice, second))  # where the time went, step by step
    assert (tmp_path / "reads_twice.spool").is_file() == on_disk


def test_the_flow_reads_like_the_data_flow(tmp_path: Path) -> None:
    names = [s.name for s in cleaning_steps(tmp_path, RUN, tmp_path / "stage", CleanOptions())]
    assert names == ["read_pages", "extract", "repeated_paragraphs", "language", "hash", "rare_words", "date_order", "dedup",
                     "site_vocabulary", "grammar", "rows", "write"]


def _page(root: Path, url: str, body: bytes, status: int = 200) -> None:
    w = PartitionedWriter(root, "pages", RUN, tag=f"t{abs(hash(url)) % 10**6}")
    w.write({"url": url, "status": status, "fetched_at": T0, "body": body, "kind": "unknown", "site": "a.example",
             "profile": "", "content_type": "text/html; charset=utf-8", "run_id": RUN}, "2026-01-01")
    w.flush()


def test_a_run_commits_rows_duplicates_and_its_report(tmp_path: Path) -> None:
    text = " ".join(f"Sentence {i} about sleep and the heart, with words that differ {i * 7}." for i in range(30))
    html = f"<html lang='en'><head><title>Sleep</title></head><body><article><h1>Sleep</h1><p>{text}</p></article></body></html>"
    _page(tmp_path, "https://a.example/one.html", html.encode())
    _page(tmp_path, "https://a.example/copy.html", html.encode())
    _page(tmp_path, "https://a.example/gone.html", b"<h1>Not found</h1>", status=404)
    report = clean_run(tmp_path, RUN, CleanOptions(grammar_backend="none"))
    assert report.counts["pages"] == 3 and report.counts["articles"] == 1 and report.counts["duplicates"] == 1
    assert report.dropped_reasons == {"http_404": 1}
    assert len(pd.read_parquet(tmp_path / "articles")) == 1
    dup = pd.read_parquet(tmp_path / "duplicates")
    assert list(dup["kind"]) == ["exact"]
    assert not (tmp_path / "_staging").exists()
    again = clean_run(tmp_path, RUN, CleanOptions(grammar_backend="none"))  # idempotent: rows replaced, not added
    assert again.counts == report.counts and len(pd.read_parquet(tmp_path / "articles")) == 1



def test_a_run_held_in_memory_writes_what_a_run_spooled_to_disk_writes(tmp_path: Path, monkeypatch) -> None:
    words = ["sleep", "heart", "liver", "ginseng", "qi", "blood", "tea", "spleen", "kidney", "walking"]
    for i in range(12):
        topic = " ".join(words[(i + k) % len(words)] for k in range(4))
        text = " ".join(f"Sentence {j} says {topic} matter, and patients is often told so {j * (i % 5)}."
                        for j in range(25))
        html = (f"<html lang='en'><head><title>On {topic}</title></head><body><article><h1>On {topic}</h1>"
                f"<p>Published 03/0{1 + i % 3}/2024</p><p>{text}</p></article></body></html>")
        _page(tmp_path / "a", f"https://a.example/{i}.html", html.encode())
        _page(tmp_path / "b", f"https://a.example/{i}.html", html.encode())
    options = CleanOptions(grammar_backend="none")
    held = clean_run(tmp_path / "a", RUN, options)
    monkeypatch.setattr(runner, "SPOOL_MEMORY_BYTES", 0)
    spooled = clean_run(tmp_path / "b", RUN, options)
    assert held.counts == spooled.counts and held.counts["articles"] >= 6 and held.counts["duplicates"] >= 1
    for dataset in ("articles", "duplicates"):
        a, b = (pd.read_parquet(tmp_path / root / dataset).drop(columns=["run_id"], errors="ignore")
                for root in ("a", "b"))
        pd.testing.assert_frame_equal(a.sort_values("url").reset_index(drop=True),
                                      b.sort_values("url").reset_index(drop=True))


@pytest.mark.parametrize("when", ["building the steps", "opening them"])
def test_a_signal_while_the_cleaning_starts_leaves_it_interrupted_not_running(tmp_path: Path, monkeypatch,
                                                                               when: str) -> None:
    """Ctrl-C lands a moment after the manifest says "running" (the steps' libraries are still loading):
    the manifest must not say "running" for ever."""
    import json

    _page(tmp_path, "https://a.example/one.html", b"<html><body><p>Sleep.</p></body></html>")
    if when == "building the steps":
        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt
        monkeypatch.setattr(runner, "cleaning_steps", interrupted)
    else:
        monkeypatch.setattr(Step, "open", lambda self: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        clean_run(tmp_path, RUN, CleanOptions(grammar_backend="none"))
    manifest = json.loads((tmp_path / "_runs" / f"{RUN}.json").read_text())
    assert manifest["cleaning"]["status"] == "interrupted"


# -- progress over the passes, on a fake clock (cleaning/progress.py) ------------------------------------

class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _flow_for_progress(clock: _Clock, progress_ref: list) -> list[Step]:
    """Stand-ins named as the product's steps: a source of 12 pages, a per-page step that drops 2, a
    dedup that thinks for 95 s before its first document, a vocabulary step, grammar, and the sink."""

    class ReadPages(Source):
        name = "read_pages"
        total: int | None = None

        def run(self, docs=()):
            self.total = 12
            yield from super().run(docs)

    class Extract(Numbered):
        name = "extract"

    class Dedup(ReadsTwice):
        name = "dedup"

        def run(self, docs):
            docs = list(docs)
            for _ in range(95):  # deciding: no document comes out; the heartbeat thread would call beat()
                clock.now += 1.0
                progress_ref[0].beat()
            yield from docs

    class Vocabulary(ReadsTwice):
        name = "site_vocabulary"

    class Grammar(Numbered):
        name = "grammar"

        def process(self, doc):
            for _ in range(20):  # slow: 20 s per article, the heartbeat speaking meanwhile
                clock.now += 1.0
                progress_ref[0].beat()
            return doc

    class Write(Step):
        name = "write"

        def run(self, docs):
            for _ in docs:
                pass
            return iter(())

    return [ReadPages(), Extract(drop="1"), Dedup(), Vocabulary(), Grammar(), Write()]


def test_progress_covers_every_pass_and_is_never_silent_longer_than_the_interval(tmp_path: Path, caplog) -> None:
    import logging

    from cleaning.progress import RunProgress

    clock, ref = _Clock(), []
    times: list[float] = []

    class Stamp(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            times.append(clock.now)

    handler = Stamp()
    logging.getLogger("cleaning.progress").addHandler(handler)
    caplog.set_level(logging.INFO, logger="cleaning.progress")
    try:
        progress = RunProgress("cleaning r", None, interval=30, workers=1, clock=clock)
        ref.append(progress)
        steps = _flow_for_progress(clock, ref)
        progress.begin("prepare")
        list(run_steps(steps, ProcessMapper(1), tmp_path, progress))
        progress.begin("write")
    finally:
        logging.getLogger("cleaning.progress").removeHandler(handler)
    messages = [r.getMessage() for r in caplog.records if r.name == "cleaning.progress"]
    passes = [m.group(1) for m in (re.search(r"pass \d/5 (\w+)", line) for line in messages) if m]
    assert [p for i, p in enumerate(passes) if p not in passes[:i]] == ["prepare", "dedup", "vocabulary", "grammar",
                                                                       "write"]
    assert max(b - a for a, b in zip(times, times[1:])) <= 30  # dedup's 95 s and grammar's 200 s included
    p = progress.passes
    assert (p["prepare"].total, p["prepare"].done, p["prepare"].passed_on) == (12, 12, 10)  # 1 and 11 dropped
    assert p["dedup"].total == 10 and p["grammar"].total == 10 and p["grammar"].done == 10
    grammar_lines = [line for line in messages if "pass 4/5 grammar: " in line and "documents" in line]
    assert grammar_lines and "to go in all (passes grammar, write)" in grammar_lines[0]

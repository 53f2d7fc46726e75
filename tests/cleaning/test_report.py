"""The run report and the runs index, on a small run written with the real writers."""

import re
from collections import Counter
from pathlib import Path

import pytest

from cleaning.report import gather, render_all, render_index, render_report
from cleaning.report.data import Edit
from cleaning.report.scan import DistinctCounter
from cleaning.report.scan import Smallest as _Smallest
from cleaning.report.index import index_rows
from cleaning.report.run import edit_passages, quantile, word_histogram
from cleaning.storage.datasets import OutputError, PartitionedWriter, dataset_files
from cleaning.storage.manifests import RunManifestFile
from tests.support.small_run import BODY_A1, RUN
from tests.support.small_run import write_small_run as _write_run


def test_duration_rates_and_status(tmp_path: Path):
    _write_run(tmp_path)
    f = gather(tmp_path, RUN)
    assert (f.duration_s, f.crawl_s, f.clean_s) == (100.0, 50.0, 25.0)
    assert f.pages == 5 and f.articles == 4
    assert f.pages_per_s == pytest.approx(5 / 50) and f.articles_per_s == pytest.approx(4 / 100)
    assert f.status == "succeeded" and f.reason == "crawl ended: finished; cleaning: committed"
    assert (f.new_articles, f.new_versions, f.unchanged) == (3, 1, 0)
    m = RunManifestFile.open(tmp_path, RUN)
    m.update(crawl_stats={**m.data["crawl_stats"], "health/incremental/not_modified": 7},
             cleaning={**m.data["cleaning"], "counts": {**m.data["cleaning"]["counts"], "unchanged": 2}})
    assert gather(tmp_path, RUN).unchanged == 9  # not re-fetched, or fetched with the same text


def test_a_resumed_run_counts_its_attempts_not_the_pause(tmp_path: Path):
    _write_run(tmp_path)
    RunManifestFile.open(tmp_path, RUN).update(attempts=[
        {"started_at": "2026-01-01T00:00:00+00:00", "finished_at": "2026-01-01T00:01:00+00:00"},
        {"started_at": "2026-01-01T02:00:00+00:00", "finished_at": "2026-01-01T02:00:40+00:00"}])
    f = gather(tmp_path, RUN)
    assert f.duration_s == 100.0 and f.articles_per_s == pytest.approx(0.04)
    assert index_rows(tmp_path)[0].duration_s == 100.0


def test_completeness_per_column_and_flags(tmp_path: Path):
    _write_run(tmp_path)
    f = gather(tmp_path, RUN)
    c = {x.column: x for x in f.completeness}
    assert (c["title"].filled, c["title"].total) == (3, 4)  # an empty title is not a title
    assert c["published_date"].filled == 3
    assert c["published_date"].breakdown == Counter({"meta": 2, "(source not recorded)": 1, "(no date)": 1})
    assert c["updated_date"].filled == 0
    assert c["language"].filled == 3 and c["language"].breakdown["und"] == 1
    assert c["hot_picks"].filled == 2  # two articles show a block; three entries in all
    assert c["grammar_status"].filled == 2
    assert c["grammar_status"].breakdown == Counter({"fixed": 1, "unchanged": 1, "skipped:language=zh": 1, "error": 1})
    assert (f.flagged, c["flags"].filled) == (2, 2)
    assert f.flags == Counter({"too_short": 1, "no_date": 1, "truncated": 1})
    assert c["title"].share == 0.75


def test_a_run_without_articles_says_so(tmp_path: Path):
    run = "20260103T000000Z_empty0"
    RunManifestFile.open(tmp_path, run).finish("failed", problems=["no page was fetched and stored"])
    f = gather(tmp_path, run)
    assert f.articles == 0 and all(c.share is None for c in f.completeness) and f.sample == []
    html = render_report(tmp_path, run).read_text()
    assert "no article in this run" in html and "no page was fetched and stored" in html and "badge bad" in html


def test_word_count_distribution(tmp_path: Path):
    _write_run(tmp_path)
    f = gather(tmp_path, RUN)
    assert f.word_counts == Counter({14: 1, 120: 1, 600: 1, 2500: 1})
    bins = dict(word_histogram(f.word_counts))
    assert bins["1–50"] == 1 and bins["100–200"] == 1 and bins["500–750"] == 1 and bins["2k–3k"] == 1
    assert sum(bins.values()) == 4
    assert [quantile(f.word_counts, q) for q in (0, 0.5, 0.9, 1)] == [14, 120, 2500, 2500]
    assert quantile(Counter(), 0.5) is None


def test_sample_shows_edits_and_duplicates_with_their_evidence(tmp_path: Path):
    _write_run(tmp_path)
    sample = {a.article_id: a for a in gather(tmp_path, RUN).sample}
    assert set(sample) == {"a1", "b2", "c3", "d4"}
    a1, b2 = sample["a1"], sample["b2"]
    assert a1.why == "edited" and [e.original for e in a1.edits] == ["Teh", " Sleep well."]
    assert a1.body_original == BODY_A1
    assert [(d.url, d.kind, round(d.similarity, 2)) for d in a1.duplicates] == [("https://e.org/a1-copy", "near", 0.91)]
    assert b2.why == "duplicated" and [(d.kind, d.article_id) for d in b2.duplicates] == [("url", "b2u")]
    failures = {reason: sorted(urls) for reason, urls in gather(tmp_path, RUN).failures.items()}
    assert failures == {"http_404": ["https://e.org/<script>", "https://e.org/gone"],
                        "TimeoutError": ["https://e.org/slow"]}


def test_edit_passages_show_a_readable_diff():
    edits = [Edit(BODY_A1.index("Teh"), 3, "Teh", "The", "R1", "spelling", "offline"),
             Edit(BODY_A1.rindex(" Sleep well."), 12, " Sleep well.", "", "R2", "repetition", "offline")]
    [passage] = edit_passages(BODY_A1, edits)  # close together: one passage
    assert re.search(r"<del[^>]*>Teh</del><ins[^>]*>The</ins> body", passage)
    assert re.search(r"Sleep well\.<del[^>]*> Sleep well\.</del> Walk", passage)
    # far apart: one passage each, with context around each edit and an ellipsis where text is cut
    text = "a" * 300 + "X" + "b" * 300 + "<Y>" + "c" * 300
    far = edit_passages(text, [Edit(300, 1, "X", "x", "", "", "offline"), Edit(601, 3, "<Y>", "&", "", "", "offline")], context=10)
    assert len(far) == 2 and far[0].startswith("…aaaaaaaaaa<del") and far[0].endswith("bbbbbbbbbb…")
    assert "<del>&lt;Y&gt;</del><ins>&amp;</ins>" in far[1].replace(" title='&#x27; ()'", "").replace(
        " title=' ()'", "")
    # a change of whitespace alone is visible
    [space] = edit_passages("a ,b", [Edit(1, 1, " ", "", "", "", "offline"), Edit(3, 0, "", " ", "", "", "offline")])
    assert re.search(r"a<del[^>]*>␣</del>,<ins[^>]*>␣</ins>b", space)
    # an edit that does not match the text is shown apart, marked, not misplaced
    [marked] = edit_passages("hello world", [Edit(0, 5, "howdy", "hi", "", "", "offline")])
    assert "does not match" in marked and "<del>howdy</del>" in marked


def test_report_is_self_contained_escaped_and_linked(tmp_path: Path):
    _write_run(tmp_path)
    report, index = render_all(tmp_path, RUN)
    html = report.read_text()
    assert report.name == f"{RUN}.html" and index.name == "index.html"
    assert "<script" not in html and "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""\bsrc\s*=|<link\b|@import|url\(""", html)  # nothing to load
    for title in ("Completeness of the articles", "Word counts", "Sample of articles", "Failures by reason",
                  "Pages by HTTP status", "Grammar edits by category", "Duplicates by kind", "Extraction paths"):
        assert title in html
    assert "Water &lt;and&gt; sleep" in html and "<and>" not in html  # page text is escaped
    assert '<a href="https://e.org/slow"' in html and '<a href="https://e.org/&lt;script&gt;"' in html
    assert '<a href="https://e.org/a1-copy"' in html and "0.910" in html
    assert "100.0s" not in html and "1m 40s" in html and "0.10" in html  # duration, pages/s
    assert "href=\"index.html\"" in html


def test_only_web_urls_become_links(tmp_path: Path):
    _write_run(tmp_path)
    m = RunManifestFile.open(tmp_path, RUN)
    m.update(failed_urls={"javascript:alert(1)": "weird", "https://ok.example/": "http_500"})
    html = render_report(tmp_path, RUN).read_text()
    assert 'href="javascript' not in html and "javascript:alert(1)" in html
    assert '<a href="https://ok.example/"' in html


def test_sample_is_bounded_and_stable_on_a_bigger_run(tmp_path: Path):
    run = "20260102T000000Z_big000"
    w = PartitionedWriter(tmp_path, "articles", run, rows_per_file=100)  # 7 files
    rows = [(f"{(i * 7919) % 1000:04x}", i % 3) for i in range(700)]
    for i, (aid, n_edits) in enumerate(rows):
        w.write({"article_id": aid, "version": 1, "url": f"https://e.org/{i}", "body_original": f"text of {aid}",
                 "grammar_edit_count": n_edits, "word_count": 20, "run_id": run}, "2026-01-02")
    w.flush()
    RunManifestFile.open(tmp_path, run).finish("succeeded")
    f = gather(tmp_path, run)
    assert f.articles == 700 and len(f.sample) == 10  # 4 edited; no duplicates here, so 6 others fill it
    edited = [a.article_id for a in f.sample if a.why == "edited"]
    assert edited == sorted(aid for aid, n in rows if n)[:4]  # the smallest ids: a stable, fair draw
    assert all(a.body_original == f"text of {a.article_id}" for a in f.sample)  # each body from its own row
    assert [a.article_id for a in f.sample] == [a.article_id for a in gather(tmp_path, run).sample]


def test_distinct_counter_turns_approximate_past_its_cap():
    small = DistinctCounter(cap=10)
    small.update(["a", "b", "a"])
    assert small.count() == 2 and not small.approximate
    big = DistinctCounter(cap=100)
    for start in range(0, 5000, 500):
        big.update([str(i) for i in range(start, start + 500)] + ["1", "2"])
    assert big.approximate and abs(big.count() - 5000) < 250


def test_smallest_keeps_the_k_smallest_keys():
    s = _Smallest(3)
    for key in ["d", "a", "e", "c", "a", "b", "f"]:
        s.offer(key, key.upper())
    assert s.items() == [("a", "A"), ("b", "B"), ("c", "C")]


def test_report_for_a_missing_run_names_the_manifest(tmp_path: Path):
    with pytest.raises(OutputError, match="nope.json"):
        render_report(tmp_path, "nope")


def test_a_damaged_dataset_file_is_named_and_left_in_place(tmp_path: Path):
    _write_run(tmp_path)
    [bad] = dataset_files(tmp_path, "articles", RUN)
    bad.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(OutputError, match=re.escape(bad.name)):
        render_report(tmp_path, RUN)
    assert bad.read_bytes() == b"PAR1 not really parquet" and not (tmp_path / "_runs" / f"{RUN}.html").exists()


def _manifest(root: Path, run: str, articles: int, failures: int, status: str = "succeeded") -> None:
    m = RunManifestFile.open(root, run)
    m.start(kind="crawl")
    m.finish(status, failed_urls={f"https://e.org/f{i}": "http_500" for i in range(failures)},
             crawl_stats={"health/pages/stored": articles + 5},
             cleaning={"counts": {"articles": articles, "new_versions": 2, "duplicates": 3, "grammar_edits": articles // 10}})
    start, end = (f"{run[:4]}-{run[4:6]}-{run[6:8]}T03:{minute}:00+00:00" for minute in ("00", "10"))
    m.update(started_at=start, finished_at=end, attempts=[{"started_at": start, "finished_at": end}])


def test_index_lists_runs_newest_first_with_trends_and_marks_outliers(tmp_path: Path):
    _write_run(tmp_path)  # 20260101: 4 articles
    for day, articles, failures in (("02", 100, 1), ("03", 110, 0), ("04", 90, 2), ("05", 30, 40)):
        _manifest(tmp_path, f"202601{day}T030000Z_run{day}", articles, failures)
    render_report(tmp_path, RUN)
    rows = index_rows(tmp_path)
    assert [r.run_id for r in rows][0] == RUN and [r.articles for r in rows] == [4, 100, 110, 90, 30]
    assert rows[-1].failures == 40 and rows[-1].duration_s == 600 and rows[-1].new_versions == 2
    html = render_index(tmp_path).read_text()
    assert html.index("run05") < html.index("run04") < html.index(RUN)  # newest first
    assert f'<a href="{RUN}.html">' in html and 'href="20260105T030000Z_run05.html"' not in html  # no report yet
    last = html[html.index("20260105T030000Z_run05"):html.index("20260104T030000Z_run04")]
    # pages and articles fell to a third of the median of the runs before, failures jumped
    assert re.findall(r"⚠ (\d+)", last) == ["35", "30", "40"]
    assert "⚠" not in html[html.index("20260104T030000Z_run04"):]  # ordinary weeks are not marked
    assert "<polyline" in html and "<script" not in html and "Content-Security-Policy" in html


def test_an_incremental_week_is_not_marked_for_its_few_rows(tmp_path: Path):
    for day in ("02", "03", "04"):
        _manifest(tmp_path, f"202601{day}T030000Z_run{day}", 100, 0)
    _manifest(tmp_path, "20260105T030000Z_run05", 3, 0)
    RunManifestFile.open(tmp_path, "20260105T030000Z_run05").update(crawl_stats={
        "health/pages/stored": 105, "health/incremental/not_modified": 60, "health/incremental/unchanged_lastmod": 37})
    rows = index_rows(tmp_path)
    assert rows[-1].unchanged == 97
    html = render_index(tmp_path).read_text()
    assert "far from the median" not in html  # 3 written + 97 unchanged is an ordinary week


def test_index_without_runs(tmp_path: Path):
    assert "no run yet" in render_index(tmp_path).read_text()


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from cleaning.__main__ import main

    _write_run(tmp_path)
    assert main(["report", RUN, "--output-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / "_runs" / f"{RUN}.html"),
                                               str(tmp_path / "_runs" / "index.html")]
    assert main(["report", "--output-dir", str(tmp_path)]) == 0  # the index alone
    assert main(["report", "nope", "--output-dir", str(tmp_path)]) == 2
    assert "nope.json" in capsys.readouterr().err


def test_the_report_says_where_the_cleanings_time_went(tmp_path: Path):
    _write_run(tmp_path)
    m = RunManifestFile.open(tmp_path, RUN)
    steps = {"read_pages": {"seconds": 0.5}, "extract": {"seconds": 3.0, "body_source/generic": 1},
             "grammar": {"seconds": 6.5}}
    m.update(cleaning={**m.data["cleaning"], "steps": steps,
                       "counts": {**m.data["cleaning"]["counts"], "prepared_while_crawling": 4}})
    f = gather(tmp_path, RUN)
    assert f.step_seconds == {"read_pages": 0.5, "extract": 3.0, "grammar": 6.5}
    html = render_report(tmp_path, RUN).read_text(encoding="utf-8")
    section = html.split("Where the cleaning's time went", 1)[1]
    assert re.search(r"grammar</td><td class='n'>6\.50</td><td>.*?65%", section)
    assert "4 pages went through the first steps" in section


def test_a_resumed_runs_pages_in_the_index_are_all_its_attempts(tmp_path: Path) -> None:
    """The last attempt of a run resumed after a kill stores only what was left: the index counts the run's pages."""
    from cleaning.report.index import run_row

    manifest = {"run_id": "20260101T000000Z_aaaaaa", "status": "succeeded",
                "crawl_stats": {"health/pages/stored": 1},
                "cleaning": {"status": "committed", "counts": {"pages": 20, "articles": 15}}}
    assert run_row(manifest, tmp_path).pages == 20
    del manifest["cleaning"]  # not cleaned (yet): what the crawl stored
    assert run_row(manifest, tmp_path).pages == 1


def test_grammar_edits_are_marked_by_their_rate_per_article_written(tmp_path: Path):
    for day in ("02", "03", "04"):
        _manifest(tmp_path, f"202601{day}T030000Z_run{day}", 100, 0)  # 10 edits per 100 articles
    _manifest(tmp_path, "20260105T030000Z_run05", 100, 0)
    RunManifestFile.open(tmp_path, "20260105T030000Z_run05").update(
        cleaning={"counts": {"articles": 100, "grammar_edits": 0}})  # a backend that fixed nothing
    html = render_index(tmp_path).read_text()
    last = html[html.index("20260105T030000Z_run05"):html.index("20260104T030000Z_run04")]
    assert re.findall(r"⚠ (\d+)", last) == ["0"]

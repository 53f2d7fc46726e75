"""A small stored run (pages, articles, hot picks, duplicates, grammar edits, a finished manifest), written
with the product's own writers. Figures the report tests expect follow from the rows below."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from cleaning.storage.datasets import PartitionedWriter
from cleaning.storage.manifests import RunManifestFile

RUN = "20260101T000000Z_abc123"

# Article "a1" has two grammar edits: "teh" -> "the", and a repeated clause removed.
BODY_A1 = "Drink water every day. Teh body needs it. Sleep well. Sleep well. Walk often."
EDITS_A1 = [(BODY_A1.index("Teh"), 3, "Teh", "The", "MORFOLOGIK_RULE_EN_US", "spelling"),
            (BODY_A1.rindex(" Sleep well."), 12, " Sleep well.", "", "MT_REPEATED_CLAUSE", "repetition")]
# (article_id, version, title, published_date, language, word_count, flags, grammar_status, edit count, body)
ARTICLES = [
    ("a1", 1, "Water <and> sleep", date(2023, 1, 1), "en", 14, [], "fixed", 2, BODY_A1),
    ("b2", 2, "Walking", date(2023, 1, 2), "en", 120, ["too_short"], "unchanged", 0, "Walk every day."),
    ("c3", 1, "", None, "zh", 600, [], "skipped:language=zh", 0, "多喝水。"),
    ("d4", 1, "Heart health", date(2023, 1, 4), "und", 2500, ["no_date", "truncated"], "error:timeout", 0,
     "Heart."),
]
# (url, the copy's article_id, duplicate_of, kind, similarity)
DUPLICATES = [("https://e.org/a1-copy", "x9", "a1", "near", 0.91), ("https://e.org/b2?utm=1", "b2u", "b2", "url", 1.0)]
FAILED = {"https://e.org/slow": "TimeoutError", "https://e.org/gone": "http_404",
          "https://e.org/<script>": "http_404"}


def write_small_run(root: Path) -> None:
    pages = PartitionedWriter(root, "pages", RUN, rows_per_file=2)
    for i, status in enumerate([200, 200, 404, 500, 200]):
        pages.write({"url": f"https://e.org/{i}", "status": status, "fetched_at": datetime.now(timezone.utc),
                     "run_id": RUN}, "2026-01-01")
    pages.flush()
    articles = PartitionedWriter(root, "articles", RUN)
    for aid, version, title, published, lang, words, flags, status, n_edits, body in ARTICLES:
        articles.write({"article_id": aid, "version": version, "url": f"https://e.org/{aid}", "site": "demo",
                        "title": title, "published_date": published,
                        "date_source": "meta" if published and aid != "b2" else None, "language": lang, "word_count": words,
                        "flags": flags, "grammar_status": status, "grammar_edit_count": n_edits,
                        "body_original": body, "body": body, "run_id": RUN}, "2026-01-01")
    articles.flush()
    edits = PartitionedWriter(root, "grammar_edits", RUN)
    for offset, length, original, replacement, rule, category in EDITS_A1:
        edits.write({"article_id": "a1", "version": 1, "offset": offset, "length": length, "original": original,
                     "replacement": replacement, "rule_id": rule, "category": category, "backend": "rules",
                     "run_id": RUN}, "2026-01-01")
    edits.flush()
    dups = PartitionedWriter(root, "duplicates", RUN)
    for url, aid, of, kind, sim in DUPLICATES:
        dups.write({"url": url, "article_id": aid, "duplicate_of": of, "kind": kind, "similarity": sim,
                    "run_id": RUN}, "2026-01-01")
    dups.flush()
    picks = PartitionedWriter(root, "hot_picks", RUN)
    for aid, rank in (("a1", 1), ("a1", 2), ("b2", 1)):
        picks.write({"article_id": aid, "version": 1, "rank": rank, "title": "t", "url": "https://e.org/p",
                     "run_id": RUN}, "2026-01-01")
    picks.flush()
    m = RunManifestFile.open(root, RUN)
    m.start(kind="crawl", site="demo")
    m.finish("succeeded", close_reason="finished",
             crawl_stats={"health/failed/TimeoutError": 1, "health/failed/http_404": 2, "elapsed_time_seconds": 50.0,
                          "health/pages/stored": 5},
             failed_urls=FAILED,
             cleaning={"status": "committed", "seconds": 25.0,
                       "counts": {"articles": 4, "pages": 5, "duplicates": 2, "grammar_edits": 2, "new_versions": 1},
                       "dropped_reasons": {"http_404": 1},
                       "steps": {"extract": {"body_source/profile": 3, "body_source/generic": 1}}})
    # fixed times, so the duration (100 s) and the rates follow from the rows
    start, end = "2026-01-01T00:00:00+00:00", "2026-01-01T00:01:40+00:00"
    m.update(started_at=start, finished_at=end, attempts=[{"started_at": start, "finished_at": end,
                                                           "status": "succeeded"}])

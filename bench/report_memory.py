"""What rendering the run report costs, in memory and time, next to reading the run's articles whole.

    python bench/report_memory.py [--articles 20000] [--body-words 400]

A synthetic run (articles with bodies of `--body-words` words, a third with grammar edits, hot picks, a
few duplicates) is written with the product's own writers, in files of 5,000 rows as cleaning writes
them. Then, each in a fresh process so peaks do not mix:

- baseline: `pyarrow.dataset(...).to_table()` of the run's articles (what a naive report would do);
- report:   `cleaning.report.render_report` (every figure, the sample, the HTML).

Reported: peak resident memory (ru_maxrss) and seconds of each, and their ratios. The report's peak
should stay near the interpreter's own footprint as the run grows, while the baseline grows with it.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RUN = "20260101T000000Z_bench"
WORDS = "water sleep heart walk fever doctor blood sugar salt lung bone skin".split()


def write_run(root: Path, articles: int, body_words: int) -> None:
    from cleaning.storage.datasets import PartitionedWriter
    from cleaning.storage.manifests import RunManifestFile

    rng = random.Random(7)
    art = PartitionedWriter(root, "articles", RUN)
    edits = PartitionedWriter(root, "grammar_edits", RUN)
    picks = PartitionedWriter(root, "hot_picks", RUN)
    dups = PartitionedWriter(root, "duplicates", RUN)
    for i in range(articles):
        aid = f"{rng.getrandbits(64):016x}"
        body = " ".join(rng.choice(WORDS) for _ in range(body_words))
        n_edits = 2 if i % 3 == 0 else 0
        art.write({"article_id": aid, "version": 1, "url": f"https://e.org/{i}", "site": "bench", "title": f"T {i}",
                   "published_date": date(2024, 1, 1 + i % 28) if i % 10 else None, "language": "en",
                   "word_count": body_words + i % 50, "flags": ["too_short"] if i % 17 == 0 else [],
                   "grammar_status": "fixed" if n_edits else "unchanged", "grammar_edit_count": n_edits,
                   "body": body, "body_original": body, "run_id": RUN}, "2026-01-01")
        for k in range(n_edits):
            edits.write({"article_id": aid, "version": 1, "offset": 6 * k, "length": 5, "original": body[6 * k:6 * k + 5],
                         "replacement": "fixed", "rule_id": "R", "category": "spelling", "run_id": RUN}, "2026-01-01")
        for rank in range(1, 4):
            picks.write({"article_id": aid, "version": 1, "rank": rank, "title": "p", "url": "https://e.org/p",
                         "run_id": RUN}, "2026-01-01")
        if i % 50 == 0:
            dups.write({"url": f"https://e.org/{i}?copy", "article_id": f"c{i}", "duplicate_of": aid, "kind": "near",
                        "similarity": 0.9, "run_id": RUN}, "2026-01-01")
    for w in (art, edits, picks, dups):
        w.flush()
    m = RunManifestFile.open(root, RUN)
    m.start(kind="crawl", site="bench")
    m.finish("succeeded", cleaning={"counts": {"articles": articles}})


def measure(mode: str, root: str) -> None:
    started = time.perf_counter()
    if mode == "baseline":
        import pyarrow.dataset as ds

        table = ds.dataset(f"{root}/articles", format="parquet").to_table()
        assert table.num_rows
    else:
        from cleaning.report import render_report

        render_report(Path(root), RUN)
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--body-words", type=int, default=400)
    parser.add_argument("--measure", choices=("baseline", "report"), help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure, args.root)
    with tempfile.TemporaryDirectory() as tmp:
        write_run(Path(tmp), args.articles, args.body_words)
        size = sum(p.stat().st_size for p in Path(tmp, "articles").rglob("*.parquet")) / 2**20
        results = {}
        for mode in ("baseline", "report"):
            out = subprocess.run([sys.executable, __file__, "--measure", mode, "--root", tmp], check=True,
                                 capture_output=True, text=True, cwd=REPO).stdout
            results[mode] = json.loads(out.strip().splitlines()[-1])
    b, r = results["baseline"], results["report"]
    print(f"{args.articles} articles of {args.body_words} words ({size:.0f} MB of articles files, "
          f"{datetime.now(timezone.utc):%Y-%m-%d})")
    print(f"baseline (read articles whole): peak {b['peak_mb']:.0f} MB, {b['seconds']:.2f} s")
    print(f"report (render_report):         peak {r['peak_mb']:.0f} MB, {r['seconds']:.2f} s")
    print(f"ratios report/baseline: memory {r['peak_mb'] / b['peak_mb']:.2f}, time {r['seconds'] / b['seconds']:.2f}")


if __name__ == "__main__":
    main()

"""Body-extraction quality on the dev set: the product next to plain trafilatura, one run.

    python bench/extract_eval.py [--dir ../shared/eval/extraction-dev] [--per-page]

Metric (the set's README): word tokens are runs of \\w (Unicode, case kept); 4-token shingles
of the true and the predicted body are compared as multisets; per page tp/fp/fn are normalised
to sum to 1; precision and recall are the means over pages of tp/(tp+fp) and tp/(tp+fn) (a page
where both texts are empty scores 1); F1 is the harmonic mean of the two means.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction-dev"
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def page_scores(true: str, pred: str) -> tuple[float, float]:
    """(precision, recall) of one page."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0  # both empty
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def summary(scores: list[tuple[float, float]]) -> tuple[float, float, float]:
    precision = sum(s[0] for s in scores) / len(scores)
    recall = sum(s[1] for s in scores) / len(scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def load(folder: Path) -> list[tuple[str, str, str, str]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    rows = []
    for pid in sorted(truth):
        html = gzip.decompress((folder / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8")
        rows.append((pid, truth[pid].get("url"), html, truth[pid]["articleBody"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--per-page", action="store_true", help="print per-page F1 of both systems")
    args = ap.parse_args(argv)

    import trafilatura

    from cleaning.extract import extract

    rows = load(args.dir)
    systems = {
        "cleaning.extract": lambda html, url: extract(html, url).body,
        "trafilatura.extract": lambda html, url: trafilatura.extract(html, url=url) or "",
    }
    results = {}
    per_page = {}
    for name, fn in systems.items():
        scores, start = [], time.perf_counter()
        for pid, url, html, true in rows:
            s = page_scores(true, fn(html, url))
            scores.append(s)
            per_page.setdefault(pid, {})[name] = s
        results[name] = (*summary(scores), time.perf_counter() - start)
    print(f"pages: {len(rows)}  ({args.dir})")
    print(f"{'system':<22}{'F1':>8}{'precision':>11}{'recall':>9}{'seconds':>9}")
    for name, (f1, p, r, secs) in results.items():
        print(f"{name:<22}{f1:>8.4f}{p:>11.4f}{r:>9.4f}{secs:>9.1f}")
    if args.per_page:
        print("\nper page (precision/recall): product | trafilatura")
        for pid, s in per_page.items():
            a, b = s["cleaning.extract"], s["trafilatura.extract"]
            mark = "  <" if (a[0] + a[1]) < (b[0] + b[1]) - 0.02 else ("  >" if (a[0] + a[1]) > (b[0] + b[1]) + 0.02 else "")
            print(f"{pid}  {a[0]:.3f}/{a[1]:.3f} | {b[0]:.3f}/{b[1]:.3f}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

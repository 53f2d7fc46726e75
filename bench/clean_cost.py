"""What cleaning costs, next to extraction alone: one process cleans real pages; trafilatura.extract alone
runs over the same HTML; same run.

    python bench/clean_cost.py [--dir ../shared/eval/extraction-dev] [--rounds 3] [--backend auto]

The pages are the extraction dev set's (real news and blog pages), stored as a crawl stores them (raw
bytes in a `pages` dataset). Each round times, on one core:

- `trafilatura.extract(html)` over every page (the baseline: what a user would run instead);
- `cleaning.runner.clean_run(..., workers=1)` over the stored pages: read pages, extract, repeated
  paragraphs, language, hash, rare words, dedup, site vocabulary, grammar, rows, write, commit; with the default
  grammar backend (`auto`: LanguageTool when installed, else offline), or `--backend`; a fresh grammar
  cache each round, so no answer is reused.

Reported: the fastest round of each, the ratio (target <= 2.0, issue 15), and the cleaning's seconds
step by step (each step's own time, from the run manifest) so the rest of the cost has a name.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction-dev"
RUN = "20260101T000000Z_cost"


def load(directory: Path) -> list[tuple[str, bytes]]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for name, entry in sorted(truth.items()):
        path = directory / "html" / f"{name}.html.gz"
        if path.is_file():
            pages.append((entry.get("url") or f"https://example.org/{name}", gzip.decompress(path.read_bytes())))
    return pages


def store(root: Path, pages: list[tuple[str, bytes]]) -> None:
    from cleaning.storage.datasets import PartitionedWriter

    writer = PartitionedWriter(root, "pages", RUN, tag="bench", rows_per_file=50)
    fetched = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for url, body in pages:
        writer.write({"url": url, "status": 200, "fetched_at": fetched, "site": "bench", "kind": "unknown",
                      "content_type": "text/html", "body": body, "profile": "", "run_id": RUN}, "2026-01-01")
    writer.flush()


def time_trafilatura(pages: list[tuple[str, bytes]]) -> float:
    import trafilatura

    texts = [body.decode("utf-8", "replace") for _, body in pages]  # the dev pages are UTF-8
    started = time.process_time()
    for (url, _), html in zip(pages, texts):
        trafilatura.extract(html, url=url)
    return time.process_time() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_cleaning(root: Path, backend: str) -> tuple[float, dict, str]:
    from cleaning.runner import CleanOptions, clean_run

    for name in ("articles", "hot_picks", "duplicates", "grammar_edits", "_state", "_runs"):
        shutil.rmtree(root / name, ignore_errors=True)
    options = CleanOptions.from_settings({"HEALTH_GRAMMAR_BACKEND": backend, "HEALTH_CLEAN_WORKERS": 1})
    # The CPU of the child processes counts too: a local LanguageTool server is a child of this process,
    # started and waited for inside clean_run (a figure without it would leave out the grammar's work).
    started = time.process_time() + _children_cpu()
    report = clean_run(root, RUN, options)
    seconds = time.process_time() + _children_cpu() - started
    steps = {name: round(stats.get("seconds", 0.0), 3) for name, stats in report.steps.items()}
    return seconds, steps, report.grammar_backend


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backend", default="auto", help="HEALTH_GRAMMAR_BACKEND (default: auto, as users run it)")
    args = ap.parse_args(argv)
    if not args.dir.is_dir():
        print(f"{args.dir} is absent: the shared evaluation pages are not beside this checkout", file=sys.stderr)
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trafilatura  # noqa: F401

        import cleaning.extract  # noqa: F401 - both sides start with their libraries loaded
    pages = load(args.dir)
    best_t, best_c, best_steps, backend = float("inf"), float("inf"), {}, ""
    with tempfile.TemporaryDirectory(prefix="clean-cost-") as tmp:
        root = Path(tmp)
        store(root, pages)
        time_cleaning(root, args.backend)  # warm-up: models loaded, caches of the libraries filled
        for r in range(args.rounds):
            t = time_trafilatura(pages)
            c, steps, backend = time_cleaning(root, args.backend)
            print(f"round {r + 1}: trafilatura {t:.2f} s, cleaning {c:.2f} s ({c / t:.2f}x)", flush=True)
            best_t = min(best_t, t)
            if c < best_c:
                best_c, best_steps = c, steps
    print(f"\n{len(pages)} pages; CPU seconds (child processes such as a local LanguageTool server included), fastest of {args.rounds} rounds; grammar backend: {backend}")
    print("| what | seconds | ratio to trafilatura.extract |")
    print("| --- | ---: | ---: |")
    print(f"| trafilatura.extract alone | {best_t:.2f} | 1.00x |")
    print(f"| cleaning, one process (clean_run, workers=1) | {best_c:.2f} | {best_c / best_t:.2f}x |")
    print("\nwhere the cleaning's time goes (each step's own seconds, same round):")
    print("| step | seconds | share |")
    print("| --- | ---: | ---: |")
    total = sum(best_steps.values()) or 1.0
    for name, seconds in best_steps.items():
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    print(f"| (runner: spools, commit, start) | {max(best_c - total, 0):.2f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The run's cleaning reading a crawl's stored pages again: with their HTML, and without it where the crawl
already prepared them (issue 15: what a crawl's end costs on real-size pages).

    python bench/read_pages.py [--pages 2000] [--dir ../shared/eval/extraction-dev] [--rounds 2]

A `pages` dataset of `--pages` rows (50 a part file, as the crawl writes them) is built in a temporary folder
from the extraction dev set's real HTML (~150 KB a page, repeated), then `ReadPages` (the flow's source step)
reads it whole, and reading it with every part file marked prepared (`skip_bodies_of`), taking turns
`--rounds` times; each one's fastest run counts.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cleaning.steps.read_pages import ReadPages  # noqa: E402
from cleaning.storage.datasets import PartitionedWriter, dataset_files  # noqa: E402

RUN = "20260101T000000Z_readbench"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction-dev"


def build(root: Path, html_dir: Path, pages: int) -> int:
    htmls = [gzip.decompress(p.read_bytes()) for p in sorted((html_dir / "html").glob("*.html.gz"))]
    if not htmls:
        raise SystemExit(f"no pages under {html_dir / 'html'}")
    writer = PartitionedWriter(root, "pages", RUN, tag="crawl", rows_per_file=50)
    fetched = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in range(pages):
        writer.write({"url": f"https://site.example/a/{i}", "status": 200, "fetched_at": fetched, "site": "site",
                      "kind": "unknown", "content_type": "text/html", "body": htmls[i % len(htmls)], "run_id": RUN},
                     "2026-01-01")
    writer.flush()
    return sum(p.stat().st_size for p in dataset_files(root, "pages", RUN))


def read_all(root: Path, prepared: bool) -> tuple[int, float, float]:
    step = ReadPages(root, RUN)
    if prepared:
        step.skip_bodies_of(lambda part: True)
    wall, cpu = time.perf_counter(), time.process_time()
    n = sum(1 for _ in step.run())
    return n, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = build(root, args.dir, args.pages)
        best = {False: (0, float("inf"), float("inf")), True: (0, float("inf"), float("inf"))}
        for _ in range(args.rounds):
            for prepared in (False, True):
                got = read_all(root, prepared)
                if got[1] < best[prepared][1]:
                    best[prepared] = got
    print(f"{args.pages} pages, {size / 1e6:.1f} MB of Parquet on disk; fastest of {args.rounds} rounds")
    print("| read | pages | wall s | CPU s | ms a page |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for prepared, label in ((False, "with the HTML (nothing prepared)"), (True, "prepared: without the HTML")):
        n, wall, cpu = best[prepared]
        print(f"| {label} | {n} | {wall:.2f} | {cpu:.2f} | {1000 * wall / max(n, 1):.3f} |")
    print(f"ratio: {best[True][1] / best[False][1]:.2f}")


if __name__ == "__main__":
    main()

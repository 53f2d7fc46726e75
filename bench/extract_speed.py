"""Extraction time: cleaning.extract vs plain trafilatura.extract on the same pages, one run.

    python bench/extract_speed.py [--dir ../shared/eval/extraction-dev] [--rounds 5] [--demo]

Pages: the extraction dev set's HTML (as str), plus with --demo the demo site's article pages. Both
systems get a warm-up pass; then `rounds` rounds in which every page is extracted by both systems
one after the other (who goes first swaps every round). Each page's fastest call per system counts,
and the sums are compared. Two clocks: CPU time of this process (the work done) and wall time; on a
shared, loaded machine both move, the per-page minimum keeps most of that out. The ratio to meet is
product / trafilatura <= 1.0 (docs/benchmarks.md).

`cleaning.extract` returns title, dates, related blocks, canonical URL and flags besides the body;
`trafilatura.extract` only the body text.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_eval import DEFAULT_DIR, load  # noqa: E402

TARGET = 1.0


def demo_pages() -> list[tuple[str, str]]:
    from crawler.demo import pages
    from crawler.demo.site import DemoSite

    site = DemoSite("demo.health.test")
    return [(site.url(pages.article_path(a)), site.handle("GET", pages.article_path(a), {}).body.decode("utf-8"))
            for a in site.articles]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--demo", action="store_true", help="add the demo site's article pages")
    args = ap.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trafilatura

    start = time.perf_counter()
    from cleaning.extract import extract  # loads trafilatura and htmldate (warm_up; dateparser on first need)

    imported = time.perf_counter() - start
    docs = [(url, html) for _, url, html, _ in load(args.dir)]
    start = time.perf_counter()
    extract(docs[0][1], docs[0][0])
    first = time.perf_counter() - start
    if args.demo:
        docs += demo_pages()
    systems = {
        "cleaning.extract": lambda html, url: extract(html, url),
        "trafilatura.extract": lambda html, url: trafilatura.extract(html, url=url),
    }
    for fn in systems.values():  # warm-up: imports, caches, lazy regexes
        for url, html in docs:
            fn(html, url)
    names = list(systems)
    # Per page and system, the fastest of `rounds` calls; the two systems alternate page by page
    # (and swap who goes first every round), so both see the same machine load and warm caches.
    cpu = {name: [float("inf")] * len(docs) for name in names}
    wall = {name: [float("inf")] * len(docs) for name in names}
    for r in range(args.rounds):
        order = names if r % 2 == 0 else names[::-1]
        for i, (url, html) in enumerate(docs):
            for name in order:
                w, c = time.perf_counter(), time.process_time()
                systems[name](html, url)
                cpu[name][i] = min(cpu[name][i], time.process_time() - c)
                wall[name][i] = min(wall[name][i], time.perf_counter() - w)
    min_first = wall["cleaning.extract"][0]
    cpu = {name: sum(v) for name, v in cpu.items()}
    wall = {name: sum(v) for name, v in wall.items()}
    n = len(docs)
    print(f"pages: {n}  rounds: {args.rounds} (each page's fastest call counts)")
    print(f"{'system':<22}{'CPU s':>8}{'pages/s':>9}{'wall s':>8}{'pages/s':>9}")
    for name in names:
        print(f"{name:<22}{cpu[name]:>8.2f}{n / cpu[name]:>9.1f}{wall[name]:>8.2f}{n / wall[name]:>9.1f}")
    print(f"import of cleaning.extract (with warm_up): {imported:.2f} s; first page {first * 1000:.0f} ms, "
          f"the same page at best {min_first * 1000:.0f} ms")
    a, b = names
    print(f"time ratio {a}/{b}: CPU {cpu[a] / cpu[b]:.2f}x, wall {wall[a] / wall[b]:.2f}x (target <= {TARGET:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

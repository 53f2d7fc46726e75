"""Pages per second: cleaning.extract vs plain trafilatura.extract on the same pages, one run.

    python bench/extract_speed.py [--dir ../shared/eval/extraction-dev] [--rounds 3]

Pages are the dev set's HTML (as str) plus the demo site's article pages; both systems get a
warm-up pass, then `rounds` timed passes each, alternating, and the best pass of each counts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_eval import DEFAULT_DIR, load  # noqa: E402


def demo_pages() -> list[tuple[str, str]]:
    from crawler.demo import pages
    from crawler.demo.site import DemoSite

    site = DemoSite("demo.health.test")
    return [(site.url(pages.article_path(a)), site.handle("GET", pages.article_path(a), {}).body.decode("utf-8"))
            for a in site.articles]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-demo", action="store_true")
    args = ap.parse_args(argv)

    import trafilatura

    from cleaning.extract import extract

    docs = [(url, html) for _, url, html, _ in load(args.dir)]
    if not args.no_demo:
        docs += demo_pages()
    systems = {
        "cleaning.extract": lambda html, url: extract(html, url),
        "trafilatura.extract": lambda html, url: trafilatura.extract(html, url=url),
    }
    best = {name: float("inf") for name in systems}
    for name, fn in systems.items():  # warm-up: imports, caches, lazy regexes
        for url, html in docs:
            fn(html, url)
    for _ in range(args.rounds):
        for name, fn in systems.items():
            start = time.perf_counter()
            for url, html in docs:
                fn(html, url)
            best[name] = min(best[name], time.perf_counter() - start)
    n = len(docs)
    print(f"pages: {n}  rounds: {args.rounds} (best pass counts)")
    for name, secs in best.items():
        print(f"{name:<22}{n / secs:>8.1f} pages/s  ({secs:.2f} s)")
    ratio = best["cleaning.extract"] / best["trafilatura.extract"]
    print(f"time ratio extract/trafilatura: {ratio:.2f}x (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Offline re-cleaning with 1 worker process against 2 (or more): does a second core help?

    python bench/clean_workers.py [--pages 2000] [--workers 1 2] [--repeat 2] [-s NAME=VALUE ...]

A loopback site of N generated articles (bench/crawl_load.py's site) is crawled once with cleaning off
(`HEALTH_CLEAN_ON_CLOSE=False`, `HEALTH_CLEAN_WHILE_CRAWLING=False`), so `pages/` holds the raw pages and
no cleaning result or grammar answer is cached anywhere. Then, for each worker count in turn (alternating,
`--repeat` times, the fastest kept), a fresh copy of that output folder is cleaned with

    python -m cleaning run --output-dir COPY --workers N

with the default grammar backend unless `-s HEALTH_GRAMMAR_BACKEND=...` says otherwise (passed as
`--grammar-backend`). Reported: wall seconds, articles written, and each count's speed-up over the first
count in the same run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from crawl_load import _serve  # noqa: E402  (the same generated site as the load benchmark)


def _crawl(url: str, out: Path) -> None:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={url}", "-s", f"OUTPUT_DIR={out}",
           "-s", "HEALTH_CLEAN_ON_CLOSE=False", "-s", "HEALTH_CLEAN_WHILE_CRAWLING=False",
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"crawl failed ({proc.returncode}): {proc.stderr[-2000:]}")


def _clean(pages_only: Path, work: Path, workers: int, backend: str | None) -> dict:
    copy = work / f"clean-{workers}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(pages_only, copy)
    cmd = [sys.executable, "-m", "cleaning", "run", "--output-dir", str(copy), "--workers", str(workers)]
    if backend:
        cmd += ["--grammar-backend", backend]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode not in (0, 3):
        raise SystemExit(f"clean failed ({proc.returncode}): {proc.stderr[-2000:]}")
    manifest = json.loads(sorted((copy / "_runs").glob("*.json"))[-1].read_text())
    cleaning = manifest.get("cleaning") or {}
    return {"workers": workers, "wall_seconds": round(wall, 1),
            "articles": (cleaning.get("counts") or {}).get("articles"),
            "grammar_backend": cleaning.get("grammar_backend")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="articles on the generated site")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare")
    parser.add_argument("--repeat", type=int, default=2, help="alternating rounds; the fastest of each is kept")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="only HEALTH_GRAMMAR_BACKEND=... is used (as --grammar-backend)")
    args = parser.parse_args()
    backend = next((v.split("=", 1)[1] for v in args.settings if v.startswith("HEALTH_GRAMMAR_BACKEND=")), None)

    ctx = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue = ctx.Queue()
    server = ctx.Process(target=_serve, args=(args.pages, ports), daemon=True)
    server.start()
    load_before = os.getloadavg()
    try:
        with tempfile.TemporaryDirectory(prefix="clean-workers-") as tmp:
            work = Path(tmp)
            _crawl(f"http://127.0.0.1:{ports.get(timeout=30)}/", work / "pages-only")
            best: dict[int, dict] = {}
            for _ in range(max(1, args.repeat)):
                for n in args.workers:
                    row = _clean(work / "pages-only", work, n, backend)
                    print(json.dumps(row), flush=True)
                    if n not in best or row["wall_seconds"] < best[n]["wall_seconds"]:
                        best[n] = row
    finally:
        server.terminate()
        server.join(10)
    base = best[args.workers[0]]["wall_seconds"]
    print(f"\n| workers | wall s (fastest of {args.repeat}) | articles | speed-up over {args.workers[0]} |")
    print("| ---: | ---: | ---: | ---: |")
    for n in args.workers:
        row = best[n]
        print(f"| {n} | {row['wall_seconds']} | {row['articles']} | {base / row['wall_seconds']:.2f}x |")
    print(f"\ngrammar backend: {best[args.workers[0]]['grammar_backend']}; "
          f"load average before/after: {load_before} / {os.getloadavg()}")


if __name__ == "__main__":
    main()

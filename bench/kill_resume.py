"""Kill-and-resume benchmark: a generic and a profile crawl SIGKILLed at N seeded moments, then resumed with the
same JOBDIR; what the resumed run's articles lose, add or double against an uninterrupted run of the same crawl.

    python bench/kill_resume.py --kills 10 --seed 1                 # this checkout
    python bench/kill_resume.py --kills 10 --seed 1 --repo /tmp/old # another checkout, e.g. the old behaviour:
        git archive 77a156e | (mkdir -p /tmp/old && tar -x -C /tmp/old)

Kinds:
- generic: `-a start_urls=` of a paginated loopback site (tests/faultsite/paged.py, --articles articles, ten
  a page, reached only through the listing chain and one another);
- profile: the bundled demo site (`scrapy crawl health`, its site profile: listings, sitemap, articles).
Kill moments: the first 70% while fetching (after 1-3 more pages files, then 0-0.15 s), the rest after
fetching ended (0-4 s after "Closing spider": close, cleaning, commit). A kill that lands after the run
ended is counted as "ran to its end". Printed per kind: kills landed, articles lost, extra, doubled (articles
rows with the same URL beyond the first), pages rows doubled, and the resumed run's exit status.
Everything stays on loopback; the crawl runs from --repo with that checkout's code (PYTHONPATH=--repo).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.kill import kill_when

COMMON = ["-s", "HEALTH_GRAMMAR_BACKEND=offline", "-s", "HEALTH_PROGRESS_INTERVAL=0", "-s", "HEALTH_RETRY_BACKOFF=0.1",
          "-s", "HEALTH_GENERIC_DEPTH=50", "-s", "LOG_LEVEL=INFO"]
SLOW = ["-s", "HEALTH_PAGES_FLUSH_ITEMS=5", "-s", "CONCURRENT_REQUESTS=2", "-s", "AUTOTHROTTLE_ENABLED=False"]


def _crawl(repo: Path, out: Path, log: Path, args: list[str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-s", f"OUTPUT_DIR={out}", *COMMON, *args]
    with log.open("w") as fh:
        return subprocess.Popen(cmd, cwd=repo, stdout=subprocess.DEVNULL, stderr=fh,
                                env={**os.environ, "PYTHONPATH": str(repo)})


def _page_files(out: Path) -> int:
    return len(list((out / "pages").glob("crawl_date=*/part-*.parquet")))


def _succeeded(out: Path) -> bool:
    return any(json.loads(p.read_text()).get("status") == "succeeded" for p in (out / "_runs").glob("*.json"))


def _articles(out: Path) -> tuple[list[tuple[str, str]], list[str]]:
    import pandas as pd

    articles = pd.read_parquet(out / "articles", columns=["url", "body"]) if (out / "articles").exists() else None
    pages = pd.read_parquet(out / "pages", columns=["url"]) if (out / "pages").exists() else None
    rows = [] if articles is None else list(zip(articles["url"], articles["body"]))
    return rows, [] if pages is None else list(pages["url"])


def run_kind(kind: str, repo: Path, work: Path, args: list[str], kills: int, rng: random.Random) -> dict:
    base = work / f"{kind}-baseline"
    proc = _crawl(repo, base, work / f"{kind}-baseline.log", args)
    if proc.wait(timeout=600) != 0:
        raise SystemExit(f"{kind}: the uninterrupted crawl failed (see {work / f'{kind}-baseline.log'})")
    want, _ = _articles(base)
    out, job = work / f"{kind}-out", work / f"{kind}-job"
    landed, ended = 0, False
    fetching = max(1, round(kills * 0.7))
    for n in range(kills):
        log = work / f"{kind}-kill{n}.log"
        proc = _crawl(repo, out, log, [*args, "-s", f"JOBDIR={job}", *SLOW])
        if n < fetching:
            target = _page_files(out) + rng.randint(1, 3)
            hit = kill_when(proc, lambda: _page_files(out) >= target, rng.uniform(0, 0.15), timeout=120)
        else:
            hit = kill_when(proc, lambda: "Closing spider" in log.read_text(errors="replace"), rng.uniform(0, 4.0),
                            timeout=120)
        if not hit or _succeeded(out):  # a kill after the run recorded its success lands on a finished run
            proc.wait()
            ended = True
            break
        landed += 1
    status = 0
    if not ended:
        proc = _crawl(repo, out, work / f"{kind}-resume.log", [*args, "-s", f"JOBDIR={job}"])
        status = proc.wait(timeout=600)
    got, pages = _articles(out)
    want_urls, got_urls = {u for u, _ in want}, [u for u, _ in got]
    return {
        "kind": kind, "kills": landed, "ran_to_end": ended, "exit": status, "articles": len(want_urls),
        "lost": len(want_urls - set(got_urls)), "extra": len(set(got_urls) - want_urls),
        "doubled": len(got_urls) - len(set(got_urls)), "pages_doubled": len(pages) - len(set(pages)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--kinds", default="generic,profile")
    parser.add_argument("--repo", type=Path, default=REPO, help="checkout whose crawler runs (default: this one)")
    opts = parser.parse_args()
    from tests.faultsite.paged import PagedSite

    work = Path(tempfile.mkdtemp(prefix="kill_resume-"))
    rng = random.Random(opts.seed)
    rows = []
    try:
        with PagedSite(articles=opts.articles, per_page=10, delay=0.005) as site:
            kinds = {"generic": ["-a", f"start_urls={site.url}"], "profile": []}
            for kind in opts.kinds.split(","):
                rows.append(run_kind(kind, opts.repo.resolve(), work, kinds[kind], opts.kills, rng))
                print(rows[-1], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nrepo {opts.repo}, seed {opts.seed}, {opts.kills} kills a kind")
    print(f"{'kind':8} {'kills':>5} {'articles':>8} {'lost':>5} {'extra':>5} {'doubled':>7} {'pages doubled':>13} {'exit':>4}")
    for r in rows:
        print(f"{r['kind']:8} {r['kills']:>5} {r['articles']:>8} {r['lost']:>5} {r['extra']:>5} {r['doubled']:>7} "
              f"{r['pages_doubled']:>13} {r['exit']:>4}" + ("  (a kill landed after the run ended)" if r["ran_to_end"] else ""))


if __name__ == "__main__":
    main()

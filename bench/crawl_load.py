"""Load benchmark: what users run (`scrapy crawl health`, cleaning included) next to a bare Scrapy spider.

    python bench/crawl_load.py --pages 1000 --repeat 3     # issue 15: end-to-end pages/s, cleaning included
    python bench/crawl_load.py --pages 20000               # memory of a 20,000-article crawl and clean
    python bench/crawl_load.py --pages 5000 --no-clean     # the crawl alone (HEALTH_CLEAN_ON_CLOSE=False)
    python bench/crawl_load.py -s HEALTH_GRAMMAR_BACKEND=offline   # any `scrapy crawl -s` setting for the product
    python bench/crawl_load.py --site real --repeat 3     # the same, on the 474 real pages of ../shared/eval
    python bench/crawl_load.py --site linked --repeat 3   # generated pages with a real page's links

For each size N, a site of N article pages (a few hundred words each, every one different) plus N/100
listing pages and a home page is served from another process on 127.0.0.1 (asyncio, keep-alive). Then

1. `bench/bare_spider.py` (stock Scrapy: follow every link, store nothing) fetches it, and
2. `scrapy crawl health -a start_urls=http://127.0.0.1:PORT/` fetches it with the product's default
   settings (robots.txt, incremental ledger, canonical URLs, safety checks, the pages dataset) AND cleans it
   (extraction, language, dedup, grammar with the default backend, the datasets), as users run it.

Both run through the `scrapy` console script installed beside this Python, as users type the command (with
PYTHONPATH set to this checkout, so the code measured is the checkout's). Politeness is off for both
(AUTOTHROTTLE_ENABLED=False; the site is ours), the only setting changed.
Reported per crawler: pages fetched, wall seconds of the whole process from start to exit (start-up and
the product's cleaning included), pages per second over that wall time, the crawl's own seconds (Scrapy's
elapsed_time_seconds), CPU time of the whole process tree per page (user + system, the helpers it waited
for included), and peak RSS of the whole process tree (the product's cleaning runs in child processes:
their resident memory is summed, sampled every 0.2 s from /proc), with each process's share at that peak
(the crawl's own process, its helpers, a local LanguageTool server). Summed RSS counts twice the pages two
processes share: a helper's sibling is forked from it, its models and Harper's dictionary shared copy-on-write.
So at that peak the tree's proportional set size (PSS, /proc/PID/smaps_rollup: each shared page divided among
the processes that map it) is read too: what the tree really holds. The figure of issue 15 is product
pages/s divided by bare pages/s (target >= 0.5), from the same run, alternating the two. CPU per page is the
figure that does not depend on how loaded the machine is, and it bounds the ratio: the product's wall time
is at least its CPU time divided by the cores, so the ratio cannot exceed cores x bare wall / product CPU.
Traffic stays on loopback; every crawl is bounded by the site's size and a timeout.

`--site linked` serves the same generated articles, each with the links a real article page carries besides its
"next": a block of 30 related articles of the site (as the seed page's "Hot Picks") and a share bar of 8 links to
other sites. What a crawler does per link (extracting it, refusing it, building a request the duplicate filter
then drops) weighs there as on a real site; the load site's articles link only to the next one.

`--site real` serves real pages instead of generated ones: the article pages are the HTML of the shared
real-world dev sets (../shared/eval/extraction-dev and dates-dev: 474 news, blog and institutional pages
in many languages and encodings, read from there, never copied), served byte for byte except for one
`<base href="https://real-page.invalid/">` put first in each, so that the pages' own relative links
(hundreds of them on a news page) point off the site and neither crawler fetches them as 404s. The
listings and the home page are as above; `--pages` is capped at the number of real pages. Real pages are
what users crawl: much larger than the generated ones, and with the text a grammar checker and a date
search actually work on.

The project's own modules are byte-compiled first, as `pip install` does for an installed package and as an
editable install's first run does (unless PYTHONDONTWRITEBYTECODE is set, as on the machine of docs/benchmarks.md:
every run then compiled ~150 modules again in each process, ~0.2 s of CPU that no user's scheduled crawl pays).
Scrapy and the other libraries are installed compiled, for both crawlers. `--no-compile` skips it.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PER_LISTING = 100


# --- the site -----------------------------------------------------------------------------------------

SHARED_EVAL = REPO.parent / "shared" / "eval"
REAL_SETS = ("extraction-dev", "dates-dev")
_BASE = b'<base href="https://real-page.invalid/">'
_HEAD = re.compile(rb"<head(?:\s[^>]*)?>", re.IGNORECASE)


def real_page_files() -> list[Path]:
    """The shared dev sets' pages (gzip files), in a fixed order."""
    return [path for name in REAL_SETS for path in sorted((SHARED_EVAL / name / "html").glob("*.html.gz"))]


def real_pages(n: int) -> list[bytes]:
    """The first `n` of them, each with a <base> sending its relative links off the site."""
    return [_with_base(gzip.decompress(path.read_bytes())) for path in real_page_files()[:n]]


def _with_base(html: bytes) -> bytes:
    """The page with a <base> first (right after <head>, or in front when it has none): a document's first <base>
    is the one that counts, so a page's own, if any, is ignored."""
    m = _HEAD.search(html[:200_000])
    at = m.end() if m else 0
    return html[:at] + _BASE + html[at:]


RELATED_LINKS, SHARE_LINKS = 30, 8  # --site linked: an article's "Hot Picks" and share bar


def _page(path: str, n_pages: int, real: list[bytes] | None = None, linked: bool = False) -> tuple[int, bytes, str]:
    from tests.faultsite.content import article_html, make_article

    if path == "/robots.txt":
        return 200, b"User-agent: *\nAllow: /\n", "text/plain"
    if path == "/":
        listings = (n_pages + PER_LISTING - 1) // PER_LISTING
        links = "".join(f'<li><a href="/list/{i}.html">Listing {i}</a></li>' for i in range(listings))
        return 200, f"<html lang='en'><body><h1>Load site</h1><ul>{links}</ul></body></html>".encode(), "text/html"
    if path.startswith("/list/"):
        i = int(path[6:].split(".")[0])
        first, last = i * PER_LISTING, min((i + 1) * PER_LISTING, n_pages)
        links = "".join(f'<li><a href="/a/{n}.html">Article {n}</a></li>' for n in range(first, last))
        return 200, f"<html lang='en'><body><h1>Listing {i}</h1><ul>{links}</ul></body></html>".encode(), "text/html"
    if path.startswith("/a/"):
        n = int(path[3:].split(".")[0])
        if real is not None and n < n_pages:
            return 200, real[n], "text/html"  # no charset: the page says its own, or the crawler detects it
        if n < n_pages:
            links = [(f"/a/{(n + 1) % n_pages}.html", "Next")]
            if linked:  # as a real article page links: other articles of the site, and sites to share it on
                links += [(f"/a/{(n * 7 + k * 13) % n_pages}.html", f"Related {k}") for k in range(RELATED_LINKS)]
                links += [(f"https://share{k}.example/share?u=/a/{n}.html", "Share") for k in range(SHARE_LINKS)]
            html = article_html(make_article(f"load-{n}"), links=links)
            return 200, html.encode("utf-8"), "text/html; charset=utf-8"
    return 404, b"not found", "text/plain"


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n_pages: int,
                  real: list[bytes] | None, linked: bool = False) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode("latin-1")
            try:
                status, body, ctype = _page(path.split("?")[0], n_pages, real, linked)
            except (ValueError, IndexError):
                status, body, ctype = 400, b"bad request", "text/plain"
            writer.write(f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                         f"Connection: keep-alive\r\n\r\n".encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


def _serve(n_pages: int, port_queue: multiprocessing.Queue, site: str = "load") -> None:
    sys.path.insert(0, str(REPO))
    real = real_pages(n_pages) if site == "real" else None

    async def main() -> None:
        server = await asyncio.start_server(lambda r, w: _handle(r, w, n_pages, real, site == "linked"),
                                            "127.0.0.1", 0)
        port_queue.put(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# --- the crawlers ---------------------------------------------------------------------------------------

def _tree_rss_kib(pid: int) -> dict[int, tuple[int, str]]:
    """Resident memory of a process and each of its descendants: pid -> (KiB, what it runs), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            with open(f"/proc/{entry}/statm", "rb") as fh:
                rss[int(entry)] = int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            continue
    tree, todo = {}, [pid]
    while todo:
        p = todo.pop()
        tree[p] = (rss.get(p, 0), "")
        todo.extend(children.get(p, []))
    return tree


def _pss_mib(pids: list[int]) -> float | None:
    """The processes' proportional set size summed, in MiB; None where the kernel does not say."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith(b"Pss:"))
        except (OSError, StopIteration, ValueError):
            return None
    return round(total / 1024, 1)


def _named(tree: dict[int, tuple[int, str]], root: int) -> list[tuple[float, str]]:
    """(MiB, what the process runs) of each process of the tree, largest first: where the peak's memory was."""
    named = []
    for pid, (kib, _) in tree.items():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            argv = []
        words = [a.decode("utf-8", "replace") for a in argv if a]
        if pid == root:
            what = "the crawl's own process"
        elif words and words[0].endswith("java"):
            what = "LanguageTool server (java)"
        elif any("resource_tracker" in w for w in words):
            what = "multiprocessing resource tracker"
        elif any("spawn_main" in w for w in words):
            what = "helper process"
        else:
            what = " ".join(words)[:60] or str(pid)
        named.append((round(kib / 1024, 1), what))
    return sorted(named, reverse=True)


def _scrapy() -> list[str]:
    """The `scrapy` command as users type it: the console script installed beside this Python (its helpers then
    start from a script, not from `python -m scrapy`), else the module."""
    script = Path(sys.executable).with_name("scrapy")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "scrapy"]


def _run(cmd: list[str], timeout: float, cwd: Path = REPO) -> tuple[float, float, str, float, list[tuple[float, str]],
                                                                  float | None]:
    """Runs a child; returns (wall seconds, peak RSS in MiB of its whole process tree, stderr tail, CPU seconds
    of the tree (the child's own and that of the processes it waited for, its helpers), each process's MiB at
    that peak, and the tree's PSS in MiB there (read when the summed RSS last rose by 2%; None if unknown))."""
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    # the console script imports the project from where it is installed: this checkout's code first
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    peak, at_peak, pss, pss_at = 0, [], None, 0
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                env={**env, "http_proxy": "", "https_proxy": ""})
        deadline, sample_at = started + timeout, started
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            # The tree's memory every 0.2 s; its exit looked for every 10 ms, so that the wall time is not
            # rounded up to the sampling step (it was: a 2.6 s crawl read as 2.6-2.8 s).
            if time.monotonic() >= sample_at:
                tree = _tree_rss_kib(proc.pid)
                total = sum(kib for kib, _ in tree.values())
                if total > peak:
                    peak, at_peak = total, _named(tree, proc.pid)
                    if total > pss_at * 1.02:  # walking every page table each 0.2 s would cost the crawlers CPU
                        pss, pss_at = _pss_mib(list(tree)), total
                sample_at = time.monotonic() + 0.2
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"timed out: {' '.join(cmd)}")
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-3000:].decode("utf-8", "replace")
    if proc.returncode not in (0,):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    return (time.monotonic() - started, max(peak, usage.ru_maxrss) / 1024, tail, usage.ru_utime + usage.ru_stime,
            at_peak, pss)


def bare(url: str, work: Path, timeout: float) -> dict:
    stats_path = work / "bare-stats.json"
    wall, rss, _, cpu, _, pss = _run([*_scrapy(), "runspider", str(REPO / "bench" / "bare_spider.py"),
                         "-a", f"start={url}", "-a", f"stats={stats_path}", "-s", "AUTOTHROTTLE_ENABLED=False"],
                        timeout, cwd=work)  # no project settings
    stats = json.loads(stats_path.read_text())
    return _figures("bare Scrapy spider", stats, wall, rss, cpu, pss)


def product(url: str, work: Path, timeout: float, clean: bool, extra: tuple[str, ...] = ()) -> dict:
    out = work / ("out-clean" if clean else "out")
    settings = [arg for pair in extra for arg in ("-s", pair)]
    wall, rss, tail, cpu, at_peak, pss = _run([*_scrapy(), "crawl", "health", "-a", f"start_urls={url}",
                            "-s", f"OUTPUT_DIR={out}", "-s", f"HEALTH_CLEAN_ON_CLOSE={clean}",
                            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO", *settings], timeout)
    manifest = json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())
    figures = _figures("product (scrapy crawl health)" + (" + cleaning" if clean else ""), manifest["crawl_stats"],
                       wall, rss, cpu, pss)
    figures["pages_stored"] = manifest["crawl_stats"].get("health/pages/stored", 0)
    figures["peak_processes"] = at_peak
    if clean and manifest.get("cleaning"):
        figures["articles"] = manifest["cleaning"]["counts"].get("articles", 0)
        figures["clean_seconds"] = manifest["cleaning"].get("seconds")
        figures["prepared_while_crawling"] = manifest["cleaning"]["counts"].get("prepared_while_crawling", 0)
        figures["grammar_backend"] = manifest["cleaning"].get("grammar_backend")
    return figures


def _figures(name: str, stats: dict, wall: float, rss: float, cpu: float, pss: float | None) -> dict:
    pages = int(stats.get("response_received_count", 0))
    seconds = float(stats.get("elapsed_time_seconds", wall))
    return {"crawler": name, "pages": pages, "crawl_seconds": round(seconds, 1),
            "pages_per_second": round(pages / wall, 1) if wall else 0.0,
            "wall_seconds": round(wall, 1), "peak_rss_mib": round(rss, 1), "pss_at_peak_mib": pss,
            "cpu_seconds": round(cpu, 2), "cpu_ms_per_page": round(1000 * cpu / pages, 2) if pages else 0.0}


def _compile_project() -> None:
    import compileall

    for package in ("crawler", "cleaning"):
        compileall.compile_dir(str(REPO / package), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+",
                        help="site sizes (article pages; default 1000, or every real page with --site real)")
    parser.add_argument("--no-clean", action="store_true", help="the product without its cleaning (crawl alone)")
    parser.add_argument("--site", choices=("load", "linked", "real"), default="load",
                        help="generated article pages (issue 15's site), the same with a real page's links (30 "
                             "related articles, 8 share links), or the shared dev sets' real pages")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per crawl")
    parser.add_argument("--repeat", type=int, default=1,
                        help="crawl each size this many times per crawler, alternating, and keep each one's fastest")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not byte-compile the project's modules first (see above)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the product's crawl, as `scrapy crawl -s` (e.g. HEALTH_GRAMMAR_BACKEND=offline)")
    args = parser.parse_args()

    if not args.no_compile:
        _compile_project()
    results = []
    load_before = os.getloadavg()
    ctx = multiprocessing.get_context("spawn")
    sizes = args.pages or [1000]
    if args.site == "real":
        available = len(real_page_files())
        if not available:
            raise SystemExit(f"--site real: no pages under {SHARED_EVAL} ({', '.join(REAL_SETS)})")
        sizes = [min(n, available) for n in args.pages or [available]]
    for n in sizes:
        ports: multiprocessing.Queue = ctx.Queue()
        server = ctx.Process(target=_serve, args=(n, ports, args.site), daemon=True)
        server.start()
        try:
            url = f"http://127.0.0.1:{ports.get(timeout=30)}/"
            with tempfile.TemporaryDirectory(prefix="crawl-load-") as tmp:
                work = Path(tmp)
                runs: list[list[dict]] = [[], []]
                for _ in range(max(1, args.repeat)):  # alternate, so both see the same machine load
                    runs[0].append(bare(url, work, args.timeout))
                    runs[1].append(product(url, work, args.timeout, clean=not args.no_clean, extra=tuple(args.settings)))
                    shutil.rmtree(work / ("out" if args.no_clean else "out-clean"), ignore_errors=True)
                rows = [min(r, key=lambda f: f["wall_seconds"]) | {"runs": len(r)} for r in runs]
        finally:
            server.terminate()
            server.join(10)
        ratio = rows[1]["pages_per_second"] / rows[0]["pages_per_second"] if rows[0]["pages_per_second"] else 0.0
        for row in rows:
            row["site_pages"] = n
            row["site"] = args.site
            results.append(row)
            print(json.dumps(row), flush=True)
        label = {"real": "real-page site", "linked": "linked site"}.get(args.site, "site")
        print(f"{label} of {n} articles: product pages/s / bare pages/s = {ratio:.2f} (end to end, wall)", flush=True)
        if rows[1]["cpu_seconds"]:
            # The product's wall time is at least its CPU time over the cores, whatever it overlaps.
            cores = os.cpu_count() or 1
            bound = cores * rows[0]["wall_seconds"] / rows[1]["cpu_seconds"] * rows[1]["pages"] / max(rows[0]["pages"], 1)
            print(f"CPU per page: product {rows[1]['cpu_ms_per_page']} ms, bare {rows[0]['cpu_ms_per_page']} ms; with "
                  f"{cores} cores the ratio above cannot exceed {bound:.2f} however well the work overlaps", flush=True)
    print()
    print("| site (articles) | crawler | pages fetched | wall s | pages/s (wall) | crawl s | CPU ms/page (tree) "
          "| peak RSS MiB (tree) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['site_pages']:,} | {r['crawler']} | {r['pages']:,} | {r['wall_seconds']} | "
              f"{r['pages_per_second']} | {r['crawl_seconds']} | {r['cpu_ms_per_page']} | {r['peak_rss_mib']} |")
    for r in results:
        if r.get("peak_processes"):
            print(f"at the peak of {r['site_pages']:,} articles ({r['peak_rss_mib']} MiB): "
                  + ", ".join(f"{what} {mib}" for mib, what in r["peak_processes"])
                  + f"; PSS of the tree there {r['pss_at_peak_mib']} MiB (shared pages counted once)")
    print(f"\nload average before/after: {load_before} / {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

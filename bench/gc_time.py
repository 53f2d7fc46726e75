"""Time spent in CPython's garbage collector by every process of a crawl and clean, for one or more checkouts.

    python bench/gc_time.py --pages 1000 --repeat 3                            # this checkout
    python bench/gc_time.py --code . --code /tmp/before --repeat 3             # against an earlier commit

`git worktree add /tmp/before COMMIT` makes the earlier checkout. For each checkout in turn (`--repeat` times,
taking turns), `scrapy crawl health` crawls and cleans the load site of bench/crawl_load.py (offline grammar
backend, politeness off), with a `sitecustomize` on PYTHONPATH that times each collection (`gc.callbacks`) in every
process of the tree: the crawl's own, its spawned helpers and a sibling forked from one (each writes its totals when
it ends). Reported per checkout, as medians over the turns: seconds in collections (all processes), how many
collections of each generation, and the tree's CPU seconds. The collector's time is what `cleaning.cli.tune_collector`
changes; unlike the wall clock it does not swing with the machine's load.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_load import _serve  # the same site as the load benchmark

HOOK = '''
import atexit, gc, os, time
_out = os.environ.get("GC_TIME_OUT")
if _out:
    _state = {"seconds": 0.0, "gens": [0, 0, 0], "start": 0.0}

    def _timed(phase, info):
        if phase == "start":
            _state["start"] = time.perf_counter()
        else:
            _state["seconds"] += time.perf_counter() - _state["start"]
            _state["gens"][info["generation"]] += 1

    def _write():
        with open(_out, "a") as fh:
            fh.write(f"{os.getpid()} {_state['seconds']:.6f} {' '.join(map(str, _state['gens']))}\\n")

    gc.callbacks.append(_timed)
    atexit.register(_write)

    def _forked(_):
        # a process forked by multiprocessing leaves through os._exit (no atexit): its own totals, at its end
        import multiprocessing.util as util
        _state.update(seconds=0.0, gens=[0, 0, 0])
        util.Finalize(None, _write, exitpriority=100)

    try:
        import multiprocessing.util
        multiprocessing.util.register_after_fork(_state, _forked)
    except Exception:
        pass
'''


def crawl(code: Path, url: str, work: Path) -> tuple[float, list[int], float, float]:
    """One crawl and clean from checkout `code`: (collector seconds, collections per generation, CPU s, wall s)."""
    hook = work / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOOK)
    out, record = work / "out", work / "gc.txt"
    shutil.rmtree(out, ignore_errors=True)
    record.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{code}", "GC_TIME_OUT": str(record)}
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    subprocess.run([sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={url}",
                    "-s", f"OUTPUT_DIR={out}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
                    "-s", "HEALTH_GRAMMAR_BACKEND=offline"], cwd=code, env=env, check=True, timeout=3600,
                   stdout=subprocess.DEVNULL)
    wall, after = time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, gens = 0.0, [0, 0, 0]
    for line in record.read_text().splitlines():
        _, s, *g = line.split()
        seconds += float(s)
        gens = [a + int(b) for a, b in zip(gens, g)]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, gens, cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="article pages of the load site")
    parser.add_argument("--code", action="append", type=Path, help="a checkout to measure (repeatable; default: this one)")
    parser.add_argument("--repeat", type=int, default=3, help="turns per checkout")
    args = parser.parse_args()
    codes = [c.resolve() for c in (args.code or [Path(__file__).resolve().parents[1]])]
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(args.pages, ports), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{ports.get(timeout=30)}/"
    results: dict[Path, list[tuple[float, list[int], float, float]]] = {c: [] for c in codes}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(args.repeat):
                for code in codes:
                    results[code].append(crawl(code, url, Path(tmp)))
    finally:
        server.terminate()
    print("| checkout | collector s (median) | collections gen 0 / 1 / 2 | tree CPU s (median) | wall s (median) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for code, runs in results.items():
        gens = runs[len(runs) // 2][1]
        print(f"| {code} | {statistics.median(r[0] for r in runs):.3f} | {gens[0]} / {gens[1]} / {gens[2]} | "
              f"{statistics.median(r[2] for r in runs):.2f} | {statistics.median(r[3] for r in runs):.2f} |")
    print(f"load site of {args.pages} articles, {args.repeat} turns per checkout; collector s of each turn: "
          + "; ".join(f"{c.name}: {' '.join(f'{r[0]:.3f}' for r in runs)}" for c, runs in results.items()))


if __name__ == "__main__":
    main()

"""Throughput and peak memory of the dedup stage next to plain hashing.

Documents (~--size bytes each, default 5 KB) are generated on the fly by
tests.support.dedup_synthetic.bench_doc, deterministic in (index, seed), never
all held in memory; about --dup-rate of them are copies of an earlier one
(half exact up to case, half with one near-duplicate edit).

Each phase runs in its own child process (so each gets its own peak RSS),
one after the other, over the same documents:

  gen    generate the documents only (the cost every phase includes)
  hash   content_hash of each document into a set (plain exact dedup)
  dedup  Deduplicator(DedupOptions(), empty state).decide(records), commit,
         and save the state to a temporary Parquet file

    python bench/dedup_bench.py --docs 100000
    python bench/dedup_bench.py --docs 5000 --tracemalloc

Peak memory is ru_maxrss of the child (whole process: interpreter, numpy,
pyarrow); ``base`` is the RSS right after imports, ``peak - base`` is what
the phase itself added. With --tracemalloc the Python-heap peak is also
reported (slower).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _docs(n: int, seed: int, size: int, dup_rate: float):
    from tests.support.dedup_synthetic import bench_doc

    for i in range(n):
        yield bench_doc(i, seed=seed, size=size, dup_rate=dup_rate)


def run_phase(args) -> dict:
    import tracemalloc

    from cleaning.dedup import DedupOptions, DedupRecord, DedupState, Deduplicator, article_id, content_hash

    base = _rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    out: dict = {"phase": args.phase, "docs": args.docs}
    nbytes = 0
    t0 = time.perf_counter()
    if args.phase == "gen":
        for _, text in _docs(args.docs, args.seed, args.size, args.dup_rate):
            nbytes += len(text)
    elif args.phase == "hash":
        seen: set[str] = set()
        dups = 0
        for _, text in _docs(args.docs, args.seed, args.size, args.dup_rate):
            nbytes += len(text)
            h = content_hash(text)
            if h in seen:
                dups += 1
            else:
                seen.add(h)
        out["exact_duplicates"] = dups
    elif args.phase == "dedup":
        opts = DedupOptions()
        dd = Deduplicator(opts, DedupState(opts))
        counter = {"bytes": 0}

        def records():
            for doc_id, text in _docs(args.docs, args.seed, args.size, args.dup_rate):
                counter["bytes"] += len(text)
                url = f"https://site.example/a/{doc_id}"
                yield DedupRecord(doc_id, article_id(url), url, True, None, text)

        decisions = dd.decide(records())
        out["peak_rss_after_decide_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        nbytes = counter["bytes"]
        t_decide = time.perf_counter() - t0
        counts: dict[str, int] = {}
        for d in decisions:
            k = d.action if d.action != "duplicate" else f"duplicate_{d.kind}"
            counts[k] = counts.get(k, 0) + 1
        del decisions
        dd.commit()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "state.parquet"
            dd.state.save(path)
            out["state_file_mb"] = round(path.stat().st_size / 2**20, 2)
        out["decide_seconds"] = round(t_decide, 2)
        out["actions"] = counts
        out["stats"] = {k: v for k, v in dd.stats.items() if k != "records"}
    seconds = time.perf_counter() - t0
    out["seconds"] = round(seconds, 2)
    out["mb_text"] = round(nbytes / 2**20, 1)
    if args.tracemalloc:
        out["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    out["base_rss_mb"] = round(base, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--size", type=int, default=5000, help="approximate bytes per document")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dup-rate", type=float, default=0.2)
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--phase", choices=("gen", "hash", "dedup"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.phase:
        print(json.dumps(run_phase(args)))
        return 0

    results = {}
    for phase in ("gen", "hash", "dedup"):
        cmd = [sys.executable, __file__, "--phase", phase, "--docs", str(args.docs), "--size", str(args.size),
               "--seed", str(args.seed), "--dup-rate", str(args.dup_rate)]
        if args.tracemalloc:
            cmd.append("--tracemalloc")
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            return proc.returncode
        results[phase] = json.loads(proc.stdout.strip().splitlines()[-1])

    n = args.docs
    gen = results["gen"]["seconds"]
    print(f"documents: {n}, ~{args.size} B each ({results['gen']['mb_text']} MB of text), dup rate {args.dup_rate}, "
          f"seed {args.seed}, python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"{'phase':8s} {'seconds':>9s} {'docs/s':>9s} {'docs/s excl. gen':>17s} {'peak RSS MB':>12s} "
          f"{'base RSS MB':>12s} {'peak-base':>10s}" + ("  tracemalloc peak MB" if args.tracemalloc else ""))
    for phase in ("gen", "hash", "dedup"):
        r = results[phase]
        s = r["seconds"]
        net = s - gen if phase != "gen" else s
        line = (f"{phase:8s} {s:9.2f} {n / s:9.0f} {n / net if net > 0 else float('inf'):17.0f} "
                f"{r['peak_rss_mb']:12.1f} {r['base_rss_mb']:12.1f} {r['peak_rss_mb'] - r['base_rss_mb']:10.1f}")
        if args.tracemalloc:
            line += f"  {r.get('tracemalloc_peak_mb', 0):.1f}"
        print(line)
    h, d = results["hash"], results["dedup"]
    print(f"dedup / hash time ratio: {d['seconds'] / h['seconds']:.1f}x "
          f"(excluding generation: {(d['seconds'] - gen) / max(h['seconds'] - gen, 1e-9):.1f}x)")
    print(f"dedup / hash peak-RSS ratio: {d['peak_rss_mb'] / h['peak_rss_mb']:.2f}x")
    print(f"plain hashing found {h['exact_duplicates']} exact duplicates")
    print(f"dedup actions: {json.dumps(d['actions'], sort_keys=True)}")
    print(f"dedup peak RSS when decide() returned: {d['peak_rss_after_decide_mb']} MB "
          f"({d['peak_rss_after_decide_mb'] - d['base_rss_mb']:.1f} MB above base; the rest is commit + save)")
    print(f"dedup decide {d['decide_seconds']} s; state file {d['state_file_mb']} MB; stats {json.dumps(d['stats'], sort_keys=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

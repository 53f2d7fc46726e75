"""Speed of the grammar stage: words per second per backend (one core), and the
sentence-cache hit rate on a second run over the same bodies.

    python bench/grammar_speed.py [--shared ../shared] [--backends offline,none,offline:lingotweaker,languagetool]
                                  [--repeat 1] [--rounds 1] [--before DIR] [--no-baseline]

Bodies: the demo site's articles (crawler/demo/content) plus, when ../shared is
there, the true bodies of extraction-dev. Each backend runs twice with a fresh cache
directory: run 1 is cold, run 2 (a new fixer, as a new crawl run would) reads the
cache. Every backend runs in its own fresh process, so run 1 is cold for Harper's
process-wide caches too (a backend measured after another in one process would find
them warm). `offline:reference` is the offline backend's reference path (Harper asked
about every rare word, as before the spelling prefilter); `--before DIR` also measures
the offline backend with the code in DIR (an export of an older commit: `git archive
BASE | tar -x -C DIR`). Ratios are against `--before` when given, else against the
reference path, taken within each round. With `--rounds N` the backends take turns N
times (the machine is shared: load changes during a run) and medians are shown. Words
per CPU second (the process's CPU time: its own work, whatever else runs on the machine)
are shown beside words per wall-clock second. For scale, also Harper with all its
default rules on, run directly.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# --code DIR (with --child): measure the project's code in DIR, e.g. an export of an older commit
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else str(ROOT)
sys.path.insert(0, _CODE)

from cleaning.grammar import (  # noqa: E402
    GrammarOptions,
    languagetool_status,
    local_languagetool_server,
    open_fixer,
)


def bodies(shared: Path, repeat: int) -> list[str]:
    from crawler.demo import load_articles

    out = [a.body for a in load_articles()]
    gt = shared / "eval" / "extraction-dev" / "ground-truth.json"
    if gt.exists():
        out += [v["articleBody"] for v in json.loads(gt.read_text(encoding="utf-8")).values() if v.get("articleBody")]
    # repeats are made distinct (a number per copy) so no cache of any layer sees them twice
    return [f"Copy {k}. {b}" if k else b for k in range(repeat) for b in out]


def harper_all_rules(texts: list[str], words: int) -> dict | None:
    try:
        import harper
    except ImportError:
        return None
    linter = harper.Linter()
    t0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        linter.lint(t, language="plaintext")
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"name": "harper-py, all default rules, lint only", "run1": words / dt, "cpu1": words / cpu}


def measure(spec: str, texts: list[str], words: int, url: str | None) -> dict:
    """Both runs of one backend, in this (fresh) process."""
    from cleaning.grammar import GrammarFixer

    if spec == "harper-all":
        return harper_all_rules(texts, words) or {"name": spec, "skipped": "harper-py is not installed"}
    backend, _, engine = spec.partition(":")
    reference = engine == "reference"
    with tempfile.TemporaryDirectory() as cache_dir:
        opts = GrammarOptions(backend=backend, cache_dir=cache_dir, languagetool_start_local=False,
                              languagetool_url=url if backend == "languagetool" else None,
                              **({"offline_engine": engine} if engine and not reference else {}))
        out: dict = {}
        for run in (1, 2):
            if reference:
                from cleaning.grammar.backends.harper_backend import HarperBackend

                ref = HarperBackend(opts.batch_chars, opts.batch_size, opts.policy.spelling_capitalised,
                                    gate=opts.policy, prefilter=False)
                fixer = GrammarFixer(opts, backend=ref)
            else:
                fixer = open_fixer(opts)
            with fixer:
                name = fixer.backend_name + (" (reference path)" if reference else "")
                t0, c0 = time.perf_counter(), time.process_time()
                results = fixer.fix_many(texts, ["en"] * len(texts))
                dt, cpu = time.perf_counter() - t0, time.process_time() - c0
                hit = fixer.cache.hit_rate
            out[f"run{run}"] = words / dt
            out[f"cpu{run}"] = words / cpu
            out[f"hit{run}"] = hit
            out[f"errors{run}"] = sum(r.status.startswith("error") for r in results)
        out["name"] = name
        return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--backends", default="offline,offline:reference,none,offline:lingotweaker,languagetool")
    p.add_argument("--languagetool-url", default=os.environ.get("HEALTH_LANGUAGETOOL_URL"))
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--rounds", type=int, default=1, help="backends take turns this many times; medians shown")
    p.add_argument("--no-baseline", action="store_true", help="skip harper-py with all its rules")
    p.add_argument("--before", metavar="DIR",
                   help="also measure the offline backend with the code in DIR (e.g. git archive BASE | tar -x -C DIR)")
    p.add_argument("--code", help=argparse.SUPPRESS)  # read before anything is imported (above)
    p.add_argument("--child", help=argparse.SUPPRESS)  # one backend, in a fresh process: prints JSON
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    texts = bodies(Path(args.shared), args.repeat)
    words = sum(len(t.split()) for t in texts)
    if args.child:
        print(json.dumps(measure(args.child, texts, words, args.languagetool_url)))
        return 0
    print(f"{len(texts)} bodies, {words:,} words, each backend in a fresh process")
    import contextlib

    stack = contextlib.ExitStack()
    url = args.languagetool_url
    specs = args.backends.split(",") + (["before"] if args.before else []) + ([] if args.no_baseline else ["harper-all"])
    if "languagetool" in specs and not url:
        ok, how = languagetool_status(None)
        if ok:
            url = stack.enter_context(local_languagetool_server())
        else:
            print(f"  languagetool: skipped ({how})")
            specs.remove("languagetool")
    got: dict[str, list[dict]] = {s: [] for s in specs}
    for _ in range(max(1, args.rounds)):
        for spec in specs:
            child = "offline" if spec == "before" else spec
            cmd = [sys.executable, __file__, "--child", child, "--shared", args.shared, "--repeat", str(args.repeat)]
            if spec == "before":
                cmd += ["--code", str(Path(args.before).resolve())]
            if url:
                cmd += ["--languagetool-url", url]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            if spec == "before":
                row["name"] += f" (code of {args.before})"
            got[spec].append(row)
    stack.close()
    base_spec = "before" if args.before else "offline:reference"
    base = got.get(base_spec)
    for spec, rows in got.items():
        if "skipped" in rows[0]:
            print(f"  {rows[0]['name']}: skipped ({rows[0]['skipped']})")
            continue
        r1 = statistics.median(r["run1"] for r in rows)
        c1 = statistics.median(r["cpu1"] for r in rows)
        line = f"  {rows[0]['name']:44s} run 1: {r1:9,.0f} words/s ({c1:,.0f} per CPU second)"
        if "run2" in rows[0]:
            r2 = statistics.median(r["run2"] for r in rows)
            line += f", cache hit rate {rows[0]['hit1']:6.1%} | run 2: {r2:9,.0f} words/s, cache hit rate {rows[0]['hit2']:6.1%}"
            errors = sum(r["errors1"] + r["errors2"] for r in rows)
            line += f", {errors} errors" if errors else ""
        if base:
            # the rounds ran one after another: a ratio within a round sees the same load
            ratios = [r["run1"] / b["run1"] for r, b in zip(rows, base)]
            cpu_ratios = [r["cpu1"] / b["cpu1"] for r, b in zip(rows, base)]
            line += (f" | run 1 = {statistics.median(ratios):4.2f}x {base_spec}, "
                     f"{statistics.median(cpu_ratios):4.2f}x in CPU time")
            if len(ratios) > 1:
                line += (f" (rounds: {', '.join(f'{x:.2f}' for x in ratios)}; "
                         f"CPU {', '.join(f'{x:.2f}' for x in cpu_ratios)})")
        if len(rows) > 1:
            runs = ", ".join(f"{r['run1']:,.0f}" for r in rows)
            line += f"; run 1 of each round: {runs}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

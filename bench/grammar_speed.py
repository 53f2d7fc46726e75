"""Speed of the grammar stage: words per second per backend (one core), and the
sentence-cache hit rate on a second run over the same bodies.

    python bench/grammar_speed.py [--shared ../shared] [--backends offline,none,offline:lingotweaker,languagetool]
                                  [--repeat 1]

Bodies: the demo site's articles (crawler/demo/content) plus, when ../shared is
there, the true bodies of extraction-dev. Each backend runs twice with a fresh cache
directory: run 1 is cold, run 2 (a new fixer, as a new crawl run would) reads the
cache. For scale, also Harper with all its default rules on, run directly.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaning.grammar import GrammarOptions, languagetool_status, local_languagetool_server, open_fixer  # noqa: E402


def bodies(shared: Path, repeat: int) -> list[str]:
    out = []
    for f in sorted((ROOT / "crawler" / "demo" / "content").glob("[0-9][0-9][0-9]-*.md")):
        m = re.match(r"\+\+\+\s*\n.*?\n\+\+\+\s*\n(.*)", f.read_text(encoding="utf-8"), re.S)
        if m:
            out.append(m.group(1))
    gt = shared / "eval" / "extraction-dev" / "ground-truth.json"
    if gt.exists():
        out += [v["articleBody"] for v in json.loads(gt.read_text(encoding="utf-8")).values() if v.get("articleBody")]
    # repeats are made distinct (a number per copy) so no cache of any layer sees them twice
    return [f"Copy {k}. {b}" if k else b for k in range(repeat) for b in out]


def harper_all_rules(texts: list[str], words: int) -> None:
    try:
        import harper
    except ImportError:
        return
    linter = harper.Linter()
    t0 = time.perf_counter()
    for t in texts:
        linter.lint(t, language="plaintext")
    dt = time.perf_counter() - t0
    print(f"  harper-py, all default rules, lint only:  {words / dt:9,.0f} words/s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--backends", default="offline,none,offline:lingotweaker,languagetool")
    p.add_argument("--languagetool-url", default=os.environ.get("HEALTH_LANGUAGETOOL_URL"))
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    texts = bodies(Path(args.shared), args.repeat)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} bodies, {words:,} words, one process")
    import contextlib

    stack = contextlib.ExitStack()
    url = args.languagetool_url
    for spec in args.backends.split(","):
        backend, _, engine = spec.partition(":")
        if backend == "languagetool" and not url:
            ok, how = languagetool_status(None)
            if not ok:
                print(f"  languagetool: skipped ({how})")
                continue
            url = stack.enter_context(local_languagetool_server())
        with tempfile.TemporaryDirectory() as cache_dir:
            opts = GrammarOptions(backend=backend, cache_dir=cache_dir, languagetool_start_local=False,
                                  languagetool_url=url if backend == "languagetool" else None,
                                  **({"offline_engine": engine} if engine else {}))
            line = []
            for run in (1, 2):
                with open_fixer(opts) as fixer:
                    name = fixer.backend_name
                    t0 = time.perf_counter()
                    results = fixer.fix_many(texts, ["en"] * len(texts))
                    dt = time.perf_counter() - t0
                    hit = fixer.cache.hit_rate
                errors = sum(r.status.startswith("error") for r in results)
                line.append(f"run {run}: {words / dt:9,.0f} words/s, cache hit rate {hit:6.1%}"
                            + (f", {errors} errors" if errors else ""))
            print(f"  {name:40s} " + " | ".join(line))
    stack.close()
    harper_all_rules(texts, words)
    return 0


if __name__ == "__main__":
    sys.exit(main())

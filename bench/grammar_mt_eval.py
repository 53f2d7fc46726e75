"""The grammar stage on real machine translation (MQM dev) and on JFLEG dev, per backend.

    python bench/grammar_mt_eval.py [--backends offline,languagetool,none,offline:lingotweaker,offline:reference]
                                    [--shared ../shared]
                                    [--iterations 500] [--show 0] [--no-jfleg]

For each backend (``none`` = the product's own rules only; ``offline:reference`` = the offline
backend asking Harper about every rare word, the path before the spelling prefilter):
- MQM dev (bench/grammar_mqm.py has the definitions): precision, touched and harm, on all
  documents, on the tuning half and on the held-out half;
- per rule: edits in the fluency pool, how many inside fluency spans, words changed on the clean pool;
- JFLEG dev: GLEU of the corrected text against the source sent through the same path.

``--show N`` prints N word-changing edits per rule (fluency pool, marked IN/out of a span, and clean
pool) for reading by hand. LanguageTool: a running server named by --languagetool-url, or a local
install (python -m cleaning languagetool install), started once for the whole run.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import grammar_mqm as mqm  # noqa: E402
from grammar_gleu import corpus_gleu, detokenize, tokenize  # noqa: E402

from cleaning.grammar import GrammarOptions, languagetool_status, local_languagetool_server, open_fixer  # noqa: E402


def _changes_words(original: str, replacement: str) -> bool:
    return mqm.WORD.findall(original) != mqm.WORD.findall(replacement)


def run_mqm(fixer, segments: list[mqm.Segment], show: int) -> None:
    t0 = time.perf_counter()
    results = fixer.fix_many([s.text for s in segments], ["en"] * len(segments))
    dt = time.perf_counter() - t0
    errors = Counter(r.status for r in results if r.status.startswith("error"))
    print(f"MQM dev, backend {fixer.backend_name}: {len(segments)} segments in {dt:.1f} s"
          + (f"; ERRORS {dict(errors)}" if errors else ""))
    spans = [[(e.offset, e.length) for e in r.edits] for r in results]
    texts = [r.text for r in results]
    for which in ("all", "tune", "heldout"):
        idx = [i for i, s in enumerate(segments) if which == "all" or (s.tune == (which == "tune"))]
        sc = mqm.score([segments[i] for i in idx], [spans[i] for i in idx], [texts[i] for i in idx])
        print(f"  {which:8s} {sc.line()}")
    per_rule: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list[str]] = defaultdict(list)
    for seg, r in zip(segments, results):
        flu = seg.fluency
        for e in r.edits:
            key = e.rule_id
            word = _changes_words(e.original, e.replacement)
            if flu:
                inside = any(mqm.overlaps(e.offset, e.length, sp) for sp in flu)
                per_rule[key]["fluency"] += 1
                per_rule[key]["in_span"] += inside
                if word:
                    samples[key].append(f"{'IN ' if inside else 'out'} {_context(seg.text, e)}")
            if seg.clean:
                c, _ = mqm.words_changed(e.original, e.replacement)
                per_rule[key]["clean_edits"] += 1
                per_rule[key]["clean_words"] += max(c, 0)
                if word:
                    samples[key].append(f"CLEAN {_context(seg.text, e)}")
    print("  per rule: edits in fluency pool (inside fluency spans) | edits on clean pool (words changed)")
    for rule, c in sorted(per_rule.items(), key=lambda kv: -(kv[1]["fluency"] + kv[1]["clean_edits"])):
        print(f"    {rule:40s} {c['fluency']:4d} ({c['in_span']:4d}) | {c['clean_edits']:4d} ({c['clean_words']})")
    if show:
        rng = random.Random(13)
        for rule, lines in sorted(samples.items()):
            print(f"  -- {rule}: {len(lines)} word-changing edits; sample:")
            for line in rng.sample(lines, min(show, len(lines))):
                print("     " + line)


def _context(text: str, e) -> str:
    a = max(0, e.offset - 40)
    b = min(len(text), e.offset + e.length + 40)
    return f"...{text[a:e.offset]}[{e.original} -> {e.replacement}]{text[e.offset + e.length:b]}..."


def run_jfleg(fixer, shared: Path, iterations: int) -> None:
    d = shared / "eval" / "jfleg-dev"
    if not (d / "dev.src").exists():
        print(f"JFLEG: skipped ({d} not found)")
        return
    src = [line.split() for line in (d / "dev.src").read_text(encoding="utf-8").splitlines()]
    refs = [[line.split() for line in (d / f"dev.ref{k}").read_text(encoding="utf-8").splitlines()]
            for k in range(4)]
    plain = [detokenize(" ".join(s)) for s in src]
    results = fixer.fix_many(plain, ["en"] * len(plain))
    base, _ = corpus_gleu(src, refs, [tokenize(t) for t in plain], iterations)
    fixed, _ = corpus_gleu(src, refs, [tokenize(r.text) for r in results], iterations)
    edits = sum(len(r.edits) for r in results)
    print(f"JFLEG dev, backend {fixer.backend_name}: GLEU source {100 * base:.2f}, corrected "
          f"{100 * fixed:.2f}, difference {100 * (fixed - base):+.2f} ({edits} edits)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backends", default="offline,languagetool,none")
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--languagetool-url", default=None)
    p.add_argument("--iterations", type=int, default=500)
    p.add_argument("--show", type=int, default=0)
    p.add_argument("--no-jfleg", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    shared = Path(args.shared)
    if not (shared / "eval" / "mt-mqm-dev").is_dir():
        print(f"skipped: {shared}/eval/mt-mqm-dev not found")
        return 0
    segments = mqm.pools(mqm.load(shared))
    with contextlib.ExitStack() as stack:
        url = args.languagetool_url
        for spec in args.backends.split(","):
            backend, _, engine = spec.partition(":")  # offline:lingotweaker
            if backend == "languagetool" and not url:
                ok, how = languagetool_status(None)
                if not ok:
                    print(f"languagetool: skipped ({how}; python -m cleaning languagetool install)")
                    continue
                url = stack.enter_context(local_languagetool_server())
            reference = engine == "reference"  # offline:reference, the offline backend's reference path
            opts = GrammarOptions(backend=backend, languagetool_url=url if backend == "languagetool" else None,
                                  languagetool_start_local=False,
                                  **({"offline_engine": engine} if engine and not reference else {}))
            if reference:
                from cleaning.grammar import GrammarFixer
                from cleaning.grammar.backends.harper_backend import HarperBackend

                ref = HarperBackend(opts.batch_chars, opts.batch_size, opts.policy.spelling_capitalised,
                                    gate=opts.policy, prefilter=False)
                fixer = GrammarFixer(opts, backend=ref)
            else:
                fixer = open_fixer(opts)
            with fixer:
                run_mqm(fixer, segments, args.show)
                if not args.no_jfleg:
                    run_jfleg(fixer, shared, args.iterations)
    return 0


if __name__ == "__main__":
    sys.exit(main())

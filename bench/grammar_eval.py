"""Evidence for the grammar stage (docs/grammar.md, "Figures").

    python bench/grammar_eval.py [--backend offline] [--shared ../shared] [--iterations 500]

1. JFLEG dev: GLEU of the corrected text against GLEU of the source, both sent
   through the same path (detokenise -> [fix] -> tokenise), so spacing does not count.
2. Clean text: words changed per 1,000 on the English true bodies of extraction-dev
   (a body is English when the product's language identification says so). Words are runs of \\w; the old and
   new word sequences are aligned (difflib) and every replaced, deleted or inserted
   word counts once (a replacement of n words by m counts max(n, m)). Reported with
   the run's corpus vocabulary protected (what the pipeline does) and without.
3. Demo site: every planted artifact of crawler/demo/content/NNN-*.md is repaired
   (after fixing, its `before` is gone and its `after` is present).

Reads ../shared; never copies its text anywhere.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import re
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from grammar_gleu import corpus_gleu, detokenize, tokenize  # noqa: E402

from cleaning.grammar import CorpusVocabulary, GrammarOptions, open_fixer  # noqa: E402

WORD = re.compile(r"\w+")


def words_changed(a: str, b: str) -> tuple[int, int]:
    wa, wb = WORD.findall(a), WORD.findall(b)
    changed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op != "equal":
            changed += max(i2 - i1, j2 - j1)
    return changed, len(wa)


def jfleg(shared: Path, backend: str, iterations: int) -> None:
    d = shared / "eval" / "jfleg-dev"
    if not (d / "dev.src").exists():
        print(f"JFLEG: skipped ({d} not found)")
        return
    src = [line.split() for line in (d / "dev.src").read_text(encoding="utf-8").splitlines()]
    refs = [[line.split() for line in (d / f"dev.ref{k}").read_text(encoding="utf-8").splitlines()] for k in range(4)]
    plain = [detokenize(" ".join(s)) for s in src]
    with open_fixer(GrammarOptions(backend=backend)) as fixer:
        t0 = time.perf_counter()
        results = fixer.fix_many(plain, ["en"] * len(plain))
        dt = time.perf_counter() - t0
        name = fixer.backend_name
    base, base_sd = corpus_gleu(src, refs, [tokenize(t) for t in plain], iterations)
    fixed, fixed_sd = corpus_gleu(src, refs, [tokenize(r.text) for r in results], iterations)
    edits = sum(len(r.edits) for r in results)
    print(f"JFLEG dev ({len(src)} sentences, backend {name}, {iterations} reference draws, {dt:.1f} s)")
    print(f"  GLEU source    {100 * base:6.2f} (sd {100 * base_sd:.2f})")
    print(f"  GLEU corrected {100 * fixed:6.2f} (sd {100 * fixed_sd:.2f})")
    print(f"  difference     {100 * (fixed - base):+6.2f} points   [{edits} edits applied]")


def clean(shared: Path, backend: str, show: int) -> None:
    gt_path = shared / "eval" / "extraction-dev" / "ground-truth.json"
    if not gt_path.exists():
        print(f"Clean text: skipped ({gt_path} not found)")
        return
    from cleaning.language import detect_language

    bodies = []
    for item in json.loads(gt_path.read_text(encoding="utf-8")).values():
        body = item.get("articleBody") or ""
        if body.strip() and detect_language(body).language == "en":
            bodies.append(body)
    vocab = CorpusVocabulary()
    vocab.update(bodies)
    print(f"Clean text: {len(bodies)} English true bodies of extraction-dev")
    for label, protect in (("with the run's corpus vocabulary", True), ("without corpus vocabulary", False)):
        with open_fixer(GrammarOptions(backend=backend)) as fixer:
            if protect:
                fixer.protect(vocab.recurring(min_docs=2))
            results = fixer.fix_many(bodies, ["en"] * len(bodies))
            name = fixer.backend_name
        changed = total = edits = 0
        rules: dict[str, int] = {}
        samples = []
        for body, r in zip(bodies, results):
            c, n = words_changed(body, r.text)
            changed += c
            total += n
            edits += len(r.edits)
            for e in r.edits:
                rules[e.rule_id] = rules.get(e.rule_id, 0) + 1
                samples.append(e)
        print(f"  {label} (backend {name}): {1000 * changed / total:.2f} words changed per 1,000 "
              f"({changed} of {total}); {1000 * edits / total:.2f} edits of any kind per 1,000 words")
        print("    edits by rule: " + ", ".join(f"{k} {v}" for k, v in sorted(rules.items(), key=lambda x: -x[1])))
        for e in samples[:show]:
            print(f"    {e.rule_id}: {e.original!r} -> {e.replacement!r}")


def demo(backend: str) -> None:
    files = sorted((ROOT / "crawler" / "demo" / "content").glob("[0-9][0-9][0-9]-*.md"))
    if not files:
        print("Demo artifacts: skipped (no crawler/demo/content/NNN-*.md yet)")
        return
    docs = []
    for f in files:
        raw = f.read_text(encoding="utf-8")
        m = re.match(r"\+\+\+\s*\n(.*?)\n\+\+\+\s*\n(.*)", raw, re.S)
        if not m:
            print(f"  {f.name}: no front matter, skipped")
            continue
        meta = tomllib.loads(m.group(1))
        docs.append((f.name, meta, m.group(2)))
    vocab = CorpusVocabulary()
    vocab.update(body for _, _, body in docs)
    passed = total = 0
    failures = []
    with open_fixer(GrammarOptions(backend=backend)) as fixer:
        fixer.protect(vocab.recurring(min_docs=2))
        results = fixer.fix_many([b for _, _, b in docs], [meta.get("lang", "en") for _, meta, _ in docs])
        name = fixer.backend_name
    for (fname, meta, body), r in zip(docs, results):
        for a in meta.get("artifacts", []):
            total += 1
            ok = a["before"] not in r.text and a["after"] in r.text
            passed += ok
            if not ok:
                failures.append((fname, a.get("kind"), a["before"], a["after"], r.status))
    print(f"Demo artifacts ({len(docs)} articles, backend {name}): {passed} of {total} repaired")
    for f in failures:
        print(f"  NOT repaired: {f[0]} [{f[1]}] {f[2]!r} -> {f[3]!r} (status {f[4]})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", default="auto")
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--iterations", type=int, default=500)
    p.add_argument("--show", type=int, default=0, help="print this many applied edits on clean text")
    p.add_argument("--only", choices=("jfleg", "clean", "demo"), action="append")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    shared = Path(args.shared)
    only = set(args.only or ("jfleg", "clean", "demo"))
    if "jfleg" in only:
        jfleg(shared, args.backend, args.iterations)
    if "clean" in only:
        clean(shared, args.backend, args.show)
    if "demo" in only:
        demo(args.backend)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Precision and recall of near-duplicate detection on a labelled set built here.

The labelled set (rebuilt on every run from a seed; nothing is stored):

* base articles: ``--bases`` generated health articles (8 topics, ~4 KB each,
  tests.support.dedup_synthetic) and, with ``--source demo|both``, the demo
  articles in crawler/demo/content/*.md (TOML front matter between ``+++``
  lines, then the body);
* per base, its near-duplicate *family*: the base plus one variant per edit:
  1-3 sentences added, 1-3 sentences removed, 0.5-2 % of the words changed,
  paragraphs reordered, boilerplate added (navigation, share links,
  disclaimer), and boilerplate added + words changed together;
* negatives: every other base on the same topic (unrelated articles on the
  same subject share vocabulary and stock phrases), plus per base one new
  article on the same topic that quotes one of its paragraphs (own family).

Demo articles that are already near copies of each other (true Jaccard of
word shingles >= 0.5, e.g. a story republished with a new headline) are put
in one family and listed.

Each document gets its own URL, so only content dedup is measured. The
prediction is the cluster each document ends in (``duplicate_of`` or its own
article id); precision and recall are counted over pairs of documents.
Two modes: ``batch`` (everything in one run) and ``cross-run`` (bases and
negatives in run 1, committed and saved; the variants in run 2 against the
loaded state, where near matches are confirmed on the MinHash estimate).

    python bench/dedup_eval.py                      # both sources, both modes
    python bench/dedup_eval.py --source synthetic --bases 300 --seed 7

Exits 1 when precision or recall falls below --min (default 0.95).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cleaning.dedup import (  # noqa: E402
    DedupOptions,
    DedupRecord,
    DedupState,
    Deduplicator,
    article_id,
    canonicalize_url,
    jaccard,
    shingle_hashes,
)
from tests.support import dedup_synthetic as syn  # noqa: E402

VARIANTS = (*syn.EDITS, "boilerplate+words")


def read_demo(directory: Path) -> list[tuple[str, str, str]]:
    """[(name, topic, body)] of the demo articles."""
    out = []
    for path in sorted(directory.glob("*.md")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        parts = raw.split("+++", 2)
        if raw.startswith("+++") and len(parts) == 3:
            front, body = parts[1], parts[2]
        else:
            front, body = "", raw
        topic = "heart"
        for line in front.splitlines():
            if line.strip().startswith("category"):
                value = line.split("=", 1)[1].strip().strip('"')
                if value in syn.TOPICS:
                    topic = value
        body = body.strip()
        if body:
            out.append((path.stem, topic, body))
    return out


def build(args) -> tuple[list[dict], list[str]]:
    """Documents [{doc, family, variant, text, run}] and notes."""
    rng = random.Random(args.seed)
    bases: list[tuple[str, str, str]] = []
    notes: list[str] = []
    if args.source in ("synthetic", "both"):
        topics = sorted(syn.TOPICS)
        for i in range(args.bases):
            topic = topics[i % len(topics)]
            bases.append((f"syn{i:04d}", topic, syn.article(rng, topic)))
    if args.source in ("demo", "both"):
        demo = read_demo(args.demo_dir)
        if not demo:
            notes.append(f"no demo articles in {args.demo_dir}")
        bases.extend((f"demo:{n}", t, b) for n, t, b in demo)

    # families: merge bases that already are near copies (demo republications)
    family = {name: name for name, _, _ in bases}
    demo_sh = {name: shingle_hashes(body, args.shingle_size) for name, _, body in bases if name.startswith("demo:")}
    names = sorted(demo_sh)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            j = jaccard(demo_sh[a], demo_sh[b])
            if j >= 0.5:
                family[b] = family[a]
                notes.append(f"demo articles {a[5:]} and {b[5:]} are near copies (J={j:.3f}): one family")

    docs: list[dict] = []
    for name, topic, body in bases:
        fam = family[name]
        docs.append(dict(doc=name, family=fam, variant="base", text=body, run=1))
        for v in VARIANTS:
            if v == "boilerplate+words":
                text = syn.add_boilerplate(rng, syn.change_words(rng, body, topic))
            else:
                text = syn.edit(rng, v, body, topic)
            docs.append(dict(doc=f"{name}~{v}", family=fam, variant=v, text=text, run=2))
        quoting = syn.quote_paragraph(rng, syn.article(rng, topic), body)
        docs.append(dict(doc=f"{name}~quote", family=f"{name}~quote", variant="quote", text=quoting, run=1))
        paras = [p for p in body.split("\n\n") if p.strip()]
        half = paras[: (len(paras) + 1) // 2] + [syn.paragraph(rng, topic) for _ in range(len(paras) // 2 + 1)]
        docs.append(dict(doc=f"{name}~half", family=f"{name}~half", variant="half", text="\n\n".join(half), run=1))
    return docs, notes


def records(docs: list[dict], rng: random.Random) -> list[DedupRecord]:
    out = []
    for d in docs:
        url = canonicalize_url(f"https://site{rng.randrange(5)}.example/{d['doc'].replace(':', '/')}")
        published = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
        out.append(DedupRecord(d["doc"], article_id(url), url, rng.random() < 0.5, published, d["text"]))
    return out


def pair_scores(docs: list[dict], cluster: dict[str, str]) -> tuple[float, float, int, int, int]:
    def pairs(groups: dict) -> set:
        out = set()
        for members in groups.values():
            members = sorted(members)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    out.add((a, b))
        return out

    truth: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        truth[d["family"]].append(d["doc"])
        pred[cluster[d["doc"]]].append(d["doc"])
    t, p = pairs(truth), pairs(pred)
    tp = len(t & p)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    return precision, recall, tp, len(p), len(t)


def clusters_of(decisions) -> dict[str, str]:
    return {d.doc_id: (d.duplicate_of if d.action == "duplicate" else d.article_id) for d in decisions}


def report(title: str, docs: list[dict], cluster: dict[str, str], seconds: float) -> tuple[float, float]:
    precision, recall, tp, npred, ntrue = pair_scores(docs, cluster)
    print(f"\n== {title}")
    print(f"documents {len(docs)}, true duplicate pairs {ntrue}, predicted pairs {npred}, correct {tp}")
    print(f"precision {precision:.4f}")
    print(f"recall    {recall:.4f}")
    base_cluster = {d["family"]: cluster[d["doc"]] for d in docs if d["variant"] == "base"}
    print("recall by variant (variant ends in its base's cluster):")
    for v in VARIANTS:
        vs = [d for d in docs if d["variant"] == v]
        if vs:
            ok = sum(cluster[d["doc"]] == base_cluster[d["family"]] for d in vs)
            print(f"  {v:20s} {ok}/{len(vs)}")
    print(f"decide time {seconds:.2f}s")
    return precision, recall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", choices=("synthetic", "demo", "both"), default="both")
    ap.add_argument("--bases", type=int, default=200, help="generated base articles")
    ap.add_argument("--demo-dir", type=Path, default=ROOT / "crawler" / "demo" / "content")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--threshold", type=float, default=DedupOptions.threshold)
    ap.add_argument("--num-perm", type=int, default=DedupOptions.num_perm)
    ap.add_argument("--shingle-size", type=int, default=DedupOptions.shingle_size)
    ap.add_argument("--mode", choices=("batch", "cross-run", "both"), default="both")
    ap.add_argument("--min", type=float, default=0.95, help="fail (exit 1) below this")
    args = ap.parse_args(argv)

    opts = DedupOptions(threshold=args.threshold, num_perm=args.num_perm, shingle_size=args.shingle_size)
    docs, notes = build(args)
    print(f"labelled set: {len(docs)} documents, {len({d['family'] for d in docs})} families; "
          f"threshold {opts.threshold}, num_perm {opts.num_perm}, shingle_size {opts.shingle_size}, "
          f"LSH bands x rows {opts.bands_rows}")
    for n in notes:
        print("note:", n)
    by_doc = {d["doc"]: d for d in docs}
    sims: dict[str, list[float]] = defaultdict(list)
    base_sh = {d["family"]: shingle_hashes(d["text"], opts.shingle_size) for d in docs if d["variant"] == "base"}
    for d in docs:
        if d["variant"] not in ("base", "quote", "half"):
            sims[d["variant"]].append(jaccard(base_sh[d["family"]], shingle_hashes(d["text"], opts.shingle_size)))
    neg_sims: dict[str, list[float]] = defaultdict(list)
    for d in docs:
        if d["variant"] in ("quote", "half"):
            src = d["doc"].rsplit("~", 1)[0]
            neg_sims[d["variant"]].append(
                jaccard(base_sh[by_doc[src]["family"]], shingle_hashes(d["text"], opts.shingle_size)))
    print("true Jaccard of each variant with its base (min / median):")
    for v in VARIANTS:
        if sims[v]:
            print(f"  {v:20s} {min(sims[v]):.3f} / {statistics.median(sims[v]):.3f}")
    for v, vals in neg_sims.items():
        print(f"  {v + ' (negative)':20s} max {max(vals):.3f}")

    rng = random.Random(args.seed + 1)
    recs = records(docs, rng)
    worst = 1.0
    if args.mode in ("batch", "both"):
        t0 = time.perf_counter()
        dec = Deduplicator(opts, DedupState(opts)).decide(recs)
        p, r = report("batch (one run, true Jaccard)", docs, clusters_of(dec), time.perf_counter() - t0)
        worst = min(worst, p, r)
    if args.mode in ("cross-run", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "dedup_state.parquet"
            run1 = [r for r, d in zip(recs, docs) if d["run"] == 1]
            run2 = [r for r, d in zip(recs, docs) if d["run"] == 2]
            t0 = time.perf_counter()
            dd = Deduplicator(opts, DedupState.load(path, opts))
            dec1 = dd.decide(run1)
            dd.commit()
            dd.state.save(path)
            dd2 = Deduplicator(opts, DedupState.load(path, opts))
            dec2 = dd2.decide(run2)
            p, r = report("cross-run (run 2 against the saved state, estimated Jaccard)", docs,
                          clusters_of(dec1 + dec2), time.perf_counter() - t0)
            worst = min(worst, p, r)
    ok = worst >= args.min
    print(f"\n{'PASS' if ok else 'FAIL'}: min(precision, recall) = {worst:.4f} (required {args.min})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Language identification: agreement with lingua, time per document and the mixed-language check,
for today's detection (langdetect per paragraph), the product (fastText lid.176) and other detectors,
in one run.

    python bench/language_eval.py [--shared ../shared/eval] [--rounds 3] [--only SUBSTRING ...]

Reference: lingua (lingua-language-detector), high-accuracy mode, all languages, on the whole text;
a row *agrees* on a text when its ``language`` equals lingua's (lingua's "no answer" is "und"). Texts (read from
the shared dev sets at run time, see bench/language_corpora.py): the extraction-dev true bodies (the
headline), the dates-dev pages through the product's extractor, their first paragraphs (short
pages), Chinese passages, two-language mixtures built from real texts at known letter shares, and
generated non-text ("garbage", where "und" is right).
Times are wall-clock per document after a warm-up pass: the best of ``rounds`` passes for each
extraction-dev body and Chinese passage, one pass for the other texts (the machine is shared: the
best of several passes keeps other processes' load out of the figure);
"inputs/doc" is how many texts the detector itself was handed per document.

Extras needed: ``pip install -e '.[langeval]'`` (lingua and the candidate detectors).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import language_corpora as corpora  # noqa: E402
import language_detectors as detectors  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


def timed(fn, texts: list[str], rounds: int) -> tuple[list, list[float]]:
    results = [fn(t) for t in texts]  # warm-up, and the answers
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for i, t in enumerate(texts):
            start = time.perf_counter()
            fn(t)
            best[i] = min(best[i], time.perf_counter() - start)
    return results, [b * 1000 for b in best]


def p99(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared eval folder")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", nargs="*", default=[], help="rows whose name contains one of these")
    args = ap.parse_args(argv)

    ref = detectors.lingua_reference()
    texts = {"extraction": corpora.extraction(args.shared), "dates": corpora.dates(args.shared)}
    texts["short"] = corpora.short(texts["extraction"] + texts["dates"])
    texts["zh"] = corpora.zh_passages(args.shared)
    truth = {name: [ref(t) for t in ts] for name, ts in texts.items()}
    mixes = corpora.mixtures(args.shared, corpora.by_reference_language(texts["extraction"] + texts["dates"], ref))
    junk = corpora.garbage()

    rows: dict[str, tuple] = {}
    counter = detectors.Counted()
    rows["today: langdetect per paragraph"] = (detectors.today(counter), counter)
    for name, factory in detectors.identifiers().items():
        try:
            identify = factory()
        except ImportError as exc:
            print(f"skipped {name}: {exc}")
            continue
        counter = detectors.Counted()
        rows[name] = (detectors.product_with(identify, counter), counter)
    counter = detectors.Counted()
    rows["lid.176, one call on the joined sample"] = (detectors.joined_single_call(counter), counter)
    if args.only:
        rows = {k: v for k, v in rows.items() if any(o.lower() in k.lower() for o in args.only)}

    print(f"reference: lingua high accuracy, all languages | texts: extraction-dev bodies {len(texts['extraction'])}, "
          f"dates-dev bodies {len(texts['dates'])}, short paragraphs {len(texts['short'])}, "
          f"Chinese passages {len(texts['zh'])}, mixtures {len(mixes)}, garbage {len(junk)} | rounds {args.rounds}")
    print("mixtures:", dict(Counter(f"{m.kind} {'/'.join(m.pair)}" for m in mixes)))
    print("reference languages, extraction-dev:", dict(Counter(truth["extraction"]).most_common()))
    print("reference languages, dates-dev:", dict(Counter(truth["dates"]).most_common()))
    head = (f"{'detector':<40}{'extraction':>12}{'dates':>9}{'short':>8}{'zh':>7}"
            f"{'garbage':>8}{'ms mean':>9}{'ms p99':>8}{'dates mean/p99':>16}{'zh/mix p99':>12}{'inputs/doc':>11}")
    print("\nagreement with lingua (share of texts); garbage: share given 'und'; "
          "ms per document (extraction-dev unless said)")
    print(head)
    mixed_report: dict[str, dict] = {}
    for name, (fn, counter) in rows.items():
        agree, ms, answers = {}, {}, {}
        for corpus, ts in texts.items():
            counter.calls = 0
            answers[corpus], ms[corpus] = timed(fn, ts, args.rounds if corpus in ("extraction", "zh") else 1)
            if corpus == "extraction":
                calls = counter.calls / len(ts) / (1 + args.rounds)  # warm-up pass + timed passes
            agree[corpus] = sum(r.language == t for r, t in zip(answers[corpus], truth[corpus])) / len(ts)
        flagged = sum(r.mixed for r in answers["extraction"])
        und = sum(fn(t).language == "und" for t in junk) / len(junk)
        mix_results, ms["mix"] = timed(fn, [m.text for m in mixes], 1)
        mixed_report[name] = (mix_results, flagged)
        print(f"{name:<40}{agree['extraction']:>12.3f}{agree['dates']:>9.3f}{agree['short']:>8.3f}{agree['zh']:>7.3f}{und:>8.3f}"
              f"{statistics.fmean(ms['extraction']):>9.3f}{p99(ms['extraction']):>8.3f}"
              f"{statistics.fmean(ms['dates']):>8.3f}/{p99(ms['dates']):<7.3f}"
              f"{p99(ms['zh']):>5.2f}/{p99(ms['mix']):<6.2f}{calls:>11.1f}")
        wrong = [(t, r.language) for r, t in zip(answers["extraction"], truth["extraction"]) if r.language != t]
        if wrong:
            print(f"{'':<4}extraction-dev disagreements (lingua, row): {wrong}")

    print("\nmixed-language check: right / judged, per kind of mixture (mixed expected from 20 % of letters,"
          " not mixed up to 10 %); 'flagged' = extraction-dev bodies flagged mixed")
    kinds = sorted({m.kind for m in mixes})
    print(f"{'detector':<40}" + "".join(f"{k + ' mixed':>24}{'not':>6}" for k in kinds) + f"{'flagged':>9}")
    for name, (results, flagged) in mixed_report.items():
        tally: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0])
        for m, r in zip(mixes, results):
            expect = m.expect_mixed
            if expect is None:
                continue
            right = (r.mixed and set(r.languages) == set(m.pair)) if expect else (not r.mixed and r.language == m.pair[0])
            tally[(m.kind, expect)][0] += right
            tally[(m.kind, expect)][1] += 1
        cells = "".join(f"{_frac(tally[(k, True)]):>24}{_frac(tally[(k, False)]):>6}" for k in kinds)
        print(f"{name:<40}{cells}{flagged:>9}")
    return 0


def _frac(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


if __name__ == "__main__":
    sys.exit(main())

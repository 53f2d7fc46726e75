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
Times are per document after a warm-up pass, the best of ``rounds`` passes for each text (the
machine is shared: the best of several passes keeps other processes' load out of the figure), wall
clock and CPU time of the thread;
"inputs" and "chars" are how many texts and characters the detector itself was handed per document.

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


def timed(fn, texts: list[str], rounds: int) -> tuple[list, list[float], list[float]]:
    """Answers, and per text the best wall-clock and the best CPU milliseconds over ``rounds``."""
    results = [fn(t) for t in texts]  # warm-up, and the answers
    wall = [float("inf")] * len(texts)
    cpu = [float("inf")] * len(texts)
    for _ in range(max(1, rounds)):
        for i, t in enumerate(texts):
            w, c = time.perf_counter(), time.thread_time()
            fn(t)
            cpu[i] = min(cpu[i], time.thread_time() - c)
            wall[i] = min(wall[i], time.perf_counter() - w)
    return results, [x * 1000 for x in wall], [x * 1000 for x in cpu]


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
    measured: dict[str, dict] = {}
    for name, (fn, counter) in rows.items():
        m: dict = {"agree": {}, "wall": {}, "cpu": {}}
        for corpus, ts in texts.items():
            counter.calls = counter.chars = 0
            answers, m["wall"][corpus], m["cpu"][corpus] = timed(fn, ts, 1 if corpus == "short" else args.rounds)
            if corpus == "extraction":
                passes = 1 + args.rounds  # warm-up pass + timed passes
                m["inputs"], m["chars"] = counter.calls / len(ts) / passes, counter.chars / len(ts) / passes
                m["flagged"] = sum(r.mixed for r in answers)
                m["wrong"] = [(t, r.language) for r, t in zip(answers, truth[corpus]) if r.language != t]
            m["agree"][corpus] = sum(r.language == t for r, t in zip(answers, truth[corpus])) / len(ts)
        m["und"] = sum(fn(t).language == "und" for t in junk) / len(junk)
        m["mix"], m["wall"]["mix"], _ = timed(fn, [x.text for x in mixes], args.rounds)
        measured[name] = m

    print("\nagreement with lingua (share of texts); garbage: share given 'und'")
    print(f"{'detector':<40}{'extraction':>11}{'dates':>8}{'short':>8}{'zh':>7}{'garbage':>9}")
    for name, m in measured.items():
        a = m["agree"]
        print(f"{name:<40}{a['extraction']:>11.3f}{a['dates']:>8.3f}{a['short']:>8.3f}{a['zh']:>7.3f}{m['und']:>9.3f}")
        if m["wrong"]:
            print(f"{'':<4}extraction-dev disagreements (lingua, row): {m['wrong']}")

    base = next(iter(measured.values()))
    print(f"\nms per document: wall clock (and CPU) on extraction-dev bodies, ratio of the mean to "
          f"'{next(iter(measured))}'; other texts wall clock; inputs and characters handed to the detector")
    print(f"{'detector':<40}{'mean':>8}{'p99':>9}{'cpu mean':>9}{'cpu p99':>9}{'ratio':>8}"
          f"{'dates mean':>11}{'p99':>9}{'zh p99':>8}{'mix p99':>9}{'inputs':>7}{'chars':>7}")
    for name, m in measured.items():
        w, c = m["wall"], m["cpu"]
        ratio = statistics.fmean(w["extraction"]) / statistics.fmean(base["wall"]["extraction"])
        print(f"{name:<40}{statistics.fmean(w['extraction']):>8.3f}{p99(w['extraction']):>9.3f}"
              f"{statistics.fmean(c['extraction']):>9.3f}{p99(c['extraction']):>9.3f}{ratio:>8.4f}"
              f"{statistics.fmean(w['dates']):>11.3f}{p99(w['dates']):>9.3f}{p99(w['zh']):>8.3f}{p99(w['mix']):>9.3f}"
              f"{m['inputs']:>7.1f}{m['chars']:>7.0f}")

    print("\nmixed-language check: right / judged, per kind of mixture (mixed expected from 20 % of letters,"
          " not mixed up to 10 %); 'flagged' = extraction-dev bodies flagged mixed")
    kinds = sorted({m.kind for m in mixes})
    print(f"{'detector':<40}" + "".join(f"{k + ' mixed':>24}{'not':>6}" for k in kinds) + f"{'flagged':>9}")
    for name, m in measured.items():
        results, flagged = m["mix"], m["flagged"]
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

"""Rule by rule: what each rule of each checker proposes on real MT (MQM dev), before the policy.

    python bench/grammar_rules_eval.py [--engines languagetool,lingotweaker,harper] [--shared ../shared]
                                       [--min 3] [--json out.json] [--show 0]

Every rule of the engine is on (no category is skipped). For each rule, on the MQM dev pools
(bench/grammar_mqm.py): matches in the fluency pool and how many overlap a fluency span
(precision), on the tuning and held-out halves; matches on the clean pool and the words its first
suggestion would change there (harm). This is the evidence behind the rule map in
cleaning/grammar/rules.json (docs/grammar.md, "How the rule map was chosen").

LanguageTool: a server at --languagetool-url, or the local install (started once).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import grammar_mqm as mqm  # noqa: E402

# (offset, length, replacements, rule_id, category)
Match = tuple[int, int, list[str], str, str]


def languagetool_engine(url: str) -> Callable[[str], list[Match]]:
    import requests

    session = requests.Session()

    def check(text: str) -> list[Match]:
        r = session.post(f"{url}/v2/check", data={"language": "en-US", "text": text}, timeout=300)
        r.raise_for_status()
        return [(m["offset"], m["length"], [x["value"] for x in m["replacements"]], m["rule"]["id"],
                 m["rule"]["category"]["id"]) for m in r.json()["matches"]]

    return check


def lingotweaker_engine() -> Callable[[str], list[Match]]:
    import lt_py

    engine = lt_py.Engine("en-US")

    def check(text: str) -> list[Match]:
        data = text.encode("utf-8")
        out = []
        for m in engine.check(text):
            start = len(data[: m["offset"]].decode("utf-8", "ignore"))
            end = len(data[: m["offset"] + m["length"]].decode("utf-8", "ignore"))
            out.append((start, end - start, list(m["suggestions"] or []), m["rule_id"], m["category_id"] or ""))
        return out

    return check


def harper_engine() -> Callable[[str], list[Match]]:
    import harper

    linter = harper.Linter(harper.Dialect.AMERICAN)
    kinds = harper.SuggestionKind

    def check(text: str) -> list[Match]:
        out = []
        for rule, lints in linter.organized_lints(text, language="plaintext").items():
            for lint in lints:
                repls = []
                for s in lint.suggestions:
                    if s.kind == kinds.REPLACE:
                        repls.append(s.replacement_text)
                    elif s.kind == kinds.REMOVE:
                        repls.append("")
                    else:
                        repls.append(lint.problem_text + s.replacement_text)
                out.append((lint.span.start, lint.span.end - lint.span.start, repls, rule, "harper"))
        return out

    return check


@contextlib.contextmanager
def engines(names: list[str], url: str | None) -> Iterator[dict[str, Callable[[str], list[Match]]]]:
    with contextlib.ExitStack() as stack:
        out = {}
        for name in names:
            if name == "languagetool":
                if not url:
                    from cleaning.grammar import languagetool_status, local_languagetool_server

                    ok, how = languagetool_status(None)
                    if not ok:
                        print(f"languagetool: skipped ({how})")
                        continue
                    url = stack.enter_context(local_languagetool_server())
                out[name] = languagetool_engine(url)
            elif name == "lingotweaker":
                out[name] = lingotweaker_engine()
            elif name == "harper":
                out[name] = harper_engine()
        yield out


def measure(check: Callable[[str], list[Match]], segments: list[mqm.Segment]) -> dict[str, Counter]:
    from cleaning.grammar.backends.base import check_joined

    texts = list(dict.fromkeys(s.text for s in segments))

    def as_raw(text: str) -> list[dict]:
        return [{"offset": o, "length": n, "m": m} for o, n, *m in ((x[0], x[1], *x[2:]) for x in check(text))]

    got = check_joined(texts, as_raw, 20_000, 64)  # as the backends batch: one request per 64 texts
    answers = {t: [(r["offset"], r["length"], *r["m"]) for r in rs] for t, rs in zip(texts, got)}
    stats: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list[str]] = defaultdict(list)
    for seg in segments:
        flu = seg.fluency
        half = "tune" if seg.tune else "held"
        for off, length, repls, rule, cat in answers[seg.text]:
            key = f"{rule}|{cat}"
            c = stats[key]
            repl = repls[0] if repls else None
            if flu:
                inside = any(mqm.overlaps(off, length, sp) for sp in flu)
                c["fluency"] += 1
                c["in_span"] += inside
                c[f"fluency_{half}"] += 1
                c[f"in_span_{half}"] += inside
                c["annotations_hit"] += 0
                samples[key].append(f"{'IN ' if inside else 'out'} {_ctx(seg.text, off, length, repl)}")
            if seg.clean:
                c["clean"] += 1
                if repl is not None:
                    fixed = seg.text[:off] + repl + seg.text[off + length :]
                    c["clean_words"] += mqm.words_changed(seg.text, fixed)[0]
                samples[key].append(f"CLEAN {_ctx(seg.text, off, length, repl)}")
    return stats, samples


def jfleg_by_rule(check: Callable[[str], list[Match]], shared: Path, iterations: int) -> dict[str, tuple[int, float]]:
    """Per rule: matches on JFLEG dev and the GLEU change (points) when only that rule's first
    suggestions are applied (the sentence statistics of unchanged sentences are reused)."""
    import random as _random

    from grammar_gleu import ORDER, _ngrams, _score, _sentence_stats, detokenize, tokenize

    d = shared / "eval" / "jfleg-dev"
    if not (d / "dev.src").exists():
        return {}
    src = [line.split() for line in (d / "dev.src").read_text(encoding="utf-8").splitlines()]
    refs = [[line.split() for line in (d / f"dev.ref{k}").read_text(encoding="utf-8").splitlines()] for k in range(4)]
    plain = [detokenize(" ".join(x)) for x in src]
    matches = [check(t) for t in plain]
    src_ngrams = [[_ngrams(x, n) for n in range(1, ORDER + 1)] for x in src]
    draws = []
    for j in range(iterations):  # the reference scorer's draws
        _random.seed(j * 101)
        draws.append([_random.randint(0, 3) for _ in src])

    def stats(i: int, hyp: list[str]) -> list[list[int]]:
        return [_sentence_stats(hyp, src_ngrams[i], refs[k][i]) for k in range(4)]

    base_stats = [stats(i, tokenize(t)) for i, t in enumerate(plain)]
    base_totals = [[sum(base_stats[i][draws[j][i]][m] for i in range(len(src))) for m in range(2 * ORDER + 2)]
                   for j in range(iterations)]
    base = sum(_score(t) for t in base_totals) / iterations
    rules = Counter(f"{m[3]}|{m[4]}" for ms in matches for m in ms if m[2])
    out = {}
    for rule, n in rules.items():
        totals = [list(t) for t in base_totals]
        for i, (t, ms) in enumerate(zip(plain, matches)):
            edits = sorted((m for m in ms if f"{m[3]}|{m[4]}" == rule and m[2]), key=lambda m: m[0])
            if not edits:
                continue
            pos, parts = 0, []
            for off, length, repls, *_ in edits:
                if off < pos:
                    continue
                parts += [t[pos:off], repls[0]]
                pos = off + length
            new = stats(i, tokenize("".join(parts) + t[pos:]))
            for j in range(iterations):
                k = draws[j][i]
                for m in range(2 * ORDER + 2):
                    totals[j][m] += new[k][m] - base_stats[i][k][m]
        g = sum(_score(t) for t in totals) / iterations
        out[rule] = (n, 100 * (g - base))
    return out


def _ctx(text: str, off: int, length: int, repl: str | None) -> str:
    return f"...{text[max(0, off - 35):off]}[{text[off:off + length]} -> {repl}]{text[off + length:off + length + 35]}..."


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engines", default="languagetool,lingotweaker,harper")
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--languagetool-url", default=None)
    p.add_argument("--min", type=int, default=3, help="list rules with at least this many matches")
    p.add_argument("--json", default=None, help="also write the per-rule counts here")
    p.add_argument("--show", type=int, default=0, help="sample matches per rule to print")
    p.add_argument("--iterations", type=int, default=50, help="GLEU reference draws per rule on JFLEG (0: skip)")
    args = p.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "eval" / "mt-mqm-dev").is_dir():
        print(f"skipped: {shared}/eval/mt-mqm-dev not found")
        return 0
    segments = mqm.pools(mqm.load(shared))
    clean_words = sum(len(mqm.WORD.findall(s.text)) for s in segments if s.clean)
    dump = {}
    with engines(args.engines.split(","), args.languagetool_url) as found:
        for name, check in found.items():
            stats, samples = measure(check, segments)
            jfleg = jfleg_by_rule(check, shared, args.iterations) if args.iterations else {}
            for rule, (n, delta) in jfleg.items():
                stats[rule]["jfleg"] = n
                stats[rule]["jfleg_gleu_x1000"] = round(1000 * delta)
            dump[name] = {k: dict(v) for k, v in stats.items()}
            print(f"== {name}: rule|category  fluency-pool matches, inside spans (tune / held-out) | clean matches, "
                  f"words changed per 1,000 clean words ({clean_words}) | JFLEG matches, GLEU change alone")
            for key, c in sorted(stats.items(), key=lambda kv: -(kv[1]["fluency"] + kv[1]["clean"])):
                if c["fluency"] + c["clean"] + c["jfleg"] < args.min:
                    continue
                prec = 100 * c["in_span"] / c["fluency"] if c["fluency"] else float("nan")
                print(f"  {key:55s} {c['fluency']:4d} in {c['in_span']:4d} ({prec:5.1f}%; "
                      f"tune {c['in_span_tune']}/{c['fluency_tune']}, held {c['in_span_held']}/{c['fluency_held']}) | "
                      f"{c['clean']:4d}, {1000 * c['clean_words'] / clean_words:.3f} | "
                      f"JFLEG {c['jfleg']:3d}, {c['jfleg_gleu_x1000'] / 1000:+.2f} GLEU")
                if args.show:
                    rng = random.Random(7)
                    for line in rng.sample(samples[key], min(args.show, len(samples[key]))):
                        print("      " + line)
    if args.json:
        Path(args.json).write_text(json.dumps(dump, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

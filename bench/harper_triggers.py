"""The offline backend's sentence triggers on real text: how much reaches Harper, and the same matches.

    python bench/harper_triggers.py [--shared ../shared]

For each set (MQM dev, every system's segments; JFLEG dev sources; extraction-dev bodies) it takes
the sentences the grammar fixer sends its backend, checks them with the fast path (only the
sentences some enabled rule's trigger fires on are linted) and the reference path (every sentence),
and prints the share of sentences and characters the fast path sent Harper and whether both paths
gave the same rule matches (spelling excluded: its own prefilter is held to the reference by
tests/cleaning/grammar/test_harper_speed.py). Per rule, the share of characters its trigger fires on.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cleaning.grammar import GrammarFixer, GrammarOptions  # noqa: E402
from cleaning.grammar.backends.harper_backend import SPELL_RULE, HarperBackend  # noqa: E402
from cleaning.grammar.policy import harper_rules  # noqa: E402
from cleaning.grammar.triggers import SentenceFilter  # noqa: E402


class Recorder:
    name = cache_id = "recorder"

    def __init__(self) -> None:
        self.sentences: list[str] = []

    def check(self, sentences):
        self.sentences.extend(sentences)
        return [[] for _ in sentences]

    def close(self) -> None:
        pass


def sentences_of(texts: list[str]) -> list[str]:
    recorder = Recorder()
    with GrammarFixer(GrammarOptions(backend="offline"), backend=recorder) as fixer:
        fixer.fix_many(texts, ["en"] * len(texts))
    return list(dict.fromkeys(recorder.sentences))


def texts(shared: Path) -> dict[str, list[str]]:
    out = {}
    mqm = shared / "eval" / "mt-mqm-dev" / "mqm_ted_zhen.tsv"
    if mqm.exists():
        csv.field_size_limit(sys.maxsize)
        with mqm.open(encoding="utf-8", newline="") as f:
            rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            out["MQM dev, all systems"] = list(dict.fromkeys(
                r["target"].replace("<v>", "").replace("</v>", "") for r in rows))
    jfleg = shared / "eval" / "jfleg-dev" / "dev.src"
    if jfleg.exists():
        from grammar_gleu import detokenize

        out["JFLEG dev sources"] = [detokenize(line) for line in jfleg.read_text(encoding="utf-8").splitlines()]
    gt = shared / "eval" / "extraction-dev" / "ground-truth.json"
    if gt.exists():
        out["extraction-dev bodies"] = [v["articleBody"] for v in json.loads(gt.read_text(encoding="utf-8")).values()
                                        if v.get("articleBody")]
    return out


def rule_matches(backend: HarperBackend, sentences: list[str]) -> list[list[tuple]]:
    return [sorted((m["offset"], m["length"], m["rule_id"], tuple(sorted(m["replacements"])))
                   for m in ms if m["rule_id"] != f"HARPER_{SPELL_RULE}")
            for ms in backend.check(sentences)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    shared = Path(p.parse_args(argv).shared)
    rules = {k: v for k, v in harper_rules().items() if k != SPELL_RULE}
    differ = 0
    for name, body in texts(shared).items():
        sents = sentences_of(body)
        total = sum(map(len, sents))
        fast, reference = HarperBackend(prefilter=True), HarperBackend(prefilter=False)
        same = rule_matches(fast, sents) == rule_matches(reference, sents)
        differ += not same
        print(f"{name}: {len(sents)} sentences, {total} characters; sent to Harper {fast.linted[0]} sentences "
              f"({fast.linted[0] / len(sents):.1%}), {fast.linted[1] / total:.1%} of the characters; "
              f"matches {'identical' if same else 'DIFFERENT'} to the reference path")
        shares = {r: sum(len(s) for s in sents if SentenceFilter({r: info}).wanted(s)) / total for r, info in rules.items()}
        print("   per rule:", ", ".join(f"{r} {v:.1%}" for r, v in sorted(shares.items(), key=lambda x: -x[1]) if v >= 0.001))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fingerprint of the grammar stage's own code (no real backend): a sha256 of everything it outputs over a
large varied corpus, so a speed-up can be proved to change nothing (issue 15, item 2).

    python bench/grammar_fingerprint.py [--shared ../shared] [--code DIR] [--parts] [--speed ROUNDS]

Each text goes through `artifacts.find_artifacts` (every candidate: offset, length, replacement, rule
id, category, original; in order) and each rule of `artifacts.RULES` alone, `segment.latin_ratio`
(the float's repr), `segment.units` (three settings), and `GrammarFixer(GrammarOptions(backend="none"))
.fix` (the fixed text, its status and every edit), alone and with a scripted backend's proposals
(`ScriptedBackend`: gated spelling, capitalisation, grammar, style), so the policy's gates run too.
The printed `fingerprint` must be the same before and after a change; `--parts` prints one hash per
part, to find what changed.

The corpus is read at run time and never stored: every MT segment and every reference translation of
`eval/mt-mqm-dev` (one text per segment, one per document of a system, and the Chinese sources), the true
bodies of `eval/extraction-dev`, the JFLEG dev sources and references (`eval/jfleg-dev`, CC BY-NC-SA:
never copied into the repository), the demo site's article bodies (`crawler/demo/content`), 300
articles of the crawl benches' generated load site (`tests/faultsite/content.py`), plus
synthetic texts: edge cases (empty, only punctuation, other scripts, very long lines, many paragraphs,
repeated clauses and sentences) and seeded random mixtures of the rules' triggers. Without ../shared the
corpus is the demo and load-site bodies and the synthetic texts (a different fingerprint).

`--code DIR` runs the project's code in DIR (an export of an older commit: `git archive ae72203 | tar -x
-C /tmp/artif-base`), so the same corpus fingerprints both. `--speed N` instead times (CPU seconds of
this process, median of N rounds) the rules-only fixer over the corpus's texts in words per CPU second,
(also over the real bodies alone: extraction-dev, demo and load site; and the load site alone), and
`find_artifacts`, `latin_ratio` and `units` alone; with `--offline` also the default offline backend
(Harper) with the product's rules over 1,000 load-site articles. `--expect SHA256` exits 1 on another
fingerprint.

The code of ae72203 (before issue 15 item 2) gives, with ../shared present (18,845 texts, 4,996,395
characters): 089cf2a67eacee2d0bfa2f493ed11692b158a32007e871e3803e511a6e116d5f (the demo bodies as
crawler.demo.load_articles gives them; 5f866bca... while they were read with their trailing newline);
since MT_NEAR_REPEATED_SENTENCE keeps near twins that differ by a number, a negation or a content word
(1 Dec 2026): 759e7730886a3e50416e8238bb163ab0d43c8d196d4b41ab10b051387b79e1c9; since the repeated-sentence
rules cut sentences only where a reader would (not in "0.2 mg", not after "Dr."; 1 Dec 2026, evening):
144a1700d6279d1ae8ba24280a4bcacd17d96b8de27131daaed999598c73a8df; since MT_NEAR_REPEATED_SENTENCE also takes
the sentence just before said again cut short: 73caae2ebc6fd5014141314e73e2de285020bca9114b6cfb25e1d082f958c92a; since the repeat gate also accepts a run's
last three words in order: 07f541ca660f86e52b7e2db308b3c65a35439c51b5327a31a952edb7817bebc9; with the Chinese
materia medica names protected: c8b18d26fcb1b434f8e2683cc72e495499b84ab3ab7bb542e70998629a39cad4; with the
full-width stops ending sentences: aa9ae5c0cf011fd501f62fc3d26bdf52f6eb3a770101dfce68361773adbd5586; with
near twins differing by and/or, all/some, a modal or a preposition kept and elided-clause modals left:
5c7ab18651bd2f14fa23914c030c94196bdea673bc52204822767e5fd3d944ba
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# --code DIR: the project's code in DIR (an older commit's export), imported instead of this checkout's
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else str(ROOT)
sys.path.insert(0, _CODE)

DEFAULT_SHARED = ROOT.parent.parent / "shared" if (ROOT.parent.parent / "shared").is_dir() else ROOT.parent / "shared"


# -- the corpus ------------------------------------------------------------------------------------
def demo_bodies() -> list[str]:
    from crawler.demo import load_articles

    return [a.body for a in load_articles()]


def mqm_texts(shared: Path) -> list[str]:
    path = shared / "eval" / "mt-mqm-dev" / "mqm_ted_zhen.tsv"
    if not path.is_file():
        return []
    segs: dict[tuple[str, str, int], str] = {}
    sources: dict[tuple[str, int], str] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            target = row["target"].replace("<v>", "").replace("</v>", "")
            segs.setdefault((row["system"], row["doc"], int(row["seg_id"])), target)
            sources.setdefault((row["doc"], int(row["seg_id"])), row["source"])
    out = [segs[k] for k in sorted(segs)]
    docs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (system, doc, _), t in sorted(segs.items()):
        docs[(system, doc)].append(t)
    # a system's talk as one body, one segment a paragraph: repeats across a paragraph and many paragraphs
    out += ["\n".join(v) for _, v in sorted(docs.items())]
    # and as one line: very long paragraphs, sentences repeated across segments
    out += [" ".join(v) for _, v in sorted(docs.items())[:20]]
    out += [sources[k] for k in sorted(sources)]  # Chinese: non-Latin script
    return out


def extraction_bodies(shared: Path) -> list[str]:
    gt = shared / "eval" / "extraction-dev" / "ground-truth.json"
    if not gt.is_file():
        return []
    truth = json.loads(gt.read_text(encoding="utf-8"))
    return [truth[k]["articleBody"] for k in sorted(truth) if truth[k].get("articleBody")]


def jfleg_texts(shared: Path) -> list[str]:
    d = shared / "eval" / "jfleg-dev"
    out: list[str] = []
    for name in ("dev.src", "dev.ref0", "dev.ref1", "dev.ref2", "dev.ref3"):
        p = d / name
        if p.is_file():
            lines = p.read_text(encoding="utf-8").splitlines()
            out += lines  # tokenised: spaces before punctuation, as some MT output has
            if name == "dev.src":
                out.append("\n".join(lines))  # one long body of many paragraphs
                out += [" ".join(lines[i : i + 25]) for i in range(0, len(lines), 25)]
    return out


# triggers of every rule, and things that look like them
_WORDS = (
    "the a an to of in it this that these is was there many several informations Informations advices "
    "knowledges equipments should must to rest drink the the we we Fang so so had had loud-it universe-this "
    "either-or no-one COVID-19 type-2 self non anti semi multi three large scale dimensional term wide "
    "This That It Which And But Therefore Namely a series of results in which means namely that is "
    "patients doctor acid flows back into esophagus www.example.com e-mail@x.org file.html U.S. Dr. "
    "10 3a 2.5 mg % ( ) [ ] \" ' \u201c \u201d \u2019 \u2014 - -- --- , ,, ;; . .. ... ! ? : ; "
    "caf\u00e9 na\u00efve \u4e2d\u6587 \u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u03b5\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac "
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 _under_score \u00bd \u2160"
).split()
_GLUE = [" ", " ", " ", " ", "  ", "\t", "\n", "", " - ", " -- ", ". ", ", ", " .", " ,", "-", "\n\n"]


def random_texts(n: int, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.choice((1, 2, 5, 12, 40, 120))
        parts = []
        for _ in range(k):
            parts.append(rng.choice(_WORDS))
            parts.append(rng.choice(_GLUE))
        text = "".join(parts)
        if rng.random() < 0.3:  # a clause or a sentence said twice
            a = text[: rng.randint(0, len(text))]
            text = a + rng.choice((" This results in ", " which means ", ". ", " It ", " ")) + a + text[len(a) :]
        out.append(text)
    return out


def mutate(texts: list[str], n: int, seed: int = 16) -> list[str]:
    """Real sentences with MT slips planted: doubled words, spaced punctuation, repeats, dashes."""
    rng = random.Random(seed)
    pool = [t for t in texts if 20 < len(t) < 2000]
    out = []
    for _ in range(min(n, len(pool))):
        t = rng.choice(pool)
        for _ in range(rng.randint(1, 4)):
            op = rng.randrange(7)
            i = rng.randint(0, len(t))
            if op == 0:
                m = re.search(r"\w+ ", t[i:])
                if m:
                    j = i + m.start()
                    t = t[:j] + m.group() + t[j:]
            elif op == 1:
                t = re.sub(r"(\w)([,.;:!?])", r"\1 \2", t, count=rng.randint(1, 3))
            elif op == 2:
                j = rng.randint(i, min(len(t), i + 120))
                t = t[:j] + rng.choice((" This is ", " which means ", " ", ". ")) + t[i:j] + t[j:]
            elif op == 3:
                t = t[:i] + rng.choice(("--", " -- ", "-", " - ", ",,", "..", "  ", "\t")) + t[i:]
            elif op == 4:
                t = t.replace(". ", ".", 1)
            elif op == 5:
                t = t + " " + t
            else:
                t = t[:i] + rng.choice(("should to ", "There is many ", "informations ", "( ", " )")) + t[i:]
        out.append(t)
    return out


def edge_cases() -> list[str]:
    long_sentence = "The patient should rest and drink water every day before the visit. "
    para = "Walk to to the park , and rest.Then drink water -- every day."
    cases = [
        "", " ", "\n", "\n\n\n", "\t \t", ".", "...", "!?!?", ",,,;;;", "-- -- --", "()[]{}", "\u2014\u2014",
        "a", "I", "the the", "The the", "THE THE", "a a a a a a", "123 456", "_ _ _", "\u00bd \u2160 \u00b2",
        "\u4e2d\u6587\u6587\u672c\uff0c\u6ca1\u6709\u62c9\u4e01\u5b57\u6bcd\u3002",
        "\u041f\u0440\u0438\u0432\u0435\u0442 , \u043c\u0438\u0440 .",
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
        "\u0393\u03b5\u03b9\u03ac \u03c3\u03bf\u03c5 \u03ba\u03cc\u03c3\u03bc\u03b5",
        "\u3053\u3093\u306b\u3061\u306f the the \u4e16\u754c",
        "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00e0 la carte , \u00fcber \u0101\u0113\u012b\u014d\u016b.",
        "e\u0301 combining marks a\u0308 and zero\u200bwidth",
        "\ud800 lone surrogate \udfff the the",
        "line\r\nwith\r\nCRLF , endings",
        long_sentence * 3000,  # a very long line
        (long_sentence * 5 + "\n") * 400,  # many paragraphs, each repeating a sentence
        "\n".join([para] * 2000),
        ("a series of This results in a series of clinical symptoms. " * 50),
        ("the acid flows back into the esophagus, this means the acid flows back into the esophagus and "
         "the throat. ") * 30,
        "x" * 50000,
        ("word " * 20000).strip(),
        " ".join(f"w{i}" for i in range(5000)),
        "-" * 300 + "\n" + "=" * 300,
        "see http://example.com/a.b.c and mail.me@example.org,or www.site.net/Page.Html .Then go",
        "Informations and ADVICES and Knowledges: equipments , feedbacks.",
        "space -- five years; space --- not; a--b; (--) ; ok --\"quoted\"",
        "so loud-it was; the universe-this series; either-or; no-one; rock-and-roll; COVID-19-it",
        "a self - assembly in three - dimensional space , 10 - year - old , large - scale work",
        "You should to drink water and must to rest. You should to the doctor. Must To Go.",
        "There is many reasons. there was several cases. There is various options here.",
        "Wait,, what;; really.. yes... no.. .",
        "He came home.She left.It rained,then it snowed,and we stayed.",
        "school .Then we went . Then again .",
        "( spaced ) brackets ( here) and (there )",
        "too    many  spaces\there\t\tand there",
    ]
    return cases


def load_site_bodies(n: int = 300) -> list[str]:
    """The generated articles of the crawl benches' loopback site (tests/faultsite, bench/crawl_load.py)."""
    sys.path.insert(1, str(ROOT))
    from tests.faultsite.content import make_article

    return ["\n".join(make_article(f"article-{i}").paragraphs) for i in range(n)]


def corpus_parts(shared: Path) -> dict[str, list[str]]:
    parts = {"mqm": mqm_texts(shared), "extraction": extraction_bodies(shared), "jfleg": jfleg_texts(shared),
             "demo": demo_bodies(), "load_site": load_site_bodies()}
    real = [t for texts in parts.values() for t in texts]
    parts.update(mutated=mutate(real, 3000), random=random_texts(3000), edge=edge_cases())
    return parts


def corpus(shared: Path) -> list[str]:
    return [t for texts in corpus_parts(shared).values() for t in texts]


# -- what the stage's own code outputs ---------------------------------------------------------------
def _cands(cands) -> list:
    return [[c.offset, c.length, c.replacement, c.rule_id, c.category, c.backend, c.original, c.message] for c in cands]


class ScriptedBackend:
    """A stand-in for Harper, the same on every run: it proposes, per sentence, gated spelling
    replacements for longer lower-case words (some common and close enough to pass the spelling gate,
    "recieve" -> "receive"), "i" -> "I", a lower-case sentence start capitalised, "a" before a vowel
    -> "an", and a style edit (never applied): `GrammarFixer._apply` and `Policy.check` on every
    kind of proposal."""

    name = cache_id = "fingerprint-scripted"
    _WORDS = re.compile(r"(?<![\w'-])[a-z]{4,}(?![\w'-])")

    def _check(self, sentence: str) -> list[dict]:
        out = []

        def put(start: int, end: int, repl: list[str], rule: str, category: str, gated: bool) -> None:
            out.append(dict(offset=start, length=end - start, replacements=repl, rule_id=rule, category=category,
                            gated=gated, message=""))

        for m in self._WORDS.finditer(sentence):
            w = m.group()
            alts = [w.replace("ie", "ei"), w[:-1], w[:1] + w[2:], w + "s", w[:2] + w[1] + w[3:]]
            put(m.start(), m.end(), [a for a in dict.fromkeys(alts) if a != w] or [w + "e"], "SPELL", "spelling", True)
        for m in re.finditer(r"(?<!\w)i(?!\w)", sentence):
            put(m.start(), m.end(), ["I"], "I_CAPS", "capitalization", False)
        m = re.match(r"[a-z]+", sentence)
        if m:
            put(0, m.end(), [m.group().capitalize()], "UPPERCASE_START", "capitalization", False)
        for m in re.finditer(r"(?<!\w)a(?= [aeiou])", sentence):
            put(m.start(), m.end(), ["an"], "A_AN", "grammar", False)
        for m in re.finditer(r"(?<!\w)very (?=\w)", sentence):
            put(m.start(), m.end(), [""], "VERY", "style", False)
        return out

    def check(self, sentences: list[str]) -> list[list[dict]]:
        return [self._check(s) for s in sentences]

    def close(self) -> None:
        pass


def outputs(texts: list[str]) -> dict[str, hashlib._Hash]:
    from cleaning.grammar import GrammarOptions
    from cleaning.grammar.artifacts import RULES, find_artifacts
    from cleaning.grammar.fixer import GrammarFixer
    from cleaning.grammar.segment import latin_ratio, units

    parts: dict[str, hashlib._Hash] = defaultdict(hashlib.sha256)

    def put(part: str, value: object) -> None:
        parts[part].update(json.dumps(value, ensure_ascii=True).encode("ascii") + b"\n")

    fixer = GrammarFixer(GrammarOptions(backend="none"))
    scripted = GrammarFixer(GrammarOptions(backend="none"), backend=ScriptedBackend())
    try:
        for text in texts:
            put("find_artifacts", _cands(find_artifacts(text)))
            for name in sorted(RULES):
                put(f"rule:{name}", _cands(RULES[name](text)))
            put("latin_ratio", repr(latin_ratio(text)))
            for args in ((0.6, 2000), (0.0, 80), (0.95, 10_000)):
                put("units", [args, list(units(text, *args))])
            r = fixer.fix(text)
            put("fix", [r.text, r.status, r.backend, [[e.offset, e.length, e.original, e.replacement, e.rule_id,
                                                        e.category, e.backend] for e in r.edits]])
            r = scripted.fix(text)
            put("fix_scripted", [r.text, r.status, r.backend, [[e.offset, e.length, e.original, e.replacement,
                                                                 e.rule_id, e.category, e.backend] for e in r.edits]])
    finally:
        fixer.close()
        scripted.close()
    return parts


def fingerprint(texts: list[str]) -> tuple[str, dict[str, str]]:
    parts = outputs(texts)
    whole = hashlib.sha256()
    hexes = {}
    for name in sorted(parts):
        hexes[name] = parts[name].hexdigest()
        whole.update(f"{name} {hexes[name]}\n".encode())
    return whole.hexdigest(), hexes


def speed(parts: dict[str, list[str]], rounds: int) -> dict[str, float]:
    """CPU seconds (median of ``rounds``) of the rules-only fixer over the whole corpus and over the
    real bodies alone (extraction-dev, demo, load site), and of find_artifacts, latin_ratio, units."""
    from cleaning.grammar import GrammarOptions
    from cleaning.grammar.artifacts import find_artifacts
    from cleaning.grammar.fixer import GrammarFixer
    from cleaning.grammar.segment import latin_ratio, units

    texts = [t for ts in parts.values() for t in ts]
    bodies = parts["extraction"] + parts["demo"] + parts["load_site"]
    fixer = GrammarFixer(GrammarOptions(backend="none"))
    for t in bodies:  # warm: the medical vocabulary and word frequencies are loaded on first use
        fixer.fix(t)
    timings: dict[str, list[float]] = defaultdict(list)
    jobs = {
        "fixer": lambda: [fixer.fix(t) for t in texts],
        "fixer_bodies": lambda: [fixer.fix(t) for t in bodies],
        "fixer_load_site": lambda: [fixer.fix(t) for t in parts["load_site"]],
        "find_artifacts": lambda: [find_artifacts(t) for t in texts],
        "latin_ratio": lambda: [latin_ratio(t) for t in texts],
        "units": lambda: [list(units(t, 0.6, 2000)) for t in texts],
    }
    for _ in range(rounds):
        for name, job in jobs.items():
            t0 = time.process_time()
            job()
            timings[name].append(time.process_time() - t0)
    fixer.close()
    words = {"fixer": texts, "fixer_bodies": bodies, "fixer_load_site": parts["load_site"]}
    out: dict[str, float] = {"texts": len(texts), "words": sum(len(t.split()) for t in texts)}
    for name, ts in timings.items():
        out[f"{name}_cpu_s"] = statistics.median(ts)
    for name, ts in words.items():
        out[f"{name}_words_per_cpu_s"] = sum(len(t.split()) for t in ts) / out[f"{name}_cpu_s"]
    return out


def offline_speed(rounds: int) -> dict[str, float]:
    """CPU seconds (median of ``rounds``, a fresh fixer each) of the default offline backend (Harper)
    with the product's rules over 1,000 load-site articles, fixed one by one as the cleaning does:
    their sentences recur from article to article, as on the crawl benches' site, so after the first
    articles Harper answers from the fixer's cache and the product's own code is most of the cost."""
    from cleaning.grammar import GrammarOptions
    from cleaning.grammar.fixer import GrammarFixer

    texts = load_site_bodies(1000)
    times = []
    for _ in range(rounds):
        fixer = GrammarFixer(GrammarOptions(backend="offline"))
        fixer.fix("Warm up teh imports.")
        t0 = time.process_time()
        for t in texts:
            fixer.fix(t)
        times.append(time.process_time() - t0)
        fixer.close()
    words = sum(len(t.split()) for t in texts)
    cpu = statistics.median(times)
    return {"offline_load_site_cpu_s": cpu, "offline_load_site_words_per_cpu_s": words / cpu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--code", default=str(ROOT), help="the project's code to import (default: this checkout)")
    ap.add_argument("--parts", action="store_true", help="also print one hash per part")
    ap.add_argument("--speed", type=int, default=0, metavar="ROUNDS", help="time instead of fingerprinting")
    ap.add_argument("--offline", action="store_true", help="with --speed: also the offline backend on the load site")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON line")
    ap.add_argument("--expect", metavar="SHA256", help="exit 1 unless the fingerprint is this one")
    args = ap.parse_args()
    parts = corpus_parts(args.shared)
    texts = [t for ts in parts.values() for t in ts]
    if args.speed:
        result = speed(parts, args.speed)
        if args.offline:
            result.update(offline_speed(args.speed))
        print(json.dumps(result) if args.json else "\n".join(f"{k}: {v:,.4f}" for k, v in result.items()))
        return
    whole, hexes = fingerprint(texts)
    chars = sum(len(t) for t in texts)
    if args.json:
        print(json.dumps({"fingerprint": whole, "texts": len(texts), "chars": chars, "parts": hexes}))
    else:
        print(f"texts: {len(texts):,}  characters: {chars:,}  code: {args.code}")
        if args.parts:
            for name, h in hexes.items():
                print(f"  {name}: {h}")
        print(f"fingerprint: {whole}")
    if args.expect and args.expect != whole:
        sys.exit(f"fingerprint differs from the expected {args.expect}")


if __name__ == "__main__":
    main()

"""The offline backend's fast path gives the same edits as the reference path.

The fast path skips Harper's spelling suggestion search for words no suggestion could be
applied to (`wordstats.CloseWords`) and decides each word once; these tests hold it to the
reference path (every rare word asked) on the demo bodies, on the extraction-dev bodies
when the shared data is there, and on texts with typos the gate does correct.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cleaning.grammar import GrammarFixer, GrammarOptions
from cleaning.grammar.edits import Candidate
from cleaning.grammar.options import RulePolicy
from cleaning.grammar.policy import Context, Policy
from cleaning.grammar.wordstats import HAVE_FREQUENCIES, close_words

harper = pytest.importorskip("harper")
pytestmark = pytest.mark.skipif(not HAVE_FREQUENCIES, reason="wordfreq is not installed")

ROOT = Path(__file__).resolve().parents[3]
# beside the checkout, or beside the folder of worktrees (/work/wt/NAME -> /work/shared)
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared")

TYPOS = [
    "Patients who recieve the hormon early recover faster than the others in the trial.",
    "The doctor said it is definately better to rest, becuase the joint needs time.",
    "Drink enough watr and avoid heavy lifting untill the pain has gone away completely.",
    "This is an exmaple of a sentance with severel mistakes that a reader would notice.",
]


def demo_bodies() -> list[str]:
    from crawler.demo import load_articles

    return [a.body for a in load_articles()]


def dev_bodies() -> list[str]:
    gt = SHARED / "eval" / "extraction-dev" / "ground-truth.json"
    if not gt.exists():
        return []
    return [v["articleBody"] for v in json.loads(gt.read_text(encoding="utf-8")).values() if v.get("articleBody")]


def run(texts: list[str], prefilter: bool, policy: RulePolicy | None = None):
    from cleaning.grammar.backends.harper_backend import HarperBackend

    class Ordered(HarperBackend):
        """Harper orders some suggestion lists differently from call to call, even in one process
        ("choosed": ["chose", "chosen"] or ["chosen", "chose"], RegularIrregulars), whichever path
        asks: both paths here see every list in one order, so only the prefilter can differ."""

        def check(self, sentences):
            return [[{**m, "replacements": sorted(m["replacements"])} for m in ms] for ms in super().check(sentences)]

    policy = policy or RulePolicy()
    backend = Ordered(spell_capitalised=policy.spelling_capitalised, gate=policy, prefilter=prefilter)
    with GrammarFixer(GrammarOptions(backend="offline", policy=policy), backend=backend) as fixer:
        results = fixer.fix_many(texts, ["en"] * len(texts))
    return [(r.status, r.text, [(e.offset, e.length, e.original, e.replacement, e.rule_id) for e in r.edits]) for r in results], backend


def assert_same(texts: list[str], policy: RulePolicy | None = None) -> tuple[list, object, object]:
    ref, slow = run(texts, prefilter=False, policy=policy)
    fast_out, fast = run(texts, prefilter=True, policy=policy)
    for i, (a, b) in enumerate(zip(ref, fast_out)):
        assert a == b, f"text {i}: the fast path differs from the reference path"
    return ref, slow, fast


def test_same_edits_on_demo_bodies_and_typos():
    texts = demo_bodies() + TYPOS
    assert len(texts) > 40
    ref, slow, fast = assert_same(texts)
    spelled = [e for _, _, edits in ref[-len(TYPOS):] for e in edits if e[4].endswith("SpellCheck")]
    assert {e[3] for e in spelled} >= {"receive", "definitely", "because"}  # the gate still corrects
    # and the fast path asked Harper about far fewer words
    assert len(fast._spelled) < len(slow._spelled) / 2


def test_same_edits_on_dev_bodies():
    texts = dev_bodies()
    if not texts:
        pytest.skip(f"no extraction-dev bodies under {SHARED}")
    assert_same(texts)


def test_same_edits_with_another_gate():
    """The prefilter follows the gate's limits: a looser gate corrects more, on both paths."""
    loose = RulePolicy(spelling_max_distance=3, spelling_min_zipf_gain=1.0, spelling_min_length=3)
    assert_same(TYPOS + demo_bodies()[:10], policy=loose)


def gate_accepts(policy: Policy, word: str, alternative: str) -> bool:
    text = f"Some text with {word} in it."
    c = Candidate(15, len(word), alternative, "HARPER_SpellCheck", "spelling", "test", word)
    return policy._spelling(c, Context(text=text, protected=frozenset()), (alternative,)) is not None


def test_close_words_never_refuses_a_word_the_gate_would_correct():
    """Typos made from common words: whenever the gate accepts the original word as the
    correction, `CloseWords.exists` must say yes (else the fast path would lose the edit)."""
    from wordfreq import top_n_list

    rules = RulePolicy()
    policy = Policy(rules)
    words = [w for w in top_n_list("en", 4000) if w.isalpha() and len(w) >= 4]
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    accepted = refused = 0
    for w in rng.sample(words, 600):
        i = rng.randrange(1, len(w))
        for typo in (
            w[:i] + w[i + 1 :],  # deletion
            w[:i] + rng.choice(letters) + w[i:],  # insertion
            w[:i] + rng.choice(letters) + w[i + 1 :],  # substitution
            w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :],  # transposition
            w[:i] + rng.choice(letters) + w[i + 1 :] + rng.choice(letters),  # two edits
        ):
            if typo == w or not typo.isalpha():
                continue
            if gate_accepts(policy, typo, w):
                accepted += 1
                assert close_words(rules.spelling_min_replacement_zipf).exists(
                    typo, rules.spelling_max_distance, rules.spelling_min_zipf_gain
                ), (typo, w)
            else:
                refused += 1
    assert accepted > 300 and refused > 100


def test_close_words_says_no_for_words_far_from_english():
    cw = close_words(3.0)
    for w in ("xyzzyq", "tianma", "astrobiologists", "holmon"):
        assert not cw.exists(w, 2, 2.0), w
    assert cw.exists("recieve", 2, 2.0) and cw.exists("hormon", 2, 2.0)
    # the same-first-letter limit is the gate's: "kat" -> "cat" only without it
    assert not cw.exists("kat", 2, 2.0) and cw.exists("kat", 2, 2.0, same_first_letter=False)


def test_plain_zipf_equals_wordfreq():
    """The tokenizer-free Zipf lookup gives wordfreq's value exactly, for listed and unlisted words."""
    from wordfreq import get_frequency_dict, zipf_frequency

    from cleaning.grammar.wordstats import _plain_zipf

    listed = [w for w in get_frequency_dict("en", "best") if w.isascii() and w.isalpha() and w.islower()]
    rng = random.Random(11)
    words = rng.sample(listed, 5000) + ["".join(rng.choice("abcdefghijklm") for _ in range(rng.randint(1, 10))) for _ in range(2000)]
    assert [w for w in words if _plain_zipf(w) != zipf_frequency(w, "en")] == []
    assert _plain_zipf("the") > 7 and _plain_zipf("qzxqzxq") == 0


def test_same_edits_on_jfleg_sources():
    """Learner English is full of misspellings: the strongest check of the spelling prefilter."""
    src = SHARED / "eval" / "jfleg-dev" / "dev.src"
    if not src.exists():
        pytest.skip(f"no JFLEG dev set under {SHARED}")
    import importlib.util

    spec = importlib.util.spec_from_file_location("grammar_gleu", ROOT / "bench" / "grammar_gleu.py")
    gleu = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gleu)  # the bench's own detokenizer: the texts it measures
    detokenize = gleu.detokenize
    texts = [detokenize(line) for line in src.read_text(encoding="utf-8").splitlines()]
    ref, _, _ = assert_same(texts)
    assert sum(1 for _, _, edits in ref for e in edits if e[4].endswith("SpellCheck")) > 20


def test_a_ready_fixer_loads_harper_only_for_text_that_needs_it(tmp_path):
    """A helper readies its fixer when it starts; Harper's dictionary (most of a second) waits for the first
    sentence a rule could lint or word worth spell-checking: well-written pages never pay for it."""
    clean = ["The patients rested for two weeks before the second visit.",
             "Most of them slept better once the pain had gone away."]
    with GrammarFixer(GrammarOptions(backend="offline", cache_dir=str(tmp_path / "cache"))) as fixer:
        fixer.ready()
        assert fixer._backend._linters is None
        assert not any(r.edits for r in fixer.fix_many(clean))
        assert fixer._backend._linters is None
        assert any(r.edits for r in fixer.fix_many(TYPOS))
        assert fixer._backend._linters is not None


def test_a_fixer_whose_sentences_are_all_cached_never_loads_harper(tmp_path):
    """Harper loads its dictionary when a linter is built (most of a second per process): a crawl's
    cleaning, whose sentences were asked about while it fetched, must not pay for it again."""
    texts = demo_bodies()[:3] + TYPOS
    options = GrammarOptions(backend="offline", cache_dir=str(tmp_path / "cache"))
    with GrammarFixer(options) as warm:
        warm.warm(texts)
        assert warm._backend._linters is not None
    with GrammarFixer(options) as fixer:
        results = fixer.fix_many(texts)
        assert fixer._backend._linters is None
    with GrammarFixer(GrammarOptions(backend="offline")) as cold:
        expected = cold.fix_many(texts)
    assert [r.edits for r in results] == [r.edits for r in expected]
    assert any(r.edits for r in results)

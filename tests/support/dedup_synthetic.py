"""Programmatic health-article texts and edits, for the dedup evaluation,
benchmark and tests (no data files needed).

Texts are word salads with the statistics that matter for shingling: a
Zipf-weighted vocabulary of function words, health terms shared by every
article of a topic, and stock phrases ("talk to your doctor", "it is
important to") that unrelated articles on the same topic share. Everything
is driven by an explicit ``random.Random`` so a seed gives the same corpus on
every machine.
"""

from __future__ import annotations

import random
import re
from itertools import accumulate

__all__ = [
    "TOPICS",
    "article",
    "add_sentences",
    "remove_sentences",
    "change_words",
    "reorder_paragraphs",
    "add_boilerplate",
    "quote_paragraph",
    "bench_doc",
    "EDITS",
]

FUNCTION = (
    "the of and to in a is that for it as with be on not this are by or at from your can have "
    "more may an which but their when if also has they these some other most people than about "
    "after before during many such only like into often over each all very much should because "
    "who what how there one two three both even well while without between through under"
).split()

COMMON = (
    "health body doctor patients risk study studies research experts symptoms treatment daily "
    "habits time years weeks day life problem problems condition cause causes effect effects "
    "help helps improve reduce increase level levels normal important common signs body's "
    "women men children adults older younger family hospital clinic medical advice test tests "
    "result results change changes diet exercise sleep stress water food foods weight"
).split()

TOPICS: dict[str, list[str]] = {
    "heart": "heart blood pressure cholesterol artery arteries stroke hypertension pulse cardiac "
    "vessels palpitations arrhythmia beats circulation plaque sodium salt statins".split(),
    "spine": "spine lumbar disc herniation vertebrae posture back neck cervical muscles nerve "
    "pain sitting mattress core stretching protrusion ligaments".split(),
    "nutrition": "protein vitamin minerals fiber calories sugar fat grains vegetables fruit eggs "
    "milk breakfast meals nutrients iron calcium intake portions".split(),
    "sleep": "sleep insomnia melatonin nap bedtime rest snoring apnea dreams fatigue night "
    "circadian caffeine pillow bedroom awake drowsy tired".split(),
    "digestion": "stomach bloating gut intestine bowel acid reflux digestion constipation probiotics "
    "bacteria lactose enzymes meals heartburn colon".split(),
    "eyes": "eyes vision myopia retina screen glasses lens dryness strain cornea sight blink "
    "cataract glaucoma pupils light reading".split(),
    "children": "child children kids growth height vaccines fever parents school infant toddler "
    "development teeth allergies play milk pediatric".split(),
    "exercise": "exercise walking running knees joints muscles training strength cardio "
    "stretch workout fitness squats endurance injury warmup recovery".split(),
}

PHRASES = [
    "it is important to",
    "talk to your doctor",
    "according to the study",
    "in addition to",
    "on the other hand",
    "at the same time",
    "as soon as possible",
    "in the long run",
    "there is no need to",
    "a healthy lifestyle",
    "the risk of",
    "experts say that",
    "in most cases",
    "for a long time",
]

BOILERPLATE = [
    "Home | Health | News | Videos | Subscribe | Log in",
    "Share this article on Facebook, Twitter and WhatsApp. Print this page.",
    "This article is for general information only and is not a substitute for professional "
    "medical advice, diagnosis or treatment. Always seek the advice of your physician.",
    "Related articles: Ten foods for a healthy heart; Why you wake up tired; How much water "
    "should you drink every day.",
    "Copyright 2024 Health Daily Media Group. All rights reserved. Terms of use. Privacy policy.",
]


def _zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return list(accumulate(1.0 / (k + 1) ** s for k in range(n)))


class _Vocab:
    def __init__(self, topic: str):
        self.function = FUNCTION
        self.fw = _zipf_weights(len(FUNCTION), 0.9)
        self.content = TOPICS[topic] + COMMON + [w for t, ws in TOPICS.items() if t != topic for w in ws[:6]]
        self.cw = _zipf_weights(len(self.content), 0.7)


_VOCABS: dict[str, _Vocab] = {}


def _vocab(topic: str) -> _Vocab:
    v = _VOCABS.get(topic)
    if v is None:
        v = _VOCABS[topic] = _Vocab(topic)
    return v


def sentence(rng: random.Random, topic: str) -> str:
    v = _vocab(topic)
    n = rng.randint(10, 24)
    words: list[str] = []
    while len(words) < n:
        r = rng.random()
        if r < 0.08:
            words.extend(rng.choice(PHRASES).split())
        elif r < 0.55:
            words.append(rng.choices(v.function, cum_weights=v.fw)[0])
        else:
            words.append(rng.choices(v.content, cum_weights=v.cw)[0])
    s = " ".join(words)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng: random.Random, topic: str) -> str:
    return " ".join(sentence(rng, topic) for _ in range(rng.randint(3, 6)))


def article(rng: random.Random, topic: str | None = None, paragraphs: int | None = None) -> str:
    topic = topic or rng.choice(sorted(TOPICS))
    n = paragraphs or rng.randint(6, 10)
    return "\n\n".join(paragraph(rng, topic) for _ in range(n))


def _split_sentences(par: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", par) if s]


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def add_sentences(rng: random.Random, text: str, topic: str, k: int | None = None) -> str:
    """Insert 1-3 new sentences at random places."""
    paras = _paras(text)
    for _ in range(k or rng.randint(1, 3)):
        i = rng.randrange(len(paras))
        sents = _split_sentences(paras[i])
        sents.insert(rng.randint(0, len(sents)), sentence(rng, topic))
        paras[i] = " ".join(sents)
    return "\n\n".join(paras)


def remove_sentences(rng: random.Random, text: str, k: int | None = None) -> str:
    """Delete 1-3 sentences."""
    paras = _paras(text)
    for _ in range(k or rng.randint(1, 3)):
        i = rng.randrange(len(paras))
        sents = _split_sentences(paras[i])
        if len(sents) > 1:
            del sents[rng.randrange(len(sents))]
            paras[i] = " ".join(sents)
    return "\n\n".join(paras)


def change_words(rng: random.Random, text: str, topic: str, rate: float | None = None) -> str:
    """Replace 0.5-2 % of the words with other words (typo fixes, synonyms)."""
    rate = rate if rate is not None else rng.uniform(0.005, 0.02)
    v = _vocab(topic)
    paras = []
    for p in _paras(text):
        words = p.split(" ")
        for j in range(len(words)):
            if rng.random() < rate:
                words[j] = rng.choice(v.content)
        paras.append(" ".join(words))
    return "\n\n".join(paras)


def reorder_paragraphs(rng: random.Random, text: str) -> str:
    paras = _paras(text)
    orig = list(paras)
    for _ in range(5):
        rng.shuffle(paras)
        if paras != orig:
            break
    return "\n\n".join(paras)


def add_boilerplate(rng: random.Random, text: str) -> str:
    """Navigation before, share links and disclaimer after."""
    head = BOILERPLATE[0]
    tail = rng.sample(BOILERPLATE[1:], k=rng.randint(1, 2))
    return "\n\n".join([head, text, *tail])


def quote_paragraph(rng: random.Random, text: str, source: str) -> str:
    """A different article that quotes one paragraph of `source` (a negative)."""
    paras = _paras(text)
    paras.insert(rng.randint(0, len(paras)), rng.choice(_paras(source)))
    return "\n\n".join(paras)


EDITS = ("add_sentences", "remove_sentences", "change_words", "reorder_paragraphs", "add_boilerplate")


def edit(rng: random.Random, name: str, text: str, topic: str) -> str:
    if name == "add_sentences":
        return add_sentences(rng, text, topic)
    if name == "remove_sentences":
        return remove_sentences(rng, text)
    if name == "change_words":
        return change_words(rng, text, topic)
    if name == "reorder_paragraphs":
        return reorder_paragraphs(rng, text)
    if name == "add_boilerplate":
        return add_boilerplate(rng, text)
    raise ValueError(name)


def bench_doc(i: int, seed: int = 0, size: int = 5000, dup_rate: float = 0.2) -> tuple[str, str]:
    """(doc_id, text) of document `i` of the benchmark stream, ~`size` bytes.

    Deterministic in (i, seed); about `dup_rate` of the documents are copies
    of an earlier document: half exact (re-cased), half near (one edit).
    """
    rng = random.Random(seed * 1_000_003 + i)
    base = i
    kind = "orig"
    if i > 10 and rng.random() < dup_rate:
        base = rng.randrange(0, i)
        kind = "exact" if rng.random() < 0.5 else "near"
    brng = random.Random(seed * 1_000_003 + base + 7_777_777)
    topic = brng.choice(sorted(TOPICS))
    parts: list[str] = []
    total = 0
    while total < size:
        p = paragraph(brng, topic)
        parts.append(p)
        total += len(p) + 2
    text = "\n\n".join(parts)
    if kind == "exact":
        text = text.upper()
    elif kind == "near":
        text = edit(rng, rng.choice(EDITS), text, topic)
    return f"doc{i:07d}", text


def record(doc_id: str, url: str, text: str, canonical: bool = True, published=None):
    """A DedupRecord for `url` (canonicalised, article_id derived): for tests and scripts."""
    from cleaning.dedup.records import DedupRecord
    from cleaning.dedup.urls import article_id, canonicalize_url

    url = canonicalize_url(url)
    return DedupRecord(doc_id, article_id(url), url, canonical, published, text)

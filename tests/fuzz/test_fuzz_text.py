"""Language detection, URL canonicalisation, dedup and grammar fixing fed hostile input: no exception, no hang,
invariants kept."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaning.dedup import DedupRecord, Deduplicator, article_id, canonicalize_url
from cleaning.grammar import GrammarOptions, apply_edits, open_fixer
from cleaning.language import detect_language
from tests.fuzz.conftest import examples
from tests.fuzz.strategies import WORDS, hostile_text, hostile_urls, paragraph

BUDGET = 5.0


def _timed(fn, *args, **kwargs):
    started = time.monotonic()
    out = fn(*args, **kwargs)
    assert time.monotonic() - started < BUDGET, f"{fn.__name__} took over {BUDGET} s"
    return out


@settings(settings.get_profile("health-fuzz"), max_examples=examples(100))
@given(hostile_text)
def test_language_detection(text):
    result = _timed(detect_language, text)
    assert result.language == "und" or re.fullmatch(r"[a-z]{2,3}", result.language), result.language
    assert 0.0 <= result.score <= 1.0
    assert set(result.languages) <= set(result.shares)
    assert result.mixed == (len(result.languages) >= 2)
    assert sum(result.shares.values()) <= 1.0 + 1e-6
    assert detect_language(text) == result  # deterministic


@settings(settings.get_profile("health-fuzz"), max_examples=examples(150))
@given(hostile_urls)
def test_url_canonicalisation(url):
    canon = _timed(canonicalize_url, url)
    assert isinstance(canon, str)
    assert canonicalize_url(canon) == canon, "not idempotent"
    try:
        parts = urlsplit(canon)
        is_url = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != -1
    except ValueError:
        is_url = False
    if is_url:  # a real http(s) URL: canonical form; anything else comes back as it was, stripped
        assert not parts.fragment and "utm_source" not in parts.query
        assert parts.scheme == parts.scheme.lower() and parts.netloc == parts.netloc.lower()
    assert re.fullmatch(r"[0-9a-f]{16}", article_id(url))


texts = st.one_of(paragraph, hostile_text)


@settings(settings.get_profile("health-fuzz"), max_examples=examples(60))
@given(st.lists(st.tuples(texts, hostile_urls, st.booleans()), min_size=1, max_size=12), st.data())
def test_dedup_decisions(docs, data):
    # Some exact copies under other URLs, so duplicates are exercised.
    copies = data.draw(st.lists(st.integers(0, len(docs) - 1), max_size=4))
    docs = docs + [(docs[i][0], f"https://copy.example.org/{n}", False) for n, i in enumerate(copies)]
    records = [DedupRecord(doc_id=str(i), article_id=article_id(u) or str(i), url=u, is_canonical=c,
                           published_date=None, text=t) for i, (t, u, c) in enumerate(docs)]
    decisions = _timed(Deduplicator().decide, records)
    assert [d.doc_id for d in decisions] == [r.doc_id for r in records]
    kept = [d for d in decisions if d.action in ("keep", "new_version")]
    kept_ids = {d.article_id for d in kept}
    assert len(kept_ids) == len(kept), "an article kept twice"
    for d in decisions:
        assert d.action in ("keep", "new_version", "unchanged", "duplicate")
        if d.action == "duplicate":
            assert d.duplicate_of in kept_ids and d.kind in ("url", "exact", "near")
            assert d.similarity is None or 0.0 <= d.similarity <= 1.0
    # Exact copies of one non-empty text never survive twice.
    by_text: dict[str, int] = {}
    for r, d in zip(records, decisions):
        if d.action in ("keep", "new_version") and len(r.text.split()) >= 8:
            by_text[r.text] = by_text.get(r.text, 0) + 1
    assert all(n == 1 for n in by_text.values()), by_text


_FIXERS: dict[str, object] = {}


def _fixer(backend: str):
    if backend not in _FIXERS:
        _FIXERS[backend] = open_fixer(GrammarOptions(backend=backend))
    return _FIXERS[backend]


def _check_fix(text: str, backend: str) -> None:
    result = _timed(_fixer(backend).fix, text, "en")
    assert not result.status.startswith("error:internal"), result.status
    if result.status != "fixed":
        assert result.text == text and not result.edits
        return
    last = -1
    for e in sorted(result.edits, key=lambda e: e.offset):
        assert e.offset >= last, "overlapping edits"
        assert text[e.offset:e.offset + e.length] == e.original
        last = e.offset + e.length
    assert apply_edits(text, result.edits) == result.text


machine_translated = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(
    ["the the", "a apple", "he go", "it's", "its'", " ,", " .", "“", "”", "the ", "informations", "adviced",
     "\u00a0", "Mr .", "e.g", "i.e.", "3 kg", "50%", "COVID-19", "CT", "doesnt", "dont"])), max_size=80).map(" ".join)


@settings(settings.get_profile("health-fuzz"), max_examples=examples(100))
@given(st.one_of(machine_translated, hostile_text))
def test_grammar_rules_only(text):
    """The product's own artifact rules (backend "none"): the cheap path, fuzzed hard."""
    _check_fix(text, "none")


@settings(settings.get_profile("health-fuzz"), max_examples=examples(15))
@given(st.one_of(machine_translated, paragraph))
def test_grammar_offline_backend(text):
    """One small run through harper, the offline backend the product uses by default without LanguageTool."""
    _check_fix(text, "offline")

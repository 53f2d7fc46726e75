"""CollectSiteVocabulary: words used across several bodies become words grammar never changes."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from cleaning.document import Document, Page
from cleaning.steps import CollectSiteVocabulary, ListRareWords


def test_recurring_words_are_written_and_documents_pass_through(tmp_path: Path) -> None:
    docs = []
    for i in range(4):
        doc = Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=datetime.now(timezone.utc)))
        doc.body_original = f"Danshen tea {'and chaihu' if i < 2 else ''} was served, note {i}."
        docs.append(doc)
    step = CollectSiteVocabulary(tmp_path / "words.txt", min_docs=3)
    assert list(step.run(docs)) == docs
    words = set((tmp_path / "words.txt").read_text().split())
    assert "danshen" in words and "chaihu" not in words


def _docs(texts: list[str]) -> list[Document]:
    return [Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=datetime.now(timezone.utc)),
                     body_original=t) for i, t in enumerate(texts)]


TEXTS = ["Danshen (丹参) and Chaihu were taken with the Huangqi decoction.", "The chaihu dose: danshen (丹参) twice daily.",
         "Danshen, chaihu and ginger tea were served.", "No herb here, only the usual words of a sentence (лечение)."]


def test_the_words_listed_per_document_give_the_vocabulary_the_texts_give(tmp_path: Path) -> None:
    from cleaning.grammar.vocabulary import CorpusVocabulary

    listed = _docs(TEXTS)
    for doc in listed:
        ListRareWords().process(doc)
    first = listed[0].rare_words
    assert "danshen" in first.rare and "the" not in first.rare + first.unjudged  # common words are not listed
    assert "丹参" in first.unjudged  # judged by wordfreq itself, once, if it recurs
    list(CollectSiteVocabulary(tmp_path / "listed.txt", min_docs=2).run(listed))
    list(CollectSiteVocabulary(tmp_path / "read.txt", min_docs=2).run(_docs(TEXTS)))  # a flow without ListRareWords
    reference = CorpusVocabulary()
    reference.update(TEXTS)
    expected = sorted(reference.recurring(min_docs=2))
    assert expected == ["chaihu", "danshen", "丹参"]
    assert (tmp_path / "listed.txt").read_text().split() == (tmp_path / "read.txt").read_text().split() == expected
    assert all(doc.rare_words is None for doc in listed)  # counted: not carried to the grammar helpers


def test_counting_listed_words_needs_no_frequency_table(tmp_path: Path) -> None:
    from cleaning.grammar import wordstats

    docs = _docs([t.replace("(丹参)", "") for t in TEXTS])  # English bodies: every word judged where listed
    for doc in docs:
        ListRareWords().process(doc)
    for cached in (wordstats.english_frequencies, wordstats.zipf, wordstats.zipf_from_table):
        cached.cache_clear()
    try:
        list(CollectSiteVocabulary(tmp_path / "words.txt", min_docs=2).run(docs))
        assert wordstats.english_frequencies.cache_info().misses == 0  # loaded where the bodies were read, not here
    finally:
        for cached in (wordstats.english_frequencies, wordstats.zipf, wordstats.zipf_from_table):
            cached.cache_clear()

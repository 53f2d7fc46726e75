"""The sentence cache: its keys must never change (a cache directory survives runs and versions)."""

from __future__ import annotations

import hashlib

from cleaning.grammar.cache import SentenceCache, sentence_key


def _key_part_by_part(backend_id: str, language: str, sentence: str) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in (backend_id, language, sentence):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def test_sentence_key_is_the_stored_format():
    for sentence in ("", "He have a apple.", "caf\u00e9 \u6f22\u5b57", "a lone \ud83d surrogate", "nul\0inside"):
        assert sentence_key("harper-1", "en", sentence) == _key_part_by_part("harper-1", "en", sentence)


def test_answers_read_from_disk_are_kept_in_memory(tmp_path):
    key = sentence_key("b", "en", "A sentence.")
    answer = [{"offset": 0, "length": 1, "replacements": ["x"]}]
    writer = SentenceCache(str(tmp_path))
    writer.put_many({key: answer})
    writer.close()
    reader = SentenceCache(str(tmp_path))
    assert reader.get_many([key]) == {key: answer}
    reader.close()  # the database is gone: a second read is answered from memory
    assert reader.get_many([key]) == {key: answer}
    assert reader.hits == 2 and reader.misses == 0


def test_no_match_answers_read_back_as_their_own_empty_lists(tmp_path):
    keys = [sentence_key("b", "en", s) for s in ("One.", "Two.")]
    writer = SentenceCache(str(tmp_path))
    writer.put_many({keys[0]: [], keys[1]: []})
    writer.close()
    reader = SentenceCache(str(tmp_path))
    got = reader.get_many(keys)
    reader.close()
    assert got == {keys[0]: [], keys[1]: []} and got[keys[0]] is not got[keys[1]]

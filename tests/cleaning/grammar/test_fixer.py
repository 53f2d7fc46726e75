"""The interface: results, statuses, edits that reproduce the text, the offline backend."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaning.document import GrammarEdit
from cleaning.grammar import CorpusVocabulary, GrammarFixer, GrammarOptions, GrammarResult, apply_edits, open_fixer

from .conftest import ScriptedBackend

MT_BODY = (
    "In the backward walking lumbar muscles will be rhythmically contracted , can make the lumbar blood "
    "circulation better.It it helps the nucleus pulposus, lumbar lordosis, the quadriceps and proprioceptive "
    "control, and a series of This results in a series of clinical symptoms such as pain. i think she recieved "
    "a apple. Walking backwards must wear flat shoes. Walking backwards must wear flat shoes."
)


@pytest.fixture(scope="module")
def offline():
    with open_fixer(GrammarOptions(backend="offline")) as fixer:
        yield fixer


def test_offline_backend_repairs_and_keeps_medical_terms(offline):
    r = offline.fix(MT_BODY)
    assert isinstance(r, GrammarResult) and r.status == "fixed"
    assert r.backend.startswith("offline-harper-")
    for term in ("pulposus", "lordosis", "quadriceps", "proprioceptive"):
        assert term in r.text
    assert "This results in" not in r.text and "better. It helps" in r.text
    assert "contracted, can" in r.text and "I think she received an apple." in r.text
    assert r.text.count("Walking backwards must wear flat shoes.") == 1
    assert all(isinstance(e, GrammarEdit) for e in r.edits)
    assert apply_edits(MT_BODY, r.edits) == r.text
    for e in r.edits:
        assert MT_BODY[e.offset : e.offset + e.length] == e.original


def test_empty_non_english_and_huge_texts(offline):
    assert offline.fix("").status == "skipped:empty"
    assert offline.fix("   \n ").status == "skipped:empty"
    zh = offline.fix("腰椎间盘突出症患者可以倒着走路。", language="zh")
    assert zh.status == "skipped:language=zh" and zh.text == "腰椎间盘突出症患者可以倒着走路。"
    fr = "Marcher à reculons est une forme populaire d'exercice pour renforcer le dos et les jambes."
    assert offline.fix(fr, language=None).status == "skipped:language=fr"
    assert offline.fix("这是中文文本，不是英文。这是中文文本。", language="en").status == "skipped:script=non-latin"
    # mixed: the Chinese paragraph is left alone, the English one fixed
    mixed = "这是中文。\nIt it rained , and the wind blew hard all night long."
    assert offline.fix(mixed).text == "这是中文。\nIt rained, and the wind blew hard all night long."
    huge = ("The the patient walked , then rested. " * 20_000).strip()
    r = offline.fix(huge)
    assert r.status == "fixed" and apply_edits(huge, r.edits) == r.text
    with open_fixer(GrammarOptions(backend="none", max_chars=1000)) as small:
        assert small.fix("word " * 300).status == "skipped:too_long=1500"


def test_fix_many_matches_fix(offline):
    texts = [MT_BODY, "", "Fine text.", "It it rained."]
    many = offline.fix_many(texts, ["en", "en", "en", "en"])
    assert [r.text for r in many] == [offline.fix(t).text for t in texts]


def test_a_failing_backend_leaves_rows_unfixed_with_a_reason():
    with GrammarFixer(GrammarOptions(backend="none"), backend=ScriptedBackend({}, fail=True)) as f:
        rs = f.fix_many(["It it rained.", ""], ["en", "en"])
    assert rs[0].text == "It it rained." and rs[0].edits == []
    assert rs[0].status == "error:backend_failed: scripted failure"
    assert rs[1].status == "skipped:empty"


def test_fix_never_raises(monkeypatch):
    with open_fixer(GrammarOptions(backend="none")) as f:
        monkeypatch.setattr("cleaning.grammar.fixer.find_artifacts", lambda t: 1 / 0)
        r = f.fix("It it rained.")
    assert r.text == "It it rained." and r.status.startswith("error:internal: ZeroDivisionError")


def test_close_closes_the_backend():
    backend = ScriptedBackend({})
    with GrammarFixer(GrammarOptions(backend="none"), backend=backend):
        pass
    assert backend.closed


def test_corpus_vocabulary_counts_documents():
    v = CorpusVocabulary()
    v.update(["Tuina helps. Tuina again.", "Try tuina.", "Nothing here."])
    assert v.documents == 3 and v.document_frequency("TUINA") == 2
    assert "tuina" in v.recurring(min_docs=2) and "tuina" not in v.recurring(min_docs=3)


_pieces = st.sampled_from(
    ["the the", " ,", " .", ".Then", "It it", "a series of This results in a series of", "recieved",
     "i", "a apple", "pulposus", "\n", "Walking is good. ", "walking is good. ", "  ", "(", " )", "10", "é"]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=25))
def test_edits_always_reproduce_the_text(offline, pieces):
    text = " ".join(pieces)
    r = offline.fix(text)
    assert apply_edits(text, r.edits) == r.text
    assert (r.status == "fixed") == bool(r.edits)
    for e in r.edits:
        assert text[e.offset : e.offset + e.length] == e.original


def test_cache_opens_while_another_worker_holds_the_lock(tmp_path):
    # Changing SQLite's journal mode fails at once ("database is locked"), without waiting, while
    # another process writes: two workers opening a new cache together used to kill a cleaning run.
    import sqlite3
    import subprocess
    import sys

    from cleaning.grammar.cache import CACHE_FILE, SentenceCache

    (tmp_path / "cache").mkdir()
    db = tmp_path / "cache" / CACHE_FILE
    setup = sqlite3.connect(db)
    setup.execute("CREATE TABLE other (x)")
    setup.commit()
    setup.close()
    with subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute('INSERT INTO other VALUES (1)')\n"
         "print('locked', flush=True); time.sleep(0.5); c.execute('COMMIT')\n"],
        stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "locked"
        cache = SentenceCache(str(tmp_path / "cache"))
    assert cache._db is not None, "the cache gave up instead of waiting for the lock"
    cache.put_many({"k": [1]})
    cache.close()
    again = SentenceCache(str(tmp_path / "cache"))
    assert again.get_many(["k"]) == {"k": [1]}
    again.close()


def test_an_unusable_cache_dir_degrades_to_no_cache(tmp_path):
    from cleaning.grammar.cache import SentenceCache

    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = SentenceCache(str(blocker / "cache"))
    cache.put_many({"k": [1]})
    assert cache.get_many(["k"]) == {"k": [1]}  # memory still works


def test_warm_asks_the_backend_once_and_the_fix_then_takes_the_cached_answers(tmp_path):
    script = {"recieved": ("received", "MORFOLOGIK_RULE_EN_US", "spelling", False),
              "a apple": ("an apple", "EN_A_VS_AN", "grammar", False)}
    texts = [MT_BODY, "", "Fine text. She recieved it."]
    with GrammarFixer(GrammarOptions(backend="none", cache_dir=str(tmp_path / "c")),
                      backend=ScriptedBackend(script)) as cold:
        expected = cold.fix_many(texts, ["en"] * 3)
    backend = ScriptedBackend(script)
    with GrammarFixer(GrammarOptions(backend="none", cache_dir=str(tmp_path / "w")), backend=backend) as f:
        assert f.warm(texts, ["en", "en", "en"]) is None
        asked = backend.calls
        assert asked >= 1
        assert f.warm(texts) is None and backend.calls == asked  # nothing new to ask
        got = f.fix_many(texts, ["en"] * 3)
    assert backend.calls == asked  # every sentence came from the cache
    assert [(r.text, r.edits, r.status) for r in got] == [(r.text, r.edits, r.status) for r in expected]
    assert any(r.status == "fixed" for r in got)


def test_warm_never_raises_and_skips_texts_the_fix_would_skip(tmp_path):
    backend = ScriptedBackend({}, fail=True)
    with GrammarFixer(GrammarOptions(backend="none", cache_dir=str(tmp_path / "c")), backend=backend) as f:
        f.warm(["It it rained."], ["en"])  # the failure is the fix's to report
        assert backend.calls == 1
        f.warm(["Es regnete heute den ganzen Tag.", "", "x" * (f.options.max_chars + 1)], ["de", "en", "en"])
        assert backend.calls == 1
        assert f.fix("It it rained.").status == "error:backend_failed: scripted failure"


def test_ready_builds_the_backend_now_and_a_failure_waits_for_the_first_check() -> None:
    """A helper that will warm the cache calls `ready` before its first document; a backend that cannot
    build is not fatal there: the first check asks again and the row says what failed."""
    from cleaning.grammar import GrammarFixer, GrammarOptions

    class Builds:
        name, cache_id = "builds", "builds-1"

        def __init__(self) -> None:
            self.built = 0

        def ready(self) -> None:
            self.built += 1
            if self.built == 1:
                raise RuntimeError("dictionary missing")

        def check(self, sentences):
            return [[] for _ in sentences]

        def close(self) -> None:
            pass

    backend = Builds()
    fixer = GrammarFixer(GrammarOptions(backend="offline"), backend=backend)
    fixer.ready()  # raises inside: logged, not raised
    fixer.ready()
    assert backend.built == 2
    GrammarFixer(GrammarOptions(backend="offline"), backend=object.__new__(type("NoReady", (), {
        "name": "plain", "cache_id": "plain", "check": lambda self, s: [[] for _ in s],
        "close": lambda self: None}))).ready()  # a backend without `ready` has nothing to build

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaning.language import LanguageResult, LanguageSettings, detect_language, lid
from cleaning.language.detect import _DEFAULT

ROOT = Path(__file__).resolve().parents[3]

EN = ("Regular exercise helps lower blood pressure and improves heart health. Doctors recommend at "
      "least thirty minutes of moderate activity on most days of the week.")
ZH = "定期锻炼有助于降低血压，改善心脏健康。医生建议每周大部分时间进行至少三十分钟的适度运动。饮食均衡也很重要，应多吃蔬菜水果，少吃盐和油腻食物。"
FR = ("Les médecins recommandent au moins trente minutes d'activité physique modérée la plupart des "
      "jours de la semaine pour protéger le cœur et les vaisseaux.")
DE = ("Regelmäßige Bewegung senkt den Blutdruck und verbessert die Herzgesundheit. Ärzte empfehlen "
      "mindestens dreißig Minuten moderate Aktivität an den meisten Tagen der Woche.")
SAMPLES = [EN, ZH, FR, DE, "\n\n".join([EN, ZH, EN, ZH]), "short", "", "asdkj qwe zxc poi lkj mnb vcx asd qwe rty"]


class Recorder:
    """An identifier that records what it is handed and answers with fastText's."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, chunks):
        self.calls.append(list(chunks))
        return lid.identify(chunks)


def test_languages_iso_639_1():
    assert detect_language(EN).language == "en"
    assert detect_language(FR).language == "fr"
    assert detect_language(DE).language == "de"
    r = detect_language(ZH)
    assert r.language == "zh"  # not zh-cn
    assert 0.8 <= r.score <= 1.0
    assert r.languages == ["zh"] and not r.mixed


def test_und_for_empty_short_garbage():
    for t in ["", "   ", "Hi there", "12345 67890 ---- //// 42", None, bytes(range(256)) * 20, "\x00" * 500]:
        r = detect_language(t)
        assert r == LanguageResult() and r.language == "und" and r.score == 0.0


def test_random_letters_are_und():
    hexdump = "3f9a0c77e1b24d5f8e6a1c0b9d2e4f7a3b5c6d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    b64 = "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgZW5jb2RlZCB0ZXh0IGFuZCBtb3JlIHRleHQgaGVyZQ=="
    for t in [hexdump * 3, b64 * 2]:
        assert detect_language(t).language == "und", t


def test_low_confidence_is_und():
    assert detect_language(EN, LanguageSettings(min_score=1.01)).language == "und"


def test_mixed_page_flagged_whichever_comes_first():
    page = "\n\n".join([EN, ZH, EN, ZH])
    r = detect_language(page)
    assert r.mixed and r.languages == ["en", "zh"] and r.language == "en"
    assert abs(sum(r.shares.values()) - 1.0) < 1e-6
    r2 = detect_language("\n\n".join([ZH, ZH, ZH, EN]))
    assert r2.language == "zh" and r2.mixed and r2.languages[0] == "zh"


def test_shares_are_shares_of_letters():
    r = detect_language("\n\n".join([EN, ZH, EN, ZH]))
    en_letters = sum(ch.isalpha() for ch in EN) * 2
    zh_letters = sum(ch.isalpha() for ch in ZH) * 2
    assert abs(r.shares["zh"] - zh_letters / (en_letters + zh_letters)) < 0.02


def test_bilingual_lines_are_mixed():
    """A sentence and its translation on each line: the split is by script, not only by paragraph."""
    r = detect_language("\n".join([f"{EN} {ZH}"] * 3))
    assert r.mixed and set(r.languages) == {"en", "zh"}


def test_latin_names_inside_chinese_do_not_make_it_mixed():
    text = ZH.replace("医生", "医生 (MRI) ").replace("运动", "运动 COVID-19 ") + "参见 WHO 指南。"
    r = detect_language(text)
    assert r.language == "zh" and not r.mixed


def test_small_foreign_quote_is_not_mixed():
    r = detect_language("\n\n".join([EN] * 8 + [FR[:60]]))
    assert r.language == "en" and not r.mixed


def test_long_page_bounded():
    page = "\n\n".join([EN, DE] * 3000)  # ~1.8 MB
    rec = Recorder()
    r = detect_language(page, identify=rec)
    assert r.mixed and set(r.languages) == {"en", "de"}
    read = sum(len(c) for c in rec.calls[0])
    assert read <= _DEFAULT.chunk_chars * _DEFAULT.max_chunks  # work does not grow with the page


def test_one_identifier_call_per_document():
    """The whole document is identified in one pass: per-chunk answers give the language and the
    mixed check together, so nothing is identified a second time."""
    for text in [EN, "\n\n".join([EN, ZH, EN, ZH]), "\n\n".join([EN, DE] * 50), "\n\n".join([EN] * 40)]:
        rec = Recorder()
        detect_language(text, identify=rec)
        assert len(rec.calls) == 1


def test_identifier_failure_gives_und():
    def broken(chunks):
        raise RuntimeError("model file missing")

    assert detect_language(EN, identify=broken) == LanguageResult()


def test_never_raises_on_weird_input():
    for t in [object(), 12345, b"\xff\xfe\x00", "\ud800 lone surrogate text here and more words", "🙂" * 100]:
        assert isinstance(detect_language(t), LanguageResult)
    assert detect_language("\ud800 lone surrogate, but the rest of this is plain English text").language == "en"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_fuzz(s):
    r = detect_language(s)
    assert r.language == "und" or (len(r.language) == 2 and r.language.isalpha())
    assert 0.0 <= r.score <= 1.0


def test_thread_safe_first_use(monkeypatch):
    expected = [detect_language(t) for t in SAMPLES]
    monkeypatch.setattr(lid, "_MODEL", None)  # force a racing first load
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(detect_language, SAMPLES * 8))
    assert got == expected * 8


def test_deterministic_across_processes():
    code = (
        "import json, sys; sys.path.insert(0, %r);"
        "from cleaning.language import detect_language;"
        "texts = json.loads(sys.stdin.read());"
        "print(json.dumps([[r.language, r.score, r.languages, r.mixed, r.shares] for r in map(detect_language, texts)]))"
    ) % str(ROOT)
    here = [[r.language, r.score, r.languages, r.mixed, r.shares] for r in map(detect_language, SAMPLES)]
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], input=json.dumps(SAMPLES), capture_output=True,
                             text=True, env=env, check=True, timeout=120)
        assert json.loads(out.stdout) == here

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaning.language as language
from cleaning.language import LanguagePolicy, LanguageResult, LanguageSettings, detect_language

ROOT = Path(__file__).resolve().parents[2]

EN = ("Regular exercise helps lower blood pressure and improves heart health. Doctors recommend at "
      "least thirty minutes of moderate activity on most days of the week.")
ZH = "定期锻炼有助于降低血压，改善心脏健康。医生建议每周大部分时间进行至少三十分钟的适度运动。饮食均衡也很重要，应多吃蔬菜水果，少吃盐和油腻食物。"
FR = ("Les médecins recommandent au moins trente minutes d'activité physique modérée la plupart des "
      "jours de la semaine pour protéger le cœur et les vaisseaux.")
DE = ("Regelmäßige Bewegung senkt den Blutdruck und verbessert die Herzgesundheit. Ärzte empfehlen "
      "mindestens dreißig Minuten moderate Aktivität an den meisten Tagen der Woche.")
SAMPLES = [EN, ZH, FR, DE, "\n\n".join([EN, ZH, EN, ZH]), "short", "", "asdkj qwe zxc poi lkj mnb vcx asd qwe rty"]


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


def test_low_confidence_is_und():
    assert detect_language(EN, LanguageSettings(min_score=1.01)).language == "und"


def test_mixed_page_flagged_whichever_comes_first():
    page = "\n\n".join([EN, ZH, EN, ZH])
    r = detect_language(page)
    assert r.mixed and r.languages == ["en", "zh"] and r.language == "en"
    assert abs(sum(r.shares.values()) - 1.0) < 1e-6
    r2 = detect_language("\n\n".join([ZH, ZH, ZH, EN]))
    assert r2.language == "zh" and r2.mixed and r2.languages[0] == "zh"


def test_small_foreign_quote_is_not_mixed():
    r = detect_language("\n\n".join([EN] * 8 + [FR[:60]]))
    assert r.language == "en" and not r.mixed


def test_long_page_bounded():
    page = "\n\n".join([EN, DE] * 3000)  # ~1.8 MB
    r = detect_language(page)
    assert r.mixed and set(r.languages) == {"en", "de"}


def test_never_raises_on_weird_input():
    for t in [object(), 12345, b"\xff\xfe\x00", "\ud800 lone surrogate text here and more words", "🙂" * 100]:
        assert isinstance(detect_language(t), LanguageResult)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_fuzz(s):
    r = detect_language(s)
    assert r.language == "und" or (len(r.language) == 2 and r.language.isalpha())


def test_thread_safe_first_use(monkeypatch):
    expected = [detect_language(t) for t in SAMPLES]
    monkeypatch.setattr(language, "_FACTORY", None)  # force a racing first load
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(detect_language, SAMPLES * 8))
    assert got == expected * 8


def test_independent_of_langdetect_global_state(monkeypatch):
    """Other code may seed or load langdetect's global factory: no effect here."""
    from langdetect import DetectorFactory, detector_factory

    expected = [detect_language(t) for t in SAMPLES]
    monkeypatch.setattr(DetectorFactory, "seed", 98765)
    detector_factory.init_factory()
    assert detector_factory._factory is not language._FACTORY
    assert [detect_language(t) for t in SAMPLES] == expected


def test_deterministic_across_processes():
    code = (
        "import json, sys; sys.path.insert(0, %r);"
        "from cleaning.language import detect_language;"
        "texts = json.loads(sys.stdin.read());"
        "print(json.dumps([[r.language, r.score, r.languages, r.mixed] for r in map(detect_language, texts)]))"
    ) % str(ROOT)
    here = [[r.language, r.score, r.languages, r.mixed] for r in map(detect_language, SAMPLES)]
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], input=json.dumps(SAMPLES), capture_output=True,
                             text=True, env=env, check=True, timeout=120)
        assert json.loads(out.stdout) == here


def test_policy_counts_and_skips():
    p = LanguagePolicy.from_setting("en, fr")
    assert p.accept(detect_language(EN)) and p.accept("fr")
    assert not p.accept(detect_language(ZH)) and not p.accept("und")
    assert p.counts == {"en": 1, "fr": 1, "zh": 1, "und": 1}
    assert p.skipped == {"zh": 1, "und": 1}
    everything = LanguagePolicy.from_setting("*")
    assert everything.accept("zh") and everything.accept("und")
    assert json.loads(p.summary())["skipped"] == {"und": 1, "zh": 1}

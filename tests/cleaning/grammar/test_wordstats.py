"""Word frequencies come from wordfreq's own English table without importing wordfreq (its import compiles
tokenizers for every language: a quarter of a second in each cleaning process); they must be wordfreq's
values exactly, since the spelling gate's thresholds are set on them."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

wordfreq = pytest.importorskip("wordfreq")

from cleaning.grammar.wordstats import english_frequencies, zipf  # noqa: E402


def test_the_table_is_wordfreqs_english_table() -> None:
    assert english_frequencies() == wordfreq.get_frequency_dict("en", "best")


def test_zipf_is_wordfreqs_value_for_plain_capitalised_hyphenated_and_other_words() -> None:
    words = sorted(w for w in english_frequencies() if w.isascii() and w.isalpha())
    with_apostrophe = sorted(w for w in english_frequencies() if w.isascii() and "'" in w)
    r = random.Random(7)
    cases = (r.sample(words, 1500) + [w.capitalize() for w in r.sample(words, 500)]
             + [w.upper() for w in r.sample(words, 200)]
             + ["-".join(r.sample(words, r.randint(2, 3))) for _ in range(800)]
             + r.sample(with_apostrophe, 300) + [w + "'s" for w in r.sample(words, 300)]
             + ["Check-up", "mid-morning", "x-ray", "zzqxv-foo", "don't", "O'Neill", "covid-19", "café",
                "naïve", "糖尿病", "e.g.", "COVID", "re-", "-ish", "a--b", "rock'n'roll", "y'all", "ma'am", "ne'er",
                "d'oh", "patient\u2019s", "don\u2019t", "Café", "NAÏVE", "AYDIN", "aydın", "Straße", "Ærøskøbing"]
             + r.sample(sorted(w for w in english_frequencies() if not w.isascii() and w.isalpha()), 300))
    assert [c for c in cases if zipf(c) != wordfreq.zipf_frequency(c, "en")] == []


def test_cleaning_a_body_does_not_import_wordfreq() -> None:
    code = ("import sys\n"
            "from cleaning.grammar.wordstats import zipf, close_words\n"
            "[zipf(w) for w in ('patient', 'Check-up', \"patient's\", 'hypertension', 'café', 'patient\u2019s')]\n"
            "close_words(3.0).exists('pateint', 2, 0.5)\n"
            "print('wordfreq' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"

from hypothesis import given
from hypothesis import strategies as st

from cleaning.dedup.text import content_hash, normalize_text, tokens


def test_normalize_folds_case_whitespace_punctuation():
    assert normalize_text("  Hello,   WORLD!\n\nIt's   fine… ") == "hello world it s fine"
    assert normalize_text("Straße ＡＢＣ") == "strasse abc"  # casefold + NFKC
    assert normalize_text(None) == ""
    assert normalize_text(b"caf\xc3\xa9") == "café"


def test_content_hash_equal_for_cosmetic_differences():
    a = "Salt raises blood pressure.\n\nEat less of it!"
    b = "SALT raises   blood pressure\nEat less of it"
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash("Salt lowers blood pressure. Eat less of it!")
    assert len(content_hash(a)) == 32


def test_cjk_tokens_are_characters():
    assert tokens(normalize_text("饭后胃胀 ok")) == ["饭", "后", "胃", "胀", "ok"]


@given(st.text())
def test_never_raises_and_idempotent(s):
    n = normalize_text(s)
    assert normalize_text(n) == n
    assert content_hash(s) == content_hash(n)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200) | st.from_regex(r"[\w\s.,!_\-…]{0,80}"))
def test_the_normalised_text_never_changes_between_versions(text):
    """Earlier runs' content hashes and shingles were taken of this text: whatever the implementation, it is
    each run of characters other than letters and digits (whitespace and `_` included) made one space,
    stripped, after NFKC and casefolding."""
    import re
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    assert normalize_text(text) == re.sub(r"\s+", " ", re.sub(r"[\W_]+", " ", folded)).strip()

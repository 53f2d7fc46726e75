import pytest

from cleaning.grammar.vocabulary import is_pinyin, looks_medical, openmedspel_words


@pytest.mark.parametrize("word", ["tianma", "danshen", "chaihu", "fuling", "chenpi", "shen", "huangqi", "ejiao",
                                  "banlangen", "wuweizi"])
def test_pinyin_names_are_recognised_and_protected(word):
    assert is_pinyin(word) and looks_medical(word)


@pytest.mark.parametrize("word", ["recieved", "langage", "maner", "requre", "becuase", "hormon"])
def test_misspellings_are_not_pinyin(word):
    assert not is_pinyin(word)


def test_openmedspel_terms_are_protected_but_common_words_are_not():
    assert {"stye", "gleet", "coix", "cupping", "rale"} <= openmedspel_words()
    for w in ("stye", "gleet", "coix", "rales", "cuppings", "moxibustion"):
        assert looks_medical(w), w
    for w in ("image", "images", "style", "pressure", "guys", "export"):
        assert not looks_medical(w), w

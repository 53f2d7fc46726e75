import os

from cleaning.language import lid


def test_model_ships_in_the_installed_package():
    path = lid.model_path()
    assert path.endswith("lid.176.ftz") and os.path.getsize(path) > 500_000  # no download at run time


def test_identify_gives_iso_639_1_probabilities():
    got = lid.identify(["Regular exercise helps lower blood pressure.", "Les médecins recommandent la marche.",
                        "定期锻炼有助于降低血压，改善心脏健康。"], k=3)
    assert [r[0][0] for r in got] == ["en", "fr", "zh"]
    for ranked in got:
        assert all(len(code) == 2 and 0.0 <= p <= 1.0 for code, p in ranked)
        assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)


def test_regional_varieties_fold_into_the_standard_language():
    assert lid._iso("__label__yue") == "zh" and lid._iso("__label__wuu") == "zh"
    assert lid._iso("__label__en") == "en"
    assert lid._iso("__label__ceb") is None  # no ISO 639-1 code: left out


def test_headline_case_does_not_change_the_answer():
    title = "Fox News Flash Top Entertainment Headlines For November"
    assert lid.identify([title])[0][0][0] == lid.identify([title.lower()])[0][0][0] == "en"


def test_empty_list():
    assert lid.identify([]) == []


def test_short_chinese_is_not_japanese():
    """lid.176 calls some short Chinese sentences Japanese; without kana it is Chinese."""
    assert lid.identify(["定期锻炼有助于降低血压，改善心脏健康。"])[0][0][0] == "zh"
    assert lid.identify(["毎日の運動は血圧を下げ、心臓の健康を改善します。"])[0][0][0] == "ja"

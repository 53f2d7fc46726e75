"""The generic extractor's options: a short Chinese or Japanese article is read as its paragraphs."""

from __future__ import annotations

from cleaning.extract import extract
from cleaning.extract.body_trafilatura import CJK_MIN_SIZE, _options

PARAS = ("駅前の商店街に、店員のいない小さな古本屋が先月オープンした。棚に並ぶ本はすべて住民からの寄付だ。",
         "開店からの一か月で約六百冊が売れ、売り上げは全額が市立図書館の児童書購入に充てられるという。",
         "防犯カメラは設置せず、利用者の良心に任せている。これまで大きなトラブルはないそうだ。")


def test_a_short_japanese_article_is_its_paragraphs_without_headline_and_dateline():
    """Under 250 characters trafilatura took its baseline, the whole article's text on one line, headline and
    dateline too; 250 Latin characters are ~40 words, as many Japanese ones several paragraphs."""
    html = ('<html lang="ja"><head><title>無人の古本屋</title></head><body><article><h1>商店街に無人の古本屋</h1>'
            '<div class="meta">公開：2024年3月8日 7:00</div><div class="honbun">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></article></body></html>")
    assert sum(map(len, PARAS)) < 250
    ex = extract(html, "https://news.example.jp/a/1")
    assert ex.body.split("\n\n") == list(PARAS)


def test_the_smaller_minimum_is_for_cjk_pages_only():
    assert _options(False, None, cjk=True).min_extracted_size == CJK_MIN_SIZE
    assert _options(False, None).min_extracted_size == 250  # trafilatura's own, as configured


_BOX = "Aufräumen sollte schnell gehen, wenn man einmal angefangen hat, sagt die Expertin im Gespräch."
_SECTION = ("Marie Kondo rät, nach Kategorien vorzugehen: zuerst Kleidung, dann Bücher und Papiere, dann Kleinkram und "
            "zuletzt die Erinnerungsstücke, die den meisten am schwersten fallen, Abschnitt {n}.")


def _magazine(sections: int) -> str:
    rows = "".join(f"<div class='row'><div class='cms'>{_SECTION.format(n=n)}</div></div>" for n in range(sections))
    return (f"<html lang='de'><head><title>Aufräumen</title></head><body><h1>Aufräumen</h1><div class='intro'>"
            f"<p>{_BOX}</p></div>{rows}</body></html>")


def _asked(monkeypatch, fast_answer: list[str]) -> list[bool]:
    """Replaces trafilatura with a fast pass that keeps only the intro box and a second opinion that reads the
    whole article; returns the passes asked, in order (True: fast)."""
    from cleaning.extract import body_trafilatura

    asked: list[bool] = []

    def fake(tree, url, recall=False, cjk=False, fast=True):
        asked.append(fast)
        if fast and not recall:
            return list(fast_answer)
        return [_BOX, *(" ".join(el.text_content().split()) for el in tree.iterfind(".//div[@class='cms']"))]

    monkeypatch.setattr(body_trafilatura, "trafilatura_body", fake)
    return asked


def test_a_short_body_on_a_page_with_much_more_text_asks_trafilaturas_second_opinion(monkeypatch):
    """trafilatura's fast pass kept an intro box (one paragraph) of a magazine page whose article is written in
    layout boxes; its second opinion (readability, jusText) reads the article, and that body is taken."""
    asked = _asked(monkeypatch, [_BOX])
    ex = extract(_magazine(12), "https://shop.example.de/magazin/aufraeumen")
    assert asked[:2] == [True, False]
    assert "Abschnitt 11" in ex.body and ex.body.startswith(_BOX)


def test_a_short_body_that_is_most_of_its_page_is_not_asked_about_again(monkeypatch):
    """A short article (the most common kind on health sites) costs one pass: no second opinion."""
    asked = _asked(monkeypatch, [_BOX, *(_SECTION.format(n=n) for n in range(2))])
    extract(_magazine(2), "https://shop.example.de/magazin/kurz")
    assert asked == [True]

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

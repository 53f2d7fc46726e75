"""Ambiguous numeric dates settled by the site's own evidence in the run (cleaning/steps/settle_date_order.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from cleaning.document import Document, Extraction, Page
from cleaning.extract import extract
from cleaning.extract.date_order import DMY, MDY
from cleaning.steps.settle_date_order import AMBIGUOUS, SETTLED, SettleDateOrder, agreed_order, settle, swapped
from tests.faultsite.content import make_article

FETCHED = datetime(2025, 1, 10, tzinfo=timezone.utc)


def _doc(site: str, published: date | None = None, ambiguous: bool = False, shown: str | None = None,
         html_lang: str | None = None, language: str = "en", url: str = "https://a.org/x") -> Document:
    ex = Extraction(published_date=published, flags=[AMBIGUOUS] if ambiguous else [], date_order=shown,
                    html_language=html_lang)
    return Document(page=Page(url=url, status=200, fetched_at=FETCHED, site=site), extraction=ex, language=language)


def test_agreement_needs_most_of_the_evidence():
    assert agreed_order(Counter()) is None
    assert agreed_order(Counter({MDY: 3})) == MDY
    assert agreed_order(Counter({DMY: 8, MDY: 1})) == DMY  # one quoted US date does not flip a day-first site
    assert agreed_order(Counter({DMY: 2, MDY: 2})) is None


def test_swapped_reading():
    assert swapped(date(2024, 3, 12)) == date(2024, 12, 3)
    assert swapped(date(2024, 1, 25)) is None  # no month 25: only one reading existed


def test_the_sites_own_dates_settle_the_order_per_site():
    docs = [
        _doc("us", shown=MDY), _doc("us", shown=MDY), _doc("us", date(2024, 3, 12), ambiguous=True),
        _doc("uk", shown=DMY), _doc("uk", date(2024, 3, 12), ambiguous=True),
        _doc("mixed", shown=DMY), _doc("mixed", shown=MDY), _doc("mixed", date(2024, 3, 12), ambiguous=True),
    ]
    step = SettleDateOrder()
    out = list(step.run(docs))
    assert len(out) == len(docs)
    us, uk, mixed = out[2].extraction, out[4].extraction, out[7].extraction
    assert us.published_date == date(2024, 12, 3) and us.flags == [SETTLED]  # "12/03/2024" on a US site
    assert uk.published_date == date(2024, 3, 12) and uk.flags == [SETTLED]
    assert mixed.published_date == date(2024, 3, 12) and mixed.flags == [AMBIGUOUS]  # evidence split: flagged
    assert step.stats == Counter({"settled/text": 2, "ambiguous": 1})


def test_url_evidence_comes_before_language():
    docs = [_doc("s", url="https://s.org/news/25-03-2024/a.html", html_lang="en-US"),
            _doc("s", url="https://s.org/news/30-04-2024/b.html", html_lang="en-US"),
            _doc("s", date(2024, 5, 6), ambiguous=True, url="https://s.org/news/c.html")]
    step = SettleDateOrder()
    out = list(step.run(docs))
    assert out[2].extraction.published_date == date(2024, 5, 6) and step.stats["settled/url"] == 1


def test_language_evidence_when_no_page_shows_an_order():
    docs = [_doc("s", html_lang="en-US"), _doc("s", html_lang="en-US"), _doc("s", date(2024, 5, 6), ambiguous=True)]
    out = list(SettleDateOrder().run(docs))
    assert out[2].extraction.published_date == date(2024, 6, 5)
    # nothing site-wide: the page's detected language decides (French writes day first)
    fr = _doc("t", date(2024, 5, 6), ambiguous=True, language="fr")
    assert settle(fr, None, "") == "page_language" and fr.extraction.published_date == date(2024, 5, 6)
    en = _doc("t", date(2024, 5, 6), ambiguous=True, language="en")
    assert settle(en, None, "") == "" and en.extraction.flags == [AMBIGUOUS]


def test_a_reading_after_the_fetch_is_never_chosen():
    doc = _doc("us", date(2025, 1, 11), ambiguous=True)  # 11/01/2025: month first would be 2025-11-01
    assert settle(doc, MDY, "text") == ""
    assert doc.extraction.published_date == date(2025, 1, 11) and doc.extraction.flags == [AMBIGUOUS]


def test_extraction_records_the_order_a_page_shows():
    body = "".join(f"<p>{p}</p>" for p in make_article("sleep-basics", "sleep").paragraphs)
    page = ("<html lang='en'><body><article><h1>Sleep</h1><p class='date'>{date}</p>{body}</article>"
            "<aside>{other}</aside></body></html>")
    us = extract(page.format(date="03/25/2024", body=body, other="").encode(), "https://a.org/x", None, now=FETCHED)
    uk = extract(page.format(date="25/03/2024", body=body, other="").encode(), "https://a.org/x", None, now=FETCHED)
    none = extract(page.format(date="2024-03-25", body=body, other="").encode(), "https://a.org/x", None, now=FETCHED)
    assert (us.date_order, uk.date_order, none.date_order) == (MDY, DMY, None)


def test_a_small_run_settles_a_generic_sites_dates(tmp_path: Path):
    from cleaning.options import CleanOptions
    from cleaning.runner import clean_run
    from cleaning.storage.datasets import PartitionedWriter

    run = "20250110T000000Z_abcdef"
    topics = ["sleep", "water", "walking", "vitamin", "handwashing"]
    dated = {"https://us.example/a0.html": "01/31/2024", "https://us.example/a1.html": "02/14/2024",
             "https://us.example/a2.html": "12/03/2024",  # ambiguous: the site's other dates say month first
             "https://uk.example/b0.html": "31/01/2024", "https://uk.example/b1.html": "12/03/2024",
             "https://nowhere.example/c0.html": "12/03/2024"}  # nothing else on that site: stays flagged
    pages = PartitionedWriter(tmp_path, "pages", run, rows_per_file=50)
    for i, (url, shown) in enumerate(dated.items()):
        article = make_article(f"dated-{i}", topics[i % len(topics)])
        body = "".join(f"<p>{p}</p>" for p in article.paragraphs)
        html = (f"<html lang='en'><head><title>{article.title}</title></head><body><article><h1>{article.title}"
                f"</h1><p class='date'>Published {shown}</p>{body}</article></body></html>")
        pages.write({"url": url, "status": 200, "fetched_at": FETCHED, "site": url.split("/")[2], "kind": "unknown",
                     "content_type": "text/html; charset=utf-8", "body": html.encode(), "profile": "",
                     "run_id": run}, "2025-01-10")
    pages.flush()
    report = clean_run(tmp_path, run, CleanOptions(grammar_backend="none", workers=1))
    articles = pd.read_parquet(tmp_path / "articles").set_index("url")
    got = {url: (articles.loc[url, "published_date"], list(articles.loc[url, "flags"])) for url in dated}
    assert got["https://us.example/a2.html"][0] == date(2024, 12, 3)
    assert SETTLED in got["https://us.example/a2.html"][1] and AMBIGUOUS not in got["https://us.example/a2.html"][1]
    assert got["https://uk.example/b1.html"][0] == date(2024, 3, 12)
    assert got["https://nowhere.example/c0.html"][0] == date(2024, 3, 12)
    assert AMBIGUOUS in got["https://nowhere.example/c0.html"][1]
    assert got["https://us.example/a0.html"][0] == date(2024, 1, 31) and AMBIGUOUS not in got["https://us.example/a0.html"][1]
    assert report is not None

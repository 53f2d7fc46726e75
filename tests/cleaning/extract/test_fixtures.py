"""Stored pages with expected outputs (fundus-style). Regenerate with bench/extract_regen_fixtures.py."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from cleaning.document import to_plain
from cleaning.extract import extract
from cleaning.profiles import load_profile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.json"))
RELATED = ["related_list", "related_table", "related_cards", "related_numbered", "related_aside"]



def run(name: str):
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    meta = data["input"]
    html = (FIXTURES / f"{meta.get('html_from', name)}.html").read_bytes()
    profile = load_profile(meta["profile"]) if meta.get("profile") else None
    now = datetime.fromisoformat(meta["now"]) if meta.get("now") else None
    return data, extract(html, meta.get("url"), profile, content_type=meta.get("content_type"), now=now)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_expected(name):
    data, ex = run(name)
    assert data["expected"] is not None, f"run bench/extract_regen_fixtures.py {name}"
    assert to_plain(ex) == data["expected"]


@pytest.mark.parametrize("name", RELATED)
def test_related_markups_are_data_not_body(name):
    _, ex = run(name)
    assert ex.body_source == "generic"
    assert len(ex.hot_picks) == 5
    assert [p.rank for p in ex.hot_picks] == [1, 2, 3, 4, 5]
    assert len({p.block for p in ex.hot_picks}) == 1 and ex.hot_picks[0].block
    for p in ex.hot_picks:
        assert p.url and p.url.startswith("https://wellness.example.org/")
        assert p.title not in ex.body
        if p.teaser:
            assert p.teaser not in ex.body
    assert ex.hot_picks[0].block not in ex.body
    # the tag cloud, category menu, nav menu and pagination are not related articles
    titles = {p.title for p in ex.hot_picks}
    assert not titles & {"water", "kidneys", "Heart and circulation", "Next", "2",
                         "Heart and blood pressure health"}


def test_related_teasers_dates_and_blocks():
    _, cards = run("related_cards")
    assert all(p.teaser and p.published_date for p in cards.hot_picks)
    assert cards.hot_picks[0].block == "You may also like"
    _, aside = run("related_aside")
    assert [p.published_date for p in aside.hot_picks] == [
        date(2023, 4, 3), date(2023, 4, 2), date(2023, 4, 1), date(2023, 3, 30), date(2023, 3, 29)]
    assert "Related Posts" not in aside.body and "Tags" not in aside.body
    _, listed = run("related_list")  # relative dates against the fetch time (2023-05-01 12:00 UTC)
    assert [p.published_date for p in listed.hot_picks][:3] == [date(2023, 5, 1), date(2023, 4, 30), date(2023, 4, 28)]
    _, numbered = run("related_numbered")
    assert numbered.hot_picks[0].block == "热门推荐"


@pytest.mark.parametrize("name,published,updated,source", [
    ("dates_jsonld", date(2023, 4, 12), date(2023, 4, 20), "json-ld"),
    ("dates_meta", date(2023, 4, 12), date(2023, 4, 13), "meta"),
    ("dates_time", date(2023, 4, 12), date(2023, 4, 15), "time"),
    ("dates_text", date(2023, 4, 12), date(2023, 4, 14), "markup"),
    ("dates_url", date(2023, 4, 12), None, "url"),
    ("dates_future_copyright", None, None, None),
])
def test_dates_order_of_trust(name, published, updated, source):
    _, ex = run(name)
    assert (ex.published_date, ex.updated_date, ex.date_source) == (published, updated, source)
    assert "2023" not in ex.body.split("\n\n")[0]  # date lines are not body


def test_boilerplate_is_gone_structure_kept():
    _, ex = run("boilerplate")
    for junk in ("Share", "icon", "Facebook", "Advertisement", "newsletter", "Read more", "cookies",
                 "nephrologist", "Home", "Copyright", "©"):
        assert junk not in ex.body, junk
    paras = ex.body.split("\n\n")
    assert "How much is enough" in paras and "Signs of mild dehydration" in paras
    assert len(paras) == 6


def test_encodings_repaired():
    _, gbk = run("gbk_no_charset")
    assert gbk.title == "倒着走路对腰椎间盘突出有好处吗"
    assert "倒走需要注意什么" in gbk.body.split("\n\n")
    assert gbk.published_date == date(2023, 4, 12)
    _, cp = run("cp1252_no_charset")
    assert cp.title == "Café culture and your heart"
    assert "“Two cups a day is fine for most people,” says" in cp.body and "naïve" in cp.body
    _, moj = run("mojibake_utf8")
    assert "doesn’t" in moj.body and "naïve" in moj.body and "mojibake_fixed" in moj.flags

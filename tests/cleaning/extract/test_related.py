"""hot_picks rows an analyst can trust on other people's pages (cleaning/extract/related.py, related_items.py).

Small hand-written pages, one per class of fault seen on real pages: a link that is no http(s) URL,
ranks that are not 1..n (stray numbers, each item twice, a widget's desktop and mobile copies under one
heading), a comments widget taken for articles, a block heading that is an item's title or carries a
logo's svg text.
"""

from __future__ import annotations

import pytest

from cleaning.extract import extract

URL = "https://stride.example.net/health/sleep-and-heart"
PROSE = (
    "<h1>Short nights and a tired heart</h1>"
    + "".join(
        f"<p>Paragraph {i}: people who sleep fewer than six hours a night have a higher resting heart rate, "
        "and their blood pressure falls less during the night than it does in people who sleep seven hours "
        "or more, which over years strains the heart and the vessels.</p>"
        for i in range(1, 5)
    )
)

TITLES = [
    "Five stretches that ease a stiff lower back",
    "Why you wake up tired after eight hours of sleep",
    "Salt, potassium and your blood pressure explained",
    "Simple ways to protect your eyes from screens",
    "What a healthy breakfast looks like for children",
]


def _slug(title: str) -> str:
    return "/health/" + "-".join(w.strip(",").lower() for w in title.split()[:4])


def _item(title: str, href: str | None = None, extra: str = "") -> str:
    return f'<li class="entry"><a href="{href or _slug(title)}">{title}</a>{extra}</li>'


def _page(*asides: str) -> str:
    return ("<html><head><title>Short nights and a tired heart</title></head><body>"
            f"<main><article>{PROSE}</article></main>{''.join(asides)}</body></html>")


def _aside(heading: str, items: list[str], cls: str = "widget") -> str:
    return f'<aside class="{cls}"><h3>{heading}</h3><ul>{"".join(items)}</ul></aside>'


def _rows(html: str):
    return extract(html, URL).hot_picks


# --- urls -------------------------------------------------------------------------------------------


def test_links_that_are_not_http_urls_give_no_rows():
    items = [_item(t, href=f"ref:idart-{550 + i}}}") for i, t in enumerate(TITLES[:3])]
    items += [_item(t) for t in TITLES[3:]]
    rows = _rows(_page(_aside("Popular", items)))
    assert [r.title for r in rows] == TITLES[3:]
    assert [r.rank for r in rows] == [1, 2]
    assert all(r.url.startswith("https://stride.example.net/health/") for r in rows)


def test_a_block_of_only_non_http_links_gives_no_rows_and_still_leaves_the_body():
    items = [_item(t, href=f"ref:idart-{550 + i}}}") for i, t in enumerate(TITLES)]
    ex = extract(_page(_aside("Popular", items)), URL)
    assert ex.hot_picks == []
    assert "Paragraph 1" in ex.body
    assert not any(t in ex.body for t in TITLES)  # the block is still cut from the body


# --- ranks ------------------------------------------------------------------------------------------


def test_stray_numbers_in_items_are_not_ranks():
    # a comment count or a "31" badge in its own <span> is no rank: ranks are positions 1..n
    counts = [1, 2, 3, 31, 6]
    items = [_item(t, extra=f"<span>{n}</span>") for t, n in zip(TITLES, counts)]
    rows = _rows(_page(_aside("Most Read", items)))
    assert [r.title for r in rows] == TITLES
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]


def test_printed_ranks_1_to_n_are_kept():
    items = [f'<li class="entry"><span class="rank">{i}</span><a href="{_slug(t)}">{t}</a></li>'
             for i, t in enumerate(TITLES, 1)]
    rows = _rows(_page(_aside("Most Read", items)))
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]


def test_each_item_twice_gives_one_row_per_url():
    # an image link and a title link as two sibling entries of the same article
    items = []
    for t in TITLES[:4]:
        items.append(_item(t))
        items.append(_item(t))
    rows = _rows(_page(_aside("Latest News", items)))
    assert [r.title for r in rows] == TITLES[:4]
    assert [r.rank for r in rows] == [1, 2, 3, 4]


def test_desktop_and_mobile_copies_of_a_widget_are_one_block():
    items = [_item(t) for t in TITLES[:3]]
    html = _page(_aside("Popular Posts", items, "widget desktop"), _aside("Popular Posts", items, "widget mobile"))
    rows = _rows(html)
    assert [(r.block, r.rank, r.title) for r in rows] == [("Popular Posts", i, t) for i, t in enumerate(TITLES[:3], 1)]
    assert len({r.url for r in rows}) == len(rows)


def test_copies_under_one_heading_add_only_new_urls_ranked_on():
    first = [_item(t) for t in TITLES[:3]]
    second = [_item(t) for t in TITLES[1:]]
    rows = _rows(_page(_aside("Popular Posts", first, "widget a"), _aside("Popular Posts", second, "widget b")))
    assert [r.title for r in rows] == TITLES
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]


# --- comments ---------------------------------------------------------------------------------------


def _comment(i: int, who: str, title: str) -> str:
    return (f'<li class="recentcomments"><span class="comment-author-link">{who}</span> bei '
            f'<a href="{_slug(title)}/comment-page-1/#comment-{18000 + i}">{title}</a></li>')


def test_a_latest_comments_widget_is_no_related_block():
    for heading in ("Letzte Kommentare", "Recent Comments", "Derniers commentaires", "Últimos comentarios"):
        items = [_comment(i, who, t) for i, (who, t) in enumerate(zip(["Anna Berg", "Jo", "Max K."], TITLES))]
        ex = extract(_page(_aside(heading, items)), URL)
        assert ex.hot_picks == [], heading
        assert "Anna Berg" not in ex.body  # still cut from the body


def test_links_to_comments_are_no_related_block_whatever_the_heading():
    items = [_comment(i, who, t) for i, (who, t) in enumerate(zip(["Anna Berg", "Jo", "Max K.", "Lu"], TITLES))]
    assert _rows(_page(_aside("Meldungen aus der Region", items, "sidebar"))) == []


def test_most_commented_articles_are_still_a_block():
    rows = _rows(_page(_aside("Most commented", [_item(t) for t in TITLES])))
    assert [r.title for r in rows] == TITLES
    assert rows[0].block == "Most commented"


# --- headings ---------------------------------------------------------------------------------------


def test_an_items_title_is_not_the_blocks_heading():
    items = "".join(f'<div class="post"><h4><a href="{_slug(t)}">{t}</a></h4><p>A short teaser about it.</p></div>'
                    for t in TITLES[:3])
    rows = _rows(_page(f'<aside class="sidebar">{items}</aside>'))
    assert [r.title for r in rows] == TITLES[:3]
    assert {r.block for r in rows} == {None}


def test_an_svg_logo_title_is_not_part_of_the_heading():
    logo = '<svg viewBox="0 0 10 10"><title>Site Logo</title><path d="M0 0h10v10z"></path></svg>'
    html = _page(f'<aside class="recommend"><h2>{logo}Recommends</h2><ul>{"".join(_item(t) for t in TITLES)}</ul></aside>')
    rows = _rows(html)
    assert {r.block for r in rows} == {"Recommends"}


# --- a profile's related_rank ---------------------------------------------------------------------

_PROFILE = """
name = "ranked"
start_urls = ["https://stride.example.net/"]
[selectors]
related_block = ".hot"
related_heading = "h3"
related_item = "li"
related_link = "a"
related_rank = ".rank"
"""


def _ranked(ranks: list[int]) -> str:
    items = "".join(f'<li><span class="rank">{r}</span><a href="{_slug(t)}">{t}</a></li>' for r, t in zip(ranks, TITLES))
    return _page(f'<div class="hot"><h3>Hot Picks</h3><ul>{items}</ul></div>')


def test_a_profiles_printed_ranks_are_kept_when_they_are_1_to_n():
    from cleaning.profiles import profile_from_text
    rows = extract(_ranked([2, 1, 3]), URL, profile_from_text(_PROFILE)).hot_picks
    assert [(r.rank, r.title) for r in rows] == [(1, TITLES[1]), (2, TITLES[0]), (3, TITLES[2])]


def test_a_profiles_printed_ranks_that_are_not_1_to_n_give_way_to_positions():
    from cleaning.profiles import profile_from_text
    rows = extract(_ranked([1, 1, 2, 2]), URL, profile_from_text(_PROFILE)).hot_picks
    assert [(r.rank, r.title) for r in rows] == [(i, t) for i, t in enumerate(TITLES[:4], 1)]


def test_a_related_posts_plugins_category_label_is_no_teaser():
    # Jetpack's "Related" items: a title link, a date, and the category the post is filed under ('In "Sleep"')
    items = [f'<div class="jp-relatedposts-post"><h4><a href="{_slug(t)}">{t}</a></h4><p class="date">May 2, 2024</p>'
             f'<p class="jp-relatedposts-post-context">In &#8220;Sleep&#8221;</p></div>' for t in TITLES[:3]]
    html = ("<html><head><title>Short nights and a tired heart</title></head><body><main><article>"
            f"{PROSE}<div class='jp-relatedposts'><h3>Related</h3>{''.join(items)}</div></article></main></body></html>")
    rows = _rows(html)
    assert [r.title for r in rows] == TITLES[:3]
    assert all(r.teaser is None for r in rows), [r.teaser for r in rows]


@pytest.mark.parametrize("heading", ["I più letti", "Lo más leído", "Meistgelesen", "Les plus lus", "Leia também",
                                     "Читайте также", "Baca juga", "関連記事"])
def test_related_headings_in_our_users_other_languages(heading):
    rows = _rows(_page(_aside(heading, [_item(t) for t in TITLES], "box")))
    assert [r.title for r in rows] == TITLES
    assert rows[0].block == heading


def test_the_dates_of_a_most_read_list_above_the_article_are_not_its_date():
    items = [_item(t, extra=f' <span class="data">{d} maggio 2021</span>') for t, d in zip(TITLES, (12, 28, 10, 2, 1))]
    html = _page().replace("<main>", '<div class="box">' f"<h3>I più letti</h3><ul>{''.join(items)}</ul></div><main>")
    html = html.replace("<h1>Short nights and a tired heart</h1>",
                        '<h1>Short nights and a tired heart</h1><p class="pubblicato">Pubblicato il 4 maggio 2021</p>')
    assert str(extract(html, URL).published_date) == "2021-05-04"


@pytest.mark.parametrize("heading", ["Weitere Meldungen", "Up next"])
def test_a_headline_list_after_a_div_soup_article_is_no_body(heading):
    paras = "".join(f'<div class="absatz">{p.removeprefix("<p>")}</div>' for p in PROSE.split("</p>") if p.startswith("<p>"))
    items = "".join(f'<div class="meldung"><a href="{_slug(t)}">{t}</a></div>' for t in TITLES)
    html = (f'<html><body><div id="inhalt"><div class="artikel"><div class="titel">Short nights and a tired heart</div>'
            f'{paras}</div></div><div class="box"><div class="rubrik">{heading}</div>{items}</div></body></html>')
    ex = extract(html, URL)
    assert ex.body and not any(t in ex.body for t in TITLES)


@pytest.mark.parametrize("heading", [
    "People also read", "Keep reading", "Popular in Skin Health", "Health news you may have missed",
    "Hot spot recommendation", "Wonderful recommendation", "Guess you like",  # machine-translated 热点推荐, 精彩推荐, 猜你喜欢
    "Potrebbe interessarti anche", "Auch lesenswert", "Artículos que te pueden interesar", "Você também pode gostar",
    "Вам может быть интересно", "精彩推荐", "热点推荐", "一周排行", "こちらもおすすめ", "많이 본 뉴스", "اقرأ أيضا",
    "Our Latest Stories", "Latest from CBS Sports", "Recent news"])
def test_related_blocks_under_headings_of_other_sites_and_languages(heading):
    """Four links in a plain `div` after the article: only the heading says what they are."""
    block = f'<div class="rail"><h3>{heading}</h3><ul>{"".join(_item(t) for t in TITLES[:4])}</ul></div>'
    rows = _rows(_page(block))
    assert [r.title for r in rows] == TITLES[:4] and {r.block for r in rows} == {heading}

"""Teaser listings (category, tag and archive pages) are no article, under any markup; articles stay."""

from __future__ import annotations

import pytest

from cleaning.extract import extract

URL = "https://clinic.example.org/topics/sleep/"
TEASER = ("Researchers followed adults for a year and found that a regular bedtime mattered more than the "
          "number of hours, with the effect strongest in people over sixty and in those who")
PROSE = ("Sleep researchers have long argued about how much the regularity of sleep matters compared with its "
         "length, and the new study adds careful measurements from wrist-worn devices worn for a whole year.")


def _page(main: str, head: str = "") -> str:
    return (f"<html lang='en'><head><title>Sleep - Clinic News</title>{head}</head><body>"
            f"<header><a href='/'>Clinic News</a></header><main>{main}</main>"
            f"<footer><p>© 2024 Clinic News</p></footer></body></html>")


def _items(n: int, shape: str) -> str:
    out = []
    for i in range(n):
        headline = f"Regular bedtimes matter more than long nights, study {i} finds"
        link = f"<a href='/news/sleep-study-{i}.html'>{headline}</a>"
        if shape == "li":
            out.append(f"<li class='item'>{link}<p>{TEASER}</p></li>")
        elif shape == "h2":
            out.append(f"<h2>{link}</h2><p>{TEASER}</p><p class='meta'>May {i + 1}, 2024</p>")
        else:  # cards
            out.append(f"<article class='card'><h3>{link}</h3><div class='teaser'>{TEASER}...</div></article>")
    body = "".join(out)
    return f"<h1>Sleep</h1><ul>{body}</ul>" if shape == "li" else f"<h1>Sleep</h1>{body}"


@pytest.mark.parametrize("shape", ["li", "h2", "cards"])
@pytest.mark.parametrize("n", [2, 6])
def test_a_teaser_listing_is_no_article(shape: str, n: int):
    ex = extract(_page(_items(n, shape)), URL)
    assert ex.body == "" and "link_list" in ex.flags and ex.reason == "no_article"


def test_a_page_that_declares_itself_an_article_is_never_a_listing():
    head = "<meta property='og:type' content='article'>"
    ex = extract(_page(_items(6, "li"), head), URL)
    assert ex.body and "link_list" not in ex.flags


def test_an_article_with_related_links_and_linked_sources_stays():
    paras = "".join(f"<p>{PROSE} Paragraph {i} goes on about the devices and what they measured.</p>" for i in range(8))
    sources = ("<p><a href='/news/older-sleep-study.html'>An older sleep study from the same group</a> found "
               "the opposite, and the authors discuss why.</p>")
    related = "".join(f"<li><a href='/news/related-{i}.html'>Another story about sleep and health {i}</a></li>"
                      for i in range(4))
    ex = extract(_page(f"<article><h1>Regular bedtimes</h1>{paras}{sources}<h2>Related</h2><ul>{related}</ul>"
                       "</article>"), "https://clinic.example.org/news/regular-bedtimes.html")
    assert "Paragraph 7" in ex.body and "link_list" not in ex.flags


def test_links_to_the_page_itself_are_no_headlines():
    paras = "".join(f"<p><a href='{URL}#part-{i}'>Part {i} of the sleep guide</a> {PROSE}</p>" for i in range(5))
    ex = extract(_page(f"<article><h1>The sleep guide</h1>{paras}</article>"), URL)
    assert "Part 4 of the sleep guide" in ex.body and "link_list" not in ex.flags


def test_a_listing_page_with_one_teaser_is_no_article_but_a_one_paragraph_article_stays():
    ex = extract(_page(_items(1, "li")), URL)
    assert ex.body == "" and "link_list" in ex.flags
    whole = _items(1, "li").replace(" and in those who", ". It held in every group.")  # a teaser that ends well
    ex = extract(_page(whole), URL)
    assert ex.body == "" and "link_list" in ex.flags
    one = (f"<article><h1>Bedtimes</h1><p><a href='/news/sleep-study-0.html'>Regular bedtimes matter more</a>, "
           f"a study says. {PROSE} {PROSE} {PROSE}</p></article>")
    ex = extract(_page(one), "https://clinic.example.org/news/bedtimes.html")
    assert "Regular bedtimes matter more" in ex.body and "link_list" not in ex.flags


def test_teasers_cut_with_an_ellipsis_under_links_alone_on_their_lines_are_a_listing():
    # the extractor leaves such headline links out: what is left is the cut teasers
    items = "".join(f"<div class='item'><a href='/news/sleep-study-{i}.html'>Regular bedtimes matter more, study "
                    f"{i} finds</a><p>In trial {i}, {TEASER.lower()}...</p><span>2024-05-0{i + 1} 09:32</span></div>"
                    for i in range(5))
    ex = extract(_page(f"<div class='list'>{items}</div>"), URL)
    assert ex.body == "" and "link_list" in ex.flags
    # an article that quotes a cut line or two is not
    paras = "".join(f"<p>{PROSE} Paragraph {i} goes on.</p>" for i in range(6))
    quoted = f"<p>One reader wrote: {TEASER}...</p><p>Another wrote: {TEASER}...</p>"
    links = "".join(f"<li><a href='/news/other-{i}.html'>Another story about sleep number {i}</a></li>" for i in range(4))
    ex = extract(_page(f"<article><h1>Sleep</h1>{paras}{quoted}<ul>{links}</ul></article>"),
                 "https://clinic.example.org/news/sleep.html")
    assert "Paragraph 5" in ex.body and "link_list" not in ex.flags


@pytest.mark.parametrize("posts", [1, 2])
def test_a_tag_page_with_one_or_two_posts_is_a_listing(posts: int):
    items = "".join(
        f"<article class='post'><h2 class='entry-title'><a href='/2024/05/0{i + 1}/sleep-study-{i}/'>Regular "
        f"bedtimes matter more than long nights, study {i} finds</a></h2><div class='entry-meta'>May {i + 1}, "
        f"2024</div><div class='excerpt'><p>In trial {i}, {TEASER.lower()}...</p></div><p class='more'><a "
        f"href='/2024/05/0{i + 1}/sleep-study-{i}/'>Read More</a></p></article>" for i in range(posts))
    main = f"<h1 class='page-title'>Tag: sleep</h1>{items}<p>Health news for every family</p>"
    ex = extract(_page(main), "https://clinic.example.org/tag/sleep/")
    assert ex.body == "" and "link_list" in ex.flags


def test_an_article_cut_short_behind_a_link_to_subscribe_stays():
    main = (f"<article><h1>Regular bedtimes matter more than long nights</h1><p>By the health desk</p>"
            f"<p>{PROSE} {TEASER}...</p><p><a href='/subscribe/'>Subscribe to read the whole article</a></p></article>")
    ex = extract(_page(main), "https://clinic.example.org/news/regular-bedtimes/")
    assert "wrist-worn devices" in ex.body and "link_list" not in ex.flags

"""Is the extracted "body" a teaser listing (a category, tag or archive page), not an article?

A listing reads, once extracted, as a run of items that each open with a link to another page of the
site (the item's headline) followed by a teaser: `is_link_list` does not see it, since most of its words
are teasers, not link texts. A page that declares itself an article (og:type, a JSON-LD Article or
Posting) is never called a listing: a roundup article may well open paragraphs with links.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag

from lxml.html import HtmlElement

from cleaning.dedup.urls import join_url

from . import body_lines, jsonld

MIN_ITEMS = 3  # distinct linked headlines leading body paragraphs (2 in a body of at most 4 paragraphs)
MIN_SHARE = 0.5  # of the body's paragraphs led by one (a headline and its teaser may be two paragraphs)
SHORT_WORDS = 80  # a one-paragraph body this short that opens with a headline link is that page's teaser
MIN_HEADLINE_WORDS = 3  # "Read more", "Next" and menu items are no headline
_ARTICLE_TYPE = re.compile(r"Article|Posting|Report|Recipe|Review|MedicalWebPage", re.I)


def declares_article(tree: HtmlElement, objects: list[dict]) -> bool:
    """The page says it is one article: og:type "article" or a JSON-LD Article/Posting type."""
    for meta in tree.iterfind(".//meta[@property]"):
        if (meta.get("property") or "").lower() == "og:type" and "article" in (meta.get("content") or "").lower():
            return True
    return any(_ARTICLE_TYPE.search(jsonld.types(obj)) for obj in objects)


def _page(url: str | None) -> str:
    return urldefrag(url or "")[0].rstrip("/")


def is_teaser_listing(paras: list[str], tree: HtmlElement, url: str | None, article: bool) -> bool:
    """True when at least half the body's paragraphs (and three or more; two in a body of four paragraphs or
    fewer) open with the text of a link to another page, a different one each: a listing's headlines; or
    when three or more, and at least half of them, end in an ellipsis (teasers whose headlines, links alone
    on their lines, the extractor left out) on a page with links to three or more other pages; or when
    every paragraph of some length is a cut teaser under its own headline link (`_only_cut_teasers`).
    `article`: the page declares itself an article (`declares_article`), which is never a listing."""
    if article or not paras:
        return False
    page = _page(url)
    headlines: dict[str, dict[str, str]] = {}  # first three words -> headline -> target
    for a in tree.iter("a"):
        text = " ".join(a.text_content().split())
        href = a.get("href")
        words = text.split()
        if len(words) < MIN_HEADLINE_WORDS or not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        target = _page(join_url(url, href))
        if target and target != page:
            headlines.setdefault(" ".join(words[:MIN_HEADLINE_WORDS]), {})[text] = target
    if not headlines:
        return False
    led, targets = 0, set()
    for p in paras:
        text = " ".join(p.split())
        for headline, target in headlines.get(" ".join(text.split()[:MIN_HEADLINE_WORDS]), {}).items():
            if text.startswith(headline) and target not in targets:
                led += 1
                targets.add(target)
                break
    # Headlines the extractor left out (a link alone on its line): what is left is the teasers, most of them
    # cut off with an ellipsis, as an article's paragraphs never are.
    cut = sum(1 for p in paras if p.rstrip().endswith(body_lines.ELLIPSES))
    if len({t for by in headlines.values() for t in by.values()}) >= MIN_ITEMS and cut >= MIN_ITEMS \
            and cut >= MIN_SHARE * len(paras):
        return True
    if _only_cut_teasers(paras, tree, url, page):
        return True
    if len(paras) == 1:  # the last page of a listing, with one item: a headline and its teaser (cut, or short)
        return led == 1 and (body_lines.looks_cut(paras[0], teaser=True) or len(paras[0].split()) < SHORT_WORDS)
    # ... or with two items (a short body: four paragraphs at most)
    need = 2 if len(paras) <= 4 else MIN_ITEMS
    return led >= need and led >= MIN_SHARE * len(paras)


LONG_WORDS = 12  # a paragraph this long is text, not a headline, tagline or "Read more"


def _only_cut_teasers(paras: list[str], tree: HtmlElement, url: str | None, page: str) -> bool:
    """A tag or category page with one or two posts: every paragraph of some length (but the posts' headlines,
    link texts) is cut with an ellipsis, each in a small block (the post's teaser item) where a headline link
    to another page comes first."""
    long_ = [p for p in paras if len(p.split()) >= LONG_WORDS]
    if not long_ or not any(p.rstrip().endswith(body_lines.ELLIPSES) for p in long_):
        return False
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    long_ = [p for p in long_ if " ".join(p.split()) not in links]  # the posts' headlines
    if not long_ or not all(p.rstrip().endswith(body_lines.ELLIPSES) for p in long_):
        return False
    return all(_teaser_item(p, tree, url, page) for p in long_)


def _teaser_item(para: str, tree: HtmlElement, url: str | None, page: str) -> bool:
    opening = " ".join(para.split()[:6])
    for el in tree.iter("p", "div", "span", "li", "td", "section"):
        if not " ".join((el.text or "").split()).startswith(opening):
            continue
        holder = el
        for _ in range(4):
            holder = holder.getparent()
            if holder is None or len(holder.text_content()) > 3 * len(para) + 400:
                break
            for node in holder.iter():
                if node is el:
                    break  # the headline comes before the teaser
                if node.tag == "a" and len(node.text_content().split()) >= MIN_HEADLINE_WORDS:
                    href = node.get("href")
                    target = _page(join_url(url, href)) if href and not href.startswith(("#", "javascript:")) else ""
                    if target and target != page:
                        return True
    return False

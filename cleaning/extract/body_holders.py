"""Tags that say "not article text" but may hold the article, unwrapped instead of removed with the boilerplate
tags (`core` removes nav, aside, footer, menu and noscript before the body is read):

- `unwrap_article_holders`: a nav/aside/footer/menu holding the page's article (broken markup, or a template that
  puts its reports in an `<aside>`);
- `unwrap_prose_noscripts`: a `<noscript>` holding the post's prose.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from .body_structure import LONG_PARA

STRUCTURAL_TAGS = ("nav", "aside", "footer", "menu")


def unwrap_article_holders(root: HtmlElement, title: str | None = None) -> int:
    """Unwraps (keeps the children of) every nav/aside/footer/menu that holds the page's article;
    returns how many. The tags say "not article text", but broken markup (an unclosed widget) can
    put the article inside one, and removing it then loses the whole article. A holder of the page's
    headline (`title`, an `<h1>`) with paragraphs after it holds the article, however short.

    Evidence, as for class names in `preclean`, from long paragraphs (150+ characters): the element
    holds an `<article>` with two or more of them and at least half of the page's long-paragraph text,
    or holds three or more of them and 75 % of that text itself. Ordinary sidebars, menus and footers
    (teasers, captions, legal text beside an article) hold neither and are removed as before.
    """
    holders = [el for el in root.iter(*STRUCTURAL_TAGS) if el is not root]
    keep = [el for el in holders if _holds_headline(el, title)]
    if not any(len(p.text_content()) > LONG_PARA for el in holders for p in el.iter("p")):
        return _unwrap(root, keep)  # what is kept holds long paragraphs: a page's menus and footers mostly hold none
    held: dict = {}  # element -> [long paragraphs, their characters]
    total = 0
    for p in root.iter("p"):
        n = len(p.text_content())
        if n <= LONG_PARA:
            continue
        total += n
        for anc in p.iterancestors():
            if anc is root:
                break
            if anc.tag in STRUCTURAL_TAGS or anc.tag == "article":
                count = held.setdefault(anc, [0, 0])
                count[0] += 1
                count[1] += n
    if not total:
        return _unwrap(root, keep)
    articles = [el for el, (k, n) in held.items() if el.tag == "article" and k >= 2 and n >= 0.5 * total]
    for el in holders:
        k, n = held.get(el, (0, 0))
        holds_article = k >= 2 and any(el in a.iterancestors() for a in articles)
        # A footer of long disclaimers beside a short-paragraph article is still a footer: only an
        # <article> inside makes a footer the article's holder.
        if (holds_article or el.tag != "footer" and k >= 3 and n >= 0.75 * total) and el not in keep:
            keep.append(el)
    return _unwrap(root, keep)


HEADLINE_TEXT = 200  # characters of paragraphs after the headline, in its holder: a short report's text
NOSCRIPT_PROSE = 2  # paragraphs of LONG_PARA characters inside a <noscript>: the article's text, not a notice


def unwrap_prose_noscripts(root: HtmlElement) -> int:
    """Unwraps every `<noscript>` that holds prose (two or more paragraphs of 150+ characters): Google's blogs
    write the post into a `<script type="text/template">` for their script to show, and into a `<noscript>` for
    everyone else; removed with the other noscripts (tracking pixels, "enable JavaScript"), it took the whole post
    with it. Returns how many."""
    keep = [el for el in root.iter("noscript")
            if sum(len(p.text_content()) > LONG_PARA for p in el.iter("p")) >= NOSCRIPT_PROSE]
    return _unwrap(root, keep)


def _holds_headline(holder: HtmlElement, title: str | None) -> bool:
    """The holder has the page's headline (an `<h1>` that is the title found) and paragraphs after it: a site that
    puts its article in an `<aside>` ("direct content"), whatever its length. Not a menu's logo `<h1>`."""
    if not title:
        return False
    want = " ".join(title.split()).casefold()
    seen = None
    text = 0
    for el in holder.iter("h1", "p"):
        if el.tag == "h1":
            seen = seen or " ".join(el.text_content().split()).casefold() == want
        elif seen:
            text += len(" ".join(el.text_content().split()))
            if text >= HEADLINE_TEXT:
                return True
    return False


def _unwrap(root: HtmlElement, keep: list[HtmlElement]) -> int:
    for el in keep:
        el.tag = "xunwrap"
    if keep:
        etree.strip_tags(root, "xunwrap")
    return len(keep)

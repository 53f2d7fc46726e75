"""Which parts of a page are the article's own, before the generic extractor reads it: a callout box in the
article (`keep_article_callouts`), a passage kept in a container of its own after the article's text
(`join_text_parts`), and the container that holds the article on a page that names none
(`mark_article_container`). Rules on structure only, measured on dev and review pages (docs/extraction.md)."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from .body import _is_prose, _is_sentence
from .body_structure import move_contents, remove_keep_tail
from .patterns import CALL_TO_ACTION_RE, CJK_RE, RELATED_HEADING_RE

# Asides a site names for what they are: a pull quote, an author's box, a teaser, an ad, a share bar
_NOT_A_CALLOUT = re.compile(r"(?<![a-z])(?:pull|quote|author|bio|byline|profile|teaser|promo|related|more|recommend|"
                            r"newsletter|subscribe|share|social|ad|ads|advert\w*|sponsor\w*|banner|widget|sidebar)"
                            r"(?![a-z])", re.I)
_SENTENCE = re.compile(r"\w{2,}[^.!?]{10,}[.!?](?:\s|$)|[。！？]")


def keep_article_callouts(tree: HtmlElement) -> int:
    """An <aside> inside the <article> that holds running text of its own (a health page's "Key takeaways" or
    "When to call 911" box) is the article's, not the page's furniture: it becomes a <div>, so it is judged as
    text like any other. Asides of links (related articles), of a few words (a share bar) or of a pull quote
    repeating the text stay asides. Returns how many."""
    kept = 0
    for aside in list(tree.iter("aside")):
        article = next((a for a in aside.iterancestors() if a.tag == "article"), None)
        if article is None or _NOT_A_CALLOUT.search(f"{aside.get('class', '')} {aside.get('id', '')}"):
            continue
        heading = next(aside.iter("h2", "h3", "h4", "h5", "h6", "strong"), None)
        if heading is not None and RELATED_HEADING_RE.match(" ".join(heading.text_content().split())):
            continue  # "More from our experts": teasers
        text = " ".join(aside.text_content().split())
        if len(text.split()) < 15 and len(text) < 60:
            continue
        linked = sum(len(" ".join(a.text_content().split())) for a in aside.iter("a"))
        if linked > 0.3 * len(text) or aside.find(".//blockquote") is not None:
            continue
        sentences = [t for el in aside.iter("p", "li") if _SENTENCE.search(t := " ".join(el.text_content().split()))]
        if not sentences and heading is not None:  # a headed box of bullet fragments ("Key facts": no full stops)
            items = [t for li in aside.iter("li") if len((t := " ".join(li.text_content().split())).split()) >= 4]
            sentences = items if len(items) >= 2 else []
        if not sentences or _repeats_the_article(sentences, aside, article):
            continue
        aside.tag = "div"
        kept += 1
    return kept


def _repeats_the_article(sentences: list[str], aside: HtmlElement, article: HtmlElement) -> bool:
    """A pull quote: its sentence is also in the article's own paragraphs."""
    own = " ".join(" ".join(p.text_content().split()) for p in article.iter("p")
                   if aside not in p.iterancestors())
    return any(s[:80] in own for s in sentences)


_ARTICLE_BLOCKS = frozenset({"p", "section", "h2", "h3", "h4", "h5", "ul", "ol", "blockquote", "table", "dl"})


def mark_article_container(tree: HtmlElement) -> bool:
    """A page without <article> or <main> whose text sits in a container of a class trafilatura does not know
    (`art_con`, `rm_txt_con`, a WeChat editor's `rich_media_content` of <section><span>): trafilatura then
    recovers only its <p> text, losing subheadings, lists and sections. The element whose own blocks hold
    most of the page's text becomes an <article>, which trafilatura reads whole. Returns whether one did."""
    body = tree.find(".//body")
    if body is None or body.find(".//article") is not None or body.find(".//main") is not None:
        return False
    own: dict[HtmlElement, int] = {}  # each container's block children (counted: their text is read once, below)
    for block in body.iter(*_ARTICLE_BLOCKS):
        parent = block.getparent()
        if parent is not None and parent.tag in ("div", "section", "td"):
            own[parent] = own.get(parent, 0) + 1
    # Readers' comments, reviews, forum posts and teaser lists are as many blocks: a container named for one,
    # or following the headline's own container, is no article (the article holds the <h1> or comes first)
    ranked = sorted(own, key=own.__getitem__, reverse=True)[:3]
    best = next((el for el in ranked if not _NOT_AN_ARTICLE.search(
        " ".join(f"{a.get('class', '')} {a.get('id', '')}" for a in (el, *el.iterancestors())))), None)
    if best is None or own[best] < 3:
        return False
    text = "".join(c.text_content().strip() for c in best if isinstance(c.tag, str) and c.tag in _ARTICLE_BLOCKS)
    size = len(text) + 2 * len(CJK_RE.findall(text))  # a Chinese character says what ~3 Latin letters do
    linked = sum(len(a.text_content().strip()) for a in best.iter("a"))
    if size < 400 or len(text) < 0.4 * len(body.text_content().strip()) or linked > 0.3 * len(text):
        return False
    h1 = next(body.iter("h1"), None)
    if h1 is not None and best not in h1.iterancestors() and not _after(h1, best):
        return False
    rivals = [el for el in own if el is not best and own[el] >= 2 and best not in el.iterancestors()
              and el not in best.iterancestors() and _NOT_AN_ARTICLE.search(f"{el.get('class', '')} {el.get('id', '')}") is None]
    if h1 is not None and any(_after(h1, el) and _after(el, best) for el in rivals):
        return False  # another container of paragraphs between the headline and it: that one is the article
    if any(own[el] >= 3 for el in rivals):
        return False  # two containers of paragraphs (two stories, a story in parts): trafilatura's own choice
    best.tag = "article"
    # a WeChat editor's paragraph is a <section> of <span>s: a paragraph, not one more container to merge
    for section in list(best.iter("section")):
        if len(section) and all(isinstance(c.tag, str) and c.tag in _INLINE for c in section) and \
                len(section.text_content().strip()) >= 2:
            section.tag = "p"
    return True


_NOT_AN_ARTICLE = re.compile(r"comment|respon|review|reply|replies|forum|thread|discuss|related|recommend|"
                             r"sidebar|widget|teaser|list|feed|footer|nav|menu|rating|answer", re.I)


def _after(a: HtmlElement, b: HtmlElement) -> bool:
    """`b` comes after `a` in the document (and is not inside it)."""
    return (b.sourceline or 0) >= (a.sourceline or 0) and a not in b.iterancestors() and b not in a.iterancestors() \
        and _document_order(a) < _document_order(b)


def _document_order(el: HtmlElement) -> tuple[int, ...]:
    path = []
    while el.getparent() is not None:
        parent = el.getparent()
        path.append(parent.index(el))
        el = parent
    return tuple(reversed(path))


_INLINE = frozenset({"span", "strong", "b", "em", "i", "a", "br", "img", "font", "u", "sup", "sub", "mark"})


_TEXT_PARTS = etree.XPath("descendant::*[@data-xtext-part]")
_TEASER_CLASS = re.compile(r"story|teaser|card|related|promo|recommend", re.I)


def join_text_parts(tree: HtmlElement) -> int:
    """A passage of the article that the page keeps in a container of its own right after the article's text
    (`<div class="article-content">...</div><div class="paywall-content">...</div>`), judged visible text by
    pre-cleaning (`body.preclean` marks it), joins the container before it when that holds two or more
    paragraphs of prose: the extractor reads one container, and read only the first. Returns how many."""
    joined = 0
    for part in _TEXT_PARTS(tree):
        if part.getparent() is None:
            continue
        before = part.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()
        if before is None or before.tag not in ("div", "section") or not _holds_text(part):
            continue
        if sum(1 for p in before.iter("p") if _is_prose(p.text_content())) < 2:
            continue
        move_contents(part, before)
        remove_keep_tail(part)
        joined += 1
    return joined


def _holds_text(part: HtmlElement) -> bool:
    """A paragraph of prose, or two sentences, none a call to action ("Jetzt weiterlesen mit NK+ für 0,99 €"), and
    no linked heading or teaser's class (another story's card)."""
    if _TEASER_CLASS.search(f"{part.get('class', '')} {part.get('id', '')}") or any(
            h.find(".//a[@href]") is not None for h in part.iter("h2", "h3", "h4")):
        return False
    texts = [" ".join(p.text_content().split()) for p in part.iter("p")]
    if any(CALL_TO_ACTION_RE.search(t) for t in texts):
        return False
    return any(_is_prose(t) for t in texts) or sum(1 for t in texts if _is_sentence(t)) >= 2

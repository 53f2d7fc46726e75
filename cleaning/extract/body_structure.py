"""Structure rules on the page before its body is read: evidence from long paragraphs, never a class name
(the tags that may hold the article: `body_holders`).

- `merge_split_sections`: an article the page split into sibling sections (ad rows between) is joined, so
  the extractor, which reads one element, reads all of it;
- `paragraphs_from_breaks`: text written as lines between `<br><br>` (no `<p>`) becomes paragraphs, which
  the extractor reads (it passed such a block over); `paragraphs_from_divs`: so do paragraphs written as
  sibling text-only `<div>`s;
- `drop_promo_cards`: a card in the text of a read-also label and one linked headline ("Te puede interesar" then
  `<a><h3>...</h3></a>`) goes: the extractor drops the label and kept the headline as a subheading.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from .patterns import CJK_RE, PROMO_LABEL_RE, RELATED_HEADING_RE


LONG_PARA = 150  # characters of a long paragraph (as `_looks_like_content` counts them)


def weighted_len(text: str) -> int:
    """Characters, a Chinese, Japanese or Korean one counting three: it says what ~3 Latin letters do (as
    `body_article` weighs them), so a 150-character Japanese post is as long as a 450-character English one."""
    return len(text) + 2 * len(CJK_RE.findall(text))


SPLIT_MAX_LEVELS = 2  # how far up two sections' ancestors may be the siblings (0: the sections themselves)
SPLIT_FILLER_MAX = 300  # characters of text between two sections: an ad row, a promo, an empty slot


def move_contents(source: HtmlElement, into: HtmlElement) -> None:
    """Moves `source`'s text and children to the end of `into`, in document order (`source` is left empty)."""
    if source.text and source.text.strip():
        last = into[-1] if len(into) else None
        if last is not None:
            last.tail = (last.tail or "") + source.text
        else:
            into.text = (into.text or "") + source.text
    source.text = None
    for child in list(source):
        into.append(child)


def merge_split_sections(tree: HtmlElement) -> int:
    """Joins an article body that the page split into sibling sections (mid-article ad rows between
    `<div class="body">` chunks); returns how many sections were joined into an earlier one.

    The generic extractor reads one element, so it read only the first section. Evidence is structure,
    never a class name: each section is the direct parent of two or more long paragraphs (150+
    characters; one each is a comment, a teaser card, a list item), the sections have the same tag and
    class, and so do their ancestors up to the level where they are siblings (at most two levels up,
    none an `<article>`: two articles are not one); everything between two sections holds at most
    SPLIT_FILLER_MAX characters, no long paragraph and no title, date or author element (h1-h3,
    `<time>`, `<address>`: a stacked next story starts with them). A later section's children, and the
    rows between, move into the first section in document order, so the text reads as it did on the
    page (a page whose extractor already took a common ancestor reads the same).
    """
    root = tree.find(".//body")
    if root is None:
        root = tree
    held: dict = {}  # section -> number of long paragraphs it holds directly
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is not None and len(p.text_content()) > LONG_PARA:
            held[parent] = held.get(parent, 0) + 1
    held = {el: n for el, n in held.items() if n >= 2}  # one long paragraph each: comments, cards, list items
    if len(held) < 2:
        return 0
    groups: dict = {}
    for el in held:  # first long paragraph's order: document order of disjoint sections
        groups.setdefault(_signature(el), []).append(el)
    runs = []
    for members in groups.values():
        run = members[:1]
        for a, b in zip(members, members[1:]):
            filler = _between_sections(a, b)
            if filler is None:
                runs.append(run)
                run = [b]
                continue
            run.append((filler, b))
        runs.append(run)
    joined = 0
    for first, *rest in runs:
        if not rest:
            continue
        for filler, b in rest:
            for node in filler:
                first.append(node)
            move_contents(b, first)
            joined += 1
    return joined


def _signature(el: HtmlElement) -> tuple:
    return el.tag, tuple(sorted((el.get("class") or "").split()))


# What starts another story, not a row of filler: a title, a date (<time>), an author line (<address>).
_BOUNDARY_TAGS = ("h1", "h2", "h3", "time", "address")


def _between_sections(a: HtmlElement, b: HtmlElement) -> list | None:
    """The elements between sections `a` and `b` (in document order) when the two are cousins under the
    same ancestor chain and only filler lies between; else None."""
    chain_a, chain_b = [a], [b]
    for _ in range(SPLIT_MAX_LEVELS + 1):
        x, y = chain_a[-1], chain_b[-1]
        if x is y or x.tag == "article" or _signature(x) != _signature(y):
            return None
        if x.getparent() is not None and x.getparent() is y.getparent():
            break
        chain_a.append(x.getparent())
        chain_b.append(y.getparent())
        if chain_a[-1] is None or chain_b[-1] is None:
            return None
    else:
        return None
    top_a, top_b = chain_a[-1], chain_b[-1]
    if top_a.getparent().index(top_a) > top_b.getparent().index(top_b):
        return None
    filler: list = []
    for el in chain_a[:-1]:
        filler.extend(el.itersiblings())
    sib = top_a.getnext()
    while sib is not None and sib is not top_b:
        filler.append(sib)
        sib = sib.getnext()
    if sib is None:
        return None
    for el in reversed(chain_b[:-1]):
        filler.extend(reversed(list(el.itersiblings(preceding=True))))
    size = 0
    for el in filler:
        if not isinstance(el.tag, str):
            size += len((el.tail or "").strip())
            continue
        if next(el.iter(*_BOUNDARY_TAGS), None) is not None:  # el itself included
            return None  # a title, a date or an author between them: the next story begins there
        size += len(" ".join(el.text_content().split())) + len((el.tail or "").strip())
        if size > SPLIT_FILLER_MAX or any(len(p.text_content()) > LONG_PARA for p in el.iter("p")):
            return None
    for el in chain_b[1:]:  # text right inside b's ancestors, before b: a heading of its own
        if el.text and el.text.strip():
            return None
    return filler


_BLOCK_CHILDREN = frozenset(("p", "div", "table", "ul", "ol", "dl", "blockquote", "pre", "section", "article",
                             "h1", "h2", "h3", "h4", "h5", "h6", "hr", "form", "figure"))
_BREAK_HOLDERS = frozenset(("div", "font", "td", "span", "section", "article", "center", "blockquote"))
BREAKS_MIN_TEXT = 200  # characters of text between the breaks: a block of prose, not a caption or an address
DIV_PARAGRAPHS = 3  # sibling text-only <div>s under one parent, at least: an article's paragraphs
DIV_PARAGRAPH_TEXT = 80  # characters of each (a CJK one counting three): a sentence or more, not a label
DIV_LINKED_SHARE = 0.3  # of a div's text in links, at most: prose, not a teaser card's headline and blurb
# what a paragraph holds besides its text; a div with any other child (a <p>, an <h3>, a <div>) is a block
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "dfn", "em", "font", "i", "img", "kbd",
                     "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"})


def paragraphs_from_divs(root: HtmlElement) -> int:
    """Makes `<p>` of paragraphs written as `<div>`s (Der Spiegel's `<div class="dig-absatz">`): three or more
    sibling divs holding only text and inline elements, 80+ characters each, little of it in links. The
    extractor reads paragraphs; it passed such an article over for a box of real `<p>`s beside it. Returns how
    many divs."""
    by_parent: dict[HtmlElement, list[HtmlElement]] = {}
    for div in root.iter("div"):
        parent = div.getparent()
        if parent is None or any(isinstance(c.tag, str) and c.tag not in _INLINE for c in div):
            continue
        text = " ".join(div.text_content().split())
        if weighted_len(text) < DIV_PARAGRAPH_TEXT:
            continue
        linked = sum(len(" ".join(a.text_content().split())) for a in div.iter("a"))
        if linked <= DIV_LINKED_SHARE * len(text):
            by_parent.setdefault(parent, []).append(div)
    done = 0
    for divs in by_parent.values():
        if len(divs) >= DIV_PARAGRAPHS:
            for div in divs:
                div.tag = "p"
            done += len(divs)
    return done


def paragraphs_from_breaks(root: HtmlElement) -> int:
    """Splits every element whose own text is prose cut into lines by two `<br>` or more (old portals write
    articles so, in a `<div>`, a `<font>`, a table cell) into `<p>` paragraphs; returns how many elements.

    A run of two or more `<br>` (blanks between them allowed) ends a paragraph, and so does a block child (a
    `<p>`, a `<div>` ...), which stays where it is; a single `<br>` stays inside its paragraph. Only an element
    with 200+ characters of its own text (a CJK one counting three) and at least one double break is touched."""
    done = 0
    # only an element with a <br> of its own can qualify; in document order (of their first <br>)
    holders = dict.fromkeys(br.getparent() for br in root.iter("br"))
    for el in [e for e in holders if e is not None and e.tag in _BREAK_HOLDERS]:
        if el.tag in ("span", "font") and any(child.tag in _BLOCK_CHILDREN for child in el):
            continue  # an inline element holding blocks: its blocks are read as they are
        own = (el.text or "") + "".join(child.tail or "" for child in el)
        if weighted_len(own.strip()) < BREAKS_MIN_TEXT or not _has_double_break(el):
            continue
        _split_at_breaks(el)
        done += 1
    return done


def _blank(text: str | None) -> bool:
    return not text or not text.replace("\u00a0", " ").strip()


def _has_double_break(el: HtmlElement) -> bool:
    children = list(el)
    return any(a.tag == "br" and b.tag == "br" and _blank(a.tail) for a, b in zip(children, children[1:]))


def _split_at_breaks(el: HtmlElement) -> None:
    children = list(el)
    pieces: list = []  # each: a list of (text or element) making one paragraph, or a block element alone
    current: list = [el.text] if el.text else []
    i = 0
    while i < len(children):
        child = children[i]
        if child.tag == "br":
            j = i
            while j + 1 < len(children) and children[j + 1].tag == "br" and _blank(children[j].tail):
                j += 1
            if j > i:  # two breaks or more: the paragraph ends
                pieces.append(current)
                current = [children[j].tail] if children[j].tail else []
                i = j + 1
                continue
            current.append(child)
        elif child.tag in _BLOCK_CHILDREN:
            pieces.append(current)
            pieces.append(child)
            current = [child.tail] if child.tail else []
            child.tail = None
            i += 1
            continue
        else:
            current.append(child)
        i += 1
    pieces.append(current)
    for child in children:
        el.remove(child)
    el.text = None
    for piece in pieces:
        if not isinstance(piece, list):
            el.append(piece)
            continue
        if all(isinstance(x, str) and _blank(x) for x in piece) or not piece:
            continue
        p = etree.SubElement(el, "p")
        for x in piece:  # a string comes only first (the text before the piece's first element)
            if isinstance(x, str):
                p.text = (p.text or "") + x
            else:
                p.append(x)  # with its tail: the text after it, in the same paragraph


_BUTTON_HOLDERS = frozenset({"h2", "h3", "h4", "h5", "h6", "summary"})
_LETTER = re.compile(r"[^\W\d_]")


def accordion_questions(root: HtmlElement) -> None:
    """An accordion's question is its heading's button (`<h3><button aria-expanded>What causes gout?</button></h3>`):
    the button's text stays the heading's; a button beside the heading's own words ("Show", "Copy link") goes
    (a number, "1. <button>...", is no words). Other buttons go with the form controls."""
    for holder in {b.getparent() for b in root.iter("button")}:
        if holder is None or holder.tag not in _BUTTON_HOLDERS:
            continue
        own = " ".join([holder.text or "", *(b.tail or "" for b in holder.iter("button"))])
        if _LETTER.search(own):
            etree.strip_elements(holder, "button", with_tail=False)
        else:
            etree.strip_tags(holder, "button")


# a block of exactly two elements, the second a link (found in C: a walk of every block in Python cost 0.5 %). The
# children are tested first, the tag last: most elements have no second child, and the five tag tests cost
# twice the rest (510 -> 250 us a page on the dev pages)
_CARDS = etree.XPath("descendant::*[*[2][self::a[@href]] and not(*[3])]"
                     "[self::div or self::aside or self::section or self::p or self::li]")


def drop_promo_cards(root: HtmlElement) -> int:
    """Removes each small block made of a read-also label (its first child, `PROMO_LABEL_RE` or a related heading)
    and one link holding the rest of its text (a headline); returns how many."""
    dropped = 0
    for card in _CARDS(root):
        children = list(card)
        if not children[1].get("href", "").strip("#"):
            continue
        label = " ".join(children[0].text_content().split())
        headline = " ".join(children[1].text_content().split())
        if not label or not (PROMO_LABEL_RE.match(label) or RELATED_HEADING_RE.match(label)):
            continue
        rest = " ".join(card.text_content().split())
        if len(headline.split()) < 3 or len(rest) > 200 or len(rest) > len(label) + len(headline) + 8:
            continue  # prose around the link: a sentence that mentions a story, not a card
        if card.getparent() is not None:
            remove_keep_tail(card)
            dropped += 1
    return dropped


def remove_keep_tail(el: HtmlElement) -> None:
    """Removes the element; the text after it (its tail) stays where it was."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)

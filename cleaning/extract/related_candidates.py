"""Where related blocks may be: elements whose short text reads like a block heading, sidebars and
related-classed elements, and the ancestry (navigation, header, footer, tag clouds) that rules one out."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from . import attrs
from .attrs import AttrIndex
from .patterns import NOT_RELATED_CLASS_RE, RELATED_CLASS_KEYWORDS, RELATED_CLASS_RE, RELATED_HEADING_RE
from .related_items import HEADING_TAGS, SKIP_TAGS, class_text, text_of


def bad_ancestry(el: HtmlElement, memo: dict | None = None) -> bool:
    """Inside navigation, a header/footer, a tag cloud, pagination ... (memoised per element)."""
    if el is None or el.tag in ("body", "html"):
        return False
    key = ("bad", el)
    if memo is not None and key in memo:
        return memo[key]
    bad = el.tag in ("nav", "header", "footer", "menu") or bool(NOT_RELATED_CLASS_RE.search(class_text(el))) \
        or bad_ancestry(el.getparent(), memo)
    if memo is not None:
        memo[key] = bad
    return bad


# Texts of 3..60 characters (spaces normalised). XPath 1.0 cannot name a value, so the range test is written
# with one normalize-space() instead of two: floor((n - 3) div 58) is 0 exactly when 3 <= n <= 60. The
# whole page's text nodes go through it: the second normalisation cost a fifth of this function.
_SHORT_TEXT = etree.XPath("descendant::text()[floor((string-length(normalize-space(.)) - 3) div 58) = 0]")


@lru_cache(maxsize=8192)
def _reads_as_heading(text: str) -> bool:
    """RELATED_HEADING_RE on a short text, remembered: a site's menus and widgets repeat on every page."""
    return RELATED_HEADING_RE.match(text) is not None


def heading_candidates(body: HtmlElement) -> list[HtmlElement]:
    """Elements whose own short text reads like a related-block heading (widened to wrappers with the same text)."""
    out: dict = {}
    for node in _SHORT_TEXT(body):
        if not getattr(node, "is_text", False) or not _reads_as_heading(" ".join(node.split())):
            continue
        el = node.getparent()
        if el is None or not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            continue
        own = text_of(el)
        while (parent := el.getparent()) is not None and parent.tag not in ("body", "html") and text_of(parent) == own:
            el = parent
        out.setdefault(el)
    return list(out)


class _RememberedSearch:
    """A regex for `AttrIndex.matching` (which only calls `.search` and tests the result) whose verdict is
    remembered per class/id string. The keywords let through strings such as a utility-class list holding "top"
    ("desktop:top-0 ..."), some hundreds of characters long, that the regex then reads to the end; a page
    repeats them on many elements, a site on every page."""

    def __init__(self, regex: re.Pattern) -> None:
        @lru_cache(maxsize=8192)
        def search(text: str) -> bool:
            return regex.search(text) is not None

        self.search = search


_RELATED_CLASS = _RememberedSearch(RELATED_CLASS_RE)


def structure_candidates(body: HtmlElement, index: AttrIndex | None = None) -> list[HtmlElement]:
    out = dict.fromkeys(body.iter("aside"))
    index = index or attrs.index(body)
    for el in index.matching(RELATED_CLASS_KEYWORDS, _RELATED_CLASS):  # type: ignore[arg-type]
        if el.getparent() is not None:
            out.setdefault(el)
    return list(out)


def heading_text(el: HtmlElement) -> str | None:
    if el.tag in SKIP_TAGS or el.tag == "a" or el.find(".//a[@href]") is not None and el.tag not in HEADING_TAGS:
        return None
    if el.tag not in HEADING_TAGS and len(el) > 2:
        return None
    t = text_of(el)
    if not t or len(t) > 60:
        return None
    return t if _reads_as_heading(t) else None


def precedes(a: HtmlElement, b: HtmlElement) -> bool:
    """True when `a` comes before `b` in the document (or contains it)."""
    chain_a = [a, *a.iterancestors()]
    chain_b = [b, *b.iterancestors()]
    common = next((n for n in chain_b if n in chain_a), None)
    if common is None or common is a:
        return True
    if common is b:
        return False
    branch_a = chain_a[chain_a.index(common) - 1]
    branch_b = chain_b[chain_b.index(common) - 1]
    return common.index(branch_a) < common.index(branch_b)


def heading_el_inside(item: HtmlElement, heading: HtmlElement) -> bool:
    return item is heading or heading in item.iterdescendants()

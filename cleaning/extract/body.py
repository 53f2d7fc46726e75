"""The article body as paragraphs separated by a blank line.

Three paths, recorded in `Extraction.body_source`:
- "profile": the profile's body selector, minus its `remove` selectors and generic boilerplate;
- "generic": trafilatura (no comments; `body_trafilatura`) on the page with related blocks already cut out;
- "fallback": trafilatura in recall mode, then plain <p> text, when the above give nothing.
Every path's text then goes through the same line filter (body_lines.clean_lines); structure rules that run
on the page first are in body_structure.
"""

from __future__ import annotations

import re
from collections.abc import Container

from lxml import etree
from lxml.html import HtmlElement

from . import attrs
from .attrs import AttrIndex
from .body_structure import remove_keep_tail as _remove_keep_tail
from .body_holders import unwrap_article_holders
from .hidden_text import Page, rest_of_article, style_hidden, unhide
from .patterns import (CJK_RE, AUTHOR_CLASS_RE, BOILERPLATE_CLASS_RE, BOILERPLATE_TAGS, CALL_TO_ACTION_RE, HIDDEN_CLASS_KEYWORDS,
                       HIDDEN_ANY_RE, PRECLEAN_CLASS_KEYWORDS, PRECLEAN_CLASS_RE, PRECLEAN_MAX_SHARE, PRECLEAN_STYLE_RE,
                       SITE_VOICE_RE, WEAK_CALL_TO_ACTION_RE, hidden_by_class)

BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
    "section", "article", "main", "header", "table", "tr", "thead", "tbody", "figure", "figcaption", "address",
    "details", "summary", "hr", "center",
})
_SKIP = frozenset(BOILERPLATE_TAGS) | {"head", "title", "meta", "link", "img", "picture", "video", "audio", "map"}


def element_paragraphs(root: HtmlElement) -> list[str]:
    """Text of an element, one paragraph per block element; no recursion, so deep markup is safe."""
    paras: list[str] = []
    buf: list[str] = []
    skip_depth = 0

    def flush():
        text = " ".join("".join(buf).split())
        if text:
            paras.append(text)
        buf.clear()

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in _SKIP or not tag:
                skip_depth += 1
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if el.text:
                buf.append(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el.tail and el is not root:
                    buf.append(el.tail)
                continue
            if tag in BLOCK_TAGS:
                flush()
            if el.tail and el is not root:
                buf.append(el.tail)
    flush()
    return paras


def drop_boilerplate_elements(root: HtmlElement, remove_css: tuple[str, ...] = ()) -> None:
    doomed = []
    for css in remove_css:
        try:
            doomed.extend(root.cssselect(css))
        except Exception:  # noqa: BLE001 - validated on load
            pass
    unwrap_article_holders(root)  # after the selectors: one naming such a holder then removes nothing
    for el in root.iter():
        if not isinstance(el.tag, str) or el is root:
            continue
        if el.tag in BOILERPLATE_TAGS or el.get("data-xdrop") or (
                BOILERPLATE_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}") and el.tag not in ("html", "body")
                and widget_evidence(el)):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            _remove_keep_tail(el)


def profile_body(tree: HtmlElement, profile) -> list[str]:
    import copy

    try:
        roots = tree.cssselect(profile.selectors.body)
    except Exception:  # noqa: BLE001
        return []
    paras: list[str] = []
    for root in roots:
        work = copy.deepcopy(root)
        drop_boilerplate_elements(work, profile.selectors.remove)
        paras.extend(element_paragraphs(work))
    return paras


_STYLED = etree.XPath("descendant::*[@style or @hidden or @aria-hidden]")
_LEADS = etree.XPath("descendant::p[@data-xlead]")
_CONTROLS = ("input", "select", "textarea", "form", "iframe")
# A button is a widget's evidence in a short element (a cookie banner's "OK", in any language); a paywalled or
# folded passage of the article (`_TEXT_CLASS_RE`) has its "Subscribe" or "Read more" button too, and keeps its text
_BUTTON_WORDS = 40
_CJK = CJK_RE


def _words(text: str) -> int:
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _is_prose(text: str) -> bool:
    """A paragraph of running text: 20+ words (CJK: 40+ characters)."""
    return _words(text) >= 20


_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_SENTENCE_END = re.compile(r"[\w)\"'”’][.!?]\W{0,3}$|[。！？]\W{0,3}$")
# Classes sites put on their own article text (a paywalled or folded passage), next to widgets' classes
_TEXT_CLASS_RE = re.compile(r"paywall|premium|read-?more|metered|subscriber-content|subscription-content|locked", re.I)
# ... of which those that name the rest of the article, not a teaser of another story ("read-more-story")
_PAYWALLED_RE = re.compile(r"paywall|premium|metered|subscriber-content|subscription-content|locked", re.I)


def _is_sentence(text: str) -> bool:
    return _words(text) >= 4 and _SENTENCE_END.search(text[-8:]) is not None


def _hidden_attribute(el: HtmlElement, controlled: Container[str] = frozenset()) -> bool:
    """`hidden`, unless the element is a closed panel of the article a reader opens: an accordion's or a
    tab's (`hidden="until-found"`, `role="tabpanel"`, the id a button's `aria-controls` names, the panel
    after an `aria-expanded` toggle). Health pages publish their FAQ answers and "Causes / Treatment"
    sections so."""
    value = el.get("hidden")
    if value is None:
        return False
    if (el.get("role") or "").lower() in ("dialog", "alertdialog") or el.get("aria-modal") or \
            _DIALOG_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}"):
        return True  # a modal or pop-up stays hidden, whatever opens it
    if value.strip().lower() == "until-found" or (el.get("role") or "").lower() == "tabpanel" or el.get("id") in controlled:
        return False
    toggle = el.getprevious()  # <h3><button aria-expanded="false">Question</button></h3><div hidden>Answer</div>
    if toggle is None or not isinstance(toggle.tag, str) or not (
            toggle.tag in _TOGGLE_TAGS or (toggle.get("role") or "").lower() in ("button", "tab")
            or toggle.get("aria-expanded") is not None):
        return True
    return not (toggle.get("aria-expanded") is not None
                or any(b.get("aria-expanded") is not None for b in toggle if isinstance(b.tag, str)))


_TEXT_NOT_IN_BUTTONS = etree.XPath("descendant::text()[not(ancestor::button)]", smart_strings=False)
_TOGGLE_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "summary", "dt", "button"})
_DIALOG_CLASS_RE = re.compile(r"modal|popup|pop-up|dialog|overlay|lightbox", re.I)


def controlled_ids(tree: HtmlElement) -> set[str]:
    """Ids of the panels the page's expanders and tabs open and close (`aria-controls` of an element with
    `aria-expanded` or `role="tab"`; not a dialog's opener)."""
    return {i for value in tree.xpath("//*[@aria-expanded or @role='tab'][@aria-controls]/@aria-controls")
            for i in str(value).split()}


class _Controlled:
    """`controlled_ids` of a page, read on the first question: most pages hide nothing with `hidden`."""

    def __init__(self, tree: HtmlElement) -> None:
        self._tree, self._ids = tree, None

    def __contains__(self, item: object) -> bool:
        if self._ids is None:
            self._ids = controlled_ids(self._tree)
        return item in self._ids


def widget_evidence(el: HtmlElement, controlled: Container[str] = frozenset(),
                    buttoned: Container[HtmlElement] | None = None) -> bool:
    """What an element shows of itself that says "widget, not article text", whatever its class.

    Hidden by style/attribute; form controls or frames; mostly link text; a short call to action
    ("Subscribe to continue reading", "Read more"); a bio card with a picture; or (next to) no text.
    """
    if _hidden_attribute(el, controlled) or PRECLEAN_STYLE_RE.search(el.get("style") or ""):
        return True
    if hidden_by_class(el.get("class") or ""):
        return True
    # its text as the article would have it: a button's label ("Subscribe", "OK") is no text of its own
    has_button = el in buttoned if buttoned is not None else el.find(".//button") is not None
    text = " ".join((" ".join(_TEXT_NOT_IN_BUTTONS(el)) if has_button else el.text_content()).split())
    words = _words(text)
    if words <= 3 and not (el.tag in _SUBHEADINGS and _TEXT_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}")):
        return True  # (a subheading of a paywalled passage, "Next steps", is as short)
    if words >= 120 and _looks_like_content(el):
        return False
    if any(True for _ in el.iter(*_CONTROLS)) or words < _BUTTON_WORDS and has_button and \
            not _TEXT_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}"):
        return True
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    if linked >= 0.5 * len(text):
        return True
    if words < 40 and (CALL_TO_ACTION_RE.search(text) or WEAK_CALL_TO_ACTION_RE.search(text) and (
            not _is_sentence(text) or SITE_VOICE_RE.search(text))):
        return True
    return bool(AUTHOR_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}") and words < 80
                and el.find(".//img") is not None)


def preclean(tree: HtmlElement, index: AttrIndex | None = None) -> int:
    """Removes hidden elements and small boilerplate widgets from the page; returns how many.

    A class or id from `PRECLEAN_CLASS_RE` only nominates an element: it goes when `widget_evidence`
    confirms it. Never removed: an element holding over PRECLEAN_MAX_SHARE of the page's text or two
    long paragraphs, hidden siblings counted together (a slideshow's inactive slides); such an element
    hidden by its style or aria-hidden (the rest of an article behind "read more") is shown, as the
    extractor drops what is hidden. The article's own <header> loses its title, byline and date, not a
    lead paragraph it holds.
    """
    body = tree.find(".//body")
    if body is None:
        return 0
    total = len(body.text_content()) or 1
    doomed: dict = {}
    spared: list = []
    root = tree.getroottree().getroot()
    index = index or attrs.index(tree)
    controlled = _Controlled(body)
    buttoned = {a for b in body.iter("button") for a in b.iterancestors()}  # elements holding a button

    def attached(els):  # related blocks cut before pre-cleaning left some indexed elements detached
        return [el for el in els if el.tag not in ("html", "body", "main", "article")
                and el.getroottree().getroot() is root]

    for el in attached(index.matching(HIDDEN_CLASS_KEYWORDS, HIDDEN_ANY_RE)):
        if hidden_by_class(el.get("class") or ""):
            doomed.setdefault(el)
        elif el.get("class"):  # "hidden md:block": shown on a desktop screen; the extractor drops " hidden" classes
            el.set("class", " ".join(t for t in el.get("class", "").split() if t.lower() not in ("hidden", "hide")))
    for el in attached(index.matching(PRECLEAN_CLASS_KEYWORDS, PRECLEAN_CLASS_RE)):
        if el in doomed:
            continue
        if widget_evidence(el, controlled, buttoned):
            doomed.setdefault(el)
        else:
            spared.extend((el, name) for name in ("class", "id") if PRECLEAN_CLASS_RE.search(el.get(name) or ""))
    for el in _STYLED(body):
        if el.tag in ("main", "article"):
            continue
        if _hidden_attribute(el, controlled) or PRECLEAN_STYLE_RE.search(el.get("style") or "") or (
                el.get("aria-hidden") == "true" and len(el.text_content()) < 200):
            doomed.setdefault(el)
    # the article's own <header>: title, byline, date are metadata; a lead paragraph in it is body
    for h in body.iter("header"):
        if h.find(".//h1") is None:
            continue
        leads = [p for p in h.iter("p") if _is_prose(p.text_content()) and not _in_caption(p, h)]
        if leads:
            for p in leads:
                p.set("data-xlead", "1")
            for child in list(h):
                if isinstance(child.tag, str) and not (child.tag == "p" and _is_prose(child.text_content())) \
                        and not any(_is_prose(p.text_content()) for p in child.iter("p")):
                    doomed.setdefault(child)
        else:
            doomed.setdefault(h)
    removed = 0
    # Hidden siblings are judged together: a slideshow's inactive slides, each small, are the article together
    hidden = {el for el in doomed if style_hidden(el)}
    hidden_share: dict = {}
    for el in hidden:
        if el.getparent() is not None:
            hidden_share[el.getparent()] = hidden_share.get(el.getparent(), 0) + len(el.text_content())
    page = Page(body)
    for el in doomed:
        if el.getparent() is None or el.getroottree().getroot() is not root:
            continue  # already gone with an ancestor
        size = hidden_share.get(el.getparent(), 0) if el in hidden else 0
        if max(len(el.text_content()), size) > PRECLEAN_MAX_SHARE * total or _looks_like_content(el):
            if el in hidden and rest_of_article(el, page):
                unhide(el)  # the article's text, hidden until "read more": the extractor drops what is hidden
            continue
        _remove_keep_tail(el)
        removed += 1
    # Text judged visible keeps its place: the class words that nominated it are taken off, so the
    # generic extractor's own class rules (it drops "related", "share", "social" ... too) spare it.
    for el, name in spared:
        if el.getparent() is not None:
            if _PAYWALLED_RE.search(el.get(name) or ""):
                el.set("data-xtext-part", "1")  # a paywalled passage: body_article.join_text_parts
            _strip_tokens(el, name)
    return removed


def _strip_tokens(el: HtmlElement, name: str) -> None:
    kept = [tok for tok in (el.get(name) or "").split() if not PRECLEAN_CLASS_RE.search(tok)]
    if kept:
        el.set(name, " ".join(kept))
    elif name in el.attrib:
        del el.attrib[name]


_CAPTION_RE = re.compile(r"caption|credit|figure|photo|image|media", re.I)


def _in_caption(el: HtmlElement, stop: HtmlElement) -> bool:
    for node in (el, *el.iterancestors()):
        if node.tag in ("figure", "figcaption") or _CAPTION_RE.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
        if node is stop:
            break
    return False


def with_lead(paras: list[str], tree: HtmlElement) -> list[str]:
    """Puts back the lead paragraph(s) of the article's <header> when the extractor, which took a
    content container below the header, left them out."""
    leads = [" ".join(p.text_content().split()) for p in _LEADS(tree)]
    if not leads or not paras:
        return paras
    have = " ".join(" ".join(p.split()) for p in paras)
    missing = [t for t in leads if t and t not in have]
    return missing + paras if missing else paras


def _looks_like_content(el: HtmlElement) -> bool:
    """Two or more long paragraphs: article text, whatever the element's class says."""
    long_paras = 0
    for p in el.iter("p"):
        if len(p.text_content()) > 150:
            long_paras += 1
            if long_paras >= 2:
                return True
    return False


def paragraph_fallback(tree: HtmlElement) -> list[str]:
    out = []
    for p in tree.iter("p"):
        t = " ".join(p.text_content().split())
        if len(t) >= 80:
            out.append(t)
    return out

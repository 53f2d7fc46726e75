"""The article body as paragraphs separated by a blank line.

Three paths, recorded in `Extraction.body_source`:
- "profile": the profile's body selector, minus its `remove` selectors and generic boilerplate;
- "generic": trafilatura (no comments) on the page with related blocks already cut out;
- "fallback": trafilatura in recall mode, then plain <p> text, when the above give nothing.
Every path's text then goes through the same line filter (patterns.BOILERPLATE_LINE_RE).
"""

from __future__ import annotations

import re
import warnings

from lxml import etree
from lxml.html import HtmlElement

from . import attrs
from .attrs import AttrIndex
from .patterns import (AUTHOR_CLASS_RE, BOILERPLATE_CLASS_RE, BOILERPLATE_LINE_MAX, BOILERPLATE_LINE_RE,
                       BOILERPLATE_TAGS, CALL_TO_ACTION_RE, HIDDEN_CLASS_KEYWORDS, HIDDEN_CLASS_RE, MODIFIED_LABEL_RE,
                       PRECLEAN_CLASS_KEYWORDS, PRECLEAN_CLASS_RE, PRECLEAN_MAX_SHARE, PRECLEAN_STYLE_RE, PROMO_LABEL_RE,
                       PROMO_LINE_RE, PUBLISHED_LABEL_RE, RELATED_HEADING_RE)

BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
    "section", "article", "main", "header", "table", "tr", "thead", "tbody", "figure", "figcaption", "address",
    "details", "summary", "hr", "center",
})
_SKIP = frozenset(BOILERPLATE_TAGS) | {"head", "title", "meta", "link", "img", "picture", "video", "audio", "map"}
_LIST_MARK = re.compile(r"^[-*•]\s+")
_TERMINAL = re.compile(r"[.!?。！？…\"'”’»)\]:;]\s*$")


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


STRUCTURAL_TAGS = ("nav", "aside", "footer", "menu")
_LONG_PARA = 150  # characters of a long paragraph (as `_looks_like_content` counts them)


def unwrap_article_holders(root: HtmlElement) -> int:
    """Unwraps (keeps the children of) every nav/aside/footer/menu that holds the page's article;
    returns how many. The tags say "not article text", but broken markup (an unclosed widget) can
    put the article inside one, and removing it then loses the whole article.

    Evidence, as for class names in `preclean`, from long paragraphs (150+ characters): the element
    holds an `<article>` with two or more of them and at least half of the page's long-paragraph text,
    or holds three or more of them and 75 % of that text itself. Ordinary sidebars, menus and footers
    (teasers, captions, legal text beside an article) hold neither and are removed as before.
    """
    holders = [el for el in root.iter(*STRUCTURAL_TAGS) if el is not root]
    if not holders:
        return 0
    held: dict = {}  # element -> [long paragraphs, their characters]
    total = 0
    for p in root.iter("p"):
        n = len(p.text_content())
        if n <= _LONG_PARA:
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
        return 0
    articles = [el for el, (k, n) in held.items() if el.tag == "article" and k >= 2 and n >= 0.5 * total]
    keep = []
    for el in holders:
        k, n = held.get(el, (0, 0))
        holds_article = k >= 2 and any(el in a.iterancestors() for a in articles)
        # A footer of long disclaimers beside a short-paragraph article is still a footer: only an
        # <article> inside makes a footer the article's holder.
        if holds_article or el.tag != "footer" and k >= 3 and n >= 0.75 * total:
            keep.append(el)
    for el in keep:
        el.tag = "xunwrap"
    if keep:
        etree.strip_tags(root, "xunwrap")
    return len(keep)


def _remove_keep_tail(el: HtmlElement) -> None:
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


_STYLED = etree.XPath(".//*[@style or @hidden or @aria-hidden]")
_LEADS = etree.XPath("//p[@data-xlead]")
_CONTROLS = ("input", "button", "select", "textarea", "form", "iframe")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _words(text: str) -> int:
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _is_prose(text: str) -> bool:
    """A paragraph of running text: 20+ words (CJK: 40+ characters)."""
    return _words(text) >= 20


def widget_evidence(el: HtmlElement) -> bool:
    """What an element shows of itself that says "widget, not article text", whatever its class.

    Hidden by style/attribute; form controls or frames; mostly link text; a short call to action
    ("Subscribe to continue reading", "Read more"); a bio card with a picture; or (next to) no text.
    """
    if el.get("hidden") is not None or PRECLEAN_STYLE_RE.search(el.get("style") or ""):
        return True
    if HIDDEN_CLASS_RE.search(el.get("class") or ""):
        return True
    text = " ".join(el.text_content().split())
    words = _words(text)
    if words <= 3:
        return True
    if words >= 120 and _looks_like_content(el):
        return False
    if any(True for _ in el.iter(*_CONTROLS)):
        return True
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    if linked >= 0.5 * len(text):
        return True
    if words < 40 and CALL_TO_ACTION_RE.search(text):
        return True
    return bool(AUTHOR_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}") and words < 80
                and el.find(".//img") is not None)


def preclean(tree: HtmlElement, index: AttrIndex | None = None) -> int:
    """Removes hidden elements and small boilerplate widgets from the page; returns how many.

    A class or id from `PRECLEAN_CLASS_RE` only nominates an element: it goes when `widget_evidence`
    confirms it. Never removed: an element holding over PRECLEAN_MAX_SHARE of the page's text or two
    long paragraphs. The article's own <header> loses its title, byline and date, not a lead
    paragraph it holds.
    """
    body = tree.find(".//body")
    if body is None:
        return 0
    total = len(body.text_content()) or 1
    doomed: dict = {}
    spared: list = []
    root = tree.getroottree().getroot()
    index = index or attrs.index(tree)
    def attached(els):  # related blocks cut before pre-cleaning left some indexed elements detached
        return [el for el in els if el.tag not in ("html", "body", "main", "article")
                and el.getroottree().getroot() is root]

    for el in attached(index.matching(HIDDEN_CLASS_KEYWORDS, HIDDEN_CLASS_RE)):
        if HIDDEN_CLASS_RE.search(el.get("class") or ""):
            doomed.setdefault(el)
    for el in attached(index.matching(PRECLEAN_CLASS_KEYWORDS, PRECLEAN_CLASS_RE)):
        if el in doomed:
            continue
        if widget_evidence(el):
            doomed.setdefault(el)
        else:
            spared.extend((el, name) for name in ("class", "id") if PRECLEAN_CLASS_RE.search(el.get(name) or ""))
    for el in _STYLED(body):
        if el.tag in ("main", "article"):
            continue
        if el.get("hidden") is not None or PRECLEAN_STYLE_RE.search(el.get("style") or "") or (
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
    for el in doomed:
        if el.getparent() is None or el.getroottree().getroot() is not root:
            continue  # already gone with an ancestor
        if len(el.text_content()) > PRECLEAN_MAX_SHARE * total or _looks_like_content(el):
            continue
        _remove_keep_tail(el)
        removed += 1
    # Text judged visible keeps its place: the class words that nominated it are taken off, so the
    # generic extractor's own class rules (it drops "related", "share", "social" ... too) spare it.
    for el, name in spared:
        if el.getparent() is not None:
            _strip_tokens(el, name)
    return removed


SPLIT_MAX_LEVELS = 2  # how far up two sections' ancestors may be the siblings (0: the sections themselves)
SPLIT_FILLER_MAX = 300  # characters of text between two sections: an ad row, a promo, an empty slot


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
        if parent is not None and len(p.text_content()) > _LONG_PARA:
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
            if b.text and b.text.strip():
                last = first[-1] if len(first) else None
                if last is not None:
                    last.tail = (last.tail or "") + b.text
                else:
                    first.text = (first.text or "") + b.text
            b.text = None
            for child in list(b):
                first.append(child)
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
        if size > SPLIT_FILLER_MAX or any(len(p.text_content()) > _LONG_PARA for p in el.iter("p")):
            return None
    for el in chain_b[1:]:  # text right inside b's ancestors, before b: a heading of its own
        if el.text and el.text.strip():
            return None
    return filler


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


def _trafilatura():
    # Imported lazily and quietly: urllib3 (pulled in by trafilatura) may warn about optional proxy
    # support at import time, which must not turn into an error inside a crawl or a strict test run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trafilatura
    return trafilatura


FAST = True


def trafilatura_body(tree: HtmlElement, url: str | None, recall: bool = False) -> list[str]:
    trafilatura = _trafilatura()
    # fast: without trafilatura's second opinion from readability/justext, which pre-cleaning and the
    # related-block cut make redundant here (measured: same or better F1 on the dev set, a quarter faster)
    text = trafilatura.extract(tree, url=url, include_comments=False, include_tables=True, fast=FAST,
                               favor_recall=recall, output_format="txt", deduplicate=False)
    if not text:
        return []
    return [_LIST_MARK.sub("", line).strip() for line in text.splitlines() if line.strip()]


def paragraph_fallback(tree: HtmlElement) -> list[str]:
    out = []
    for p in tree.iter("p"):
        t = " ".join(p.text_content().split())
        if len(t) >= 80:
            out.append(t)
    return out


DATE_LINE_MAX = 80


def _is_date_line(line: str) -> bool:
    """'Published 12 April 2023', 'Last updated: 2023-04-14 14:32': a dateline, not body text."""
    from . import date_text

    found = date_text.find_date_string(line)
    if not found:
        return False
    rest = line.replace(found, " ")
    shaped = len(rest.strip(" :|,-·")) <= 3 or bool(PUBLISHED_LABEL_RE.search(rest) or MODIFIED_LABEL_RE.search(rest)) and len(rest) < 40
    return shaped and date_text.parse_text(found) is not None  # "3 Kinder 2022" looks like a date but is none


PROMO_HEADLINE_WORDS = 25
_SENTENCE_END = re.compile(r"\w[.;,。；，]$")


def is_promo_line(line: str) -> bool:
    """'SEE MORE: <headline>', 'Read more | <headline>', 'Lesen Sie auch: <headline>': a related-article
    promo inside the body. The label must be a whole read-more/see-also/related heading (so "See more
    of the coast by train" is no label) and the rest must be shaped like a headline: at most 25 words
    and at least 3 words, not ending like a sentence (a period, comma or semicolon after a word), so "Read
    more: the guidelines ask for 150 minutes a week." stays; and labels that also open ordinary lines
    ("Featured:", "Don't miss:", "See also:") are not enough."""
    m = PROMO_LINE_RE.match(line)
    if not m or not (RELATED_HEADING_RE.match(m["label"]) or PROMO_LABEL_RE.match(m["label"])):
        return False
    if _NOT_A_PROMO_LABEL.match(m["label"]):
        return False
    rest = m["rest"].strip()
    return 3 <= _words(rest) <= PROMO_HEADLINE_WORDS and not _SENTENCE_END.search(rest)


# Block headings that also open ordinary lines of an article ("Featured: Dr Jane Smith, cardiologist",
# "Don't miss: take it with food", "See also: Table 2"): no evidence of a promo on their own.
_NOT_A_PROMO_LABEL = re.compile(r"^\W*(?:featured|popular|trending|don'?t\s+miss|see\s+also|recommended)\b", re.I)


def clean_lines(paras: list[str], avoid: set[str]) -> list[str]:
    """Drops boilerplate lines, related-block leftovers and consecutive duplicates."""
    out: list[str] = []
    for p in paras:
        p = " ".join(p.split())
        if not p:
            continue
        short = len(p) <= BOILERPLATE_LINE_MAX
        if short and (BOILERPLATE_LINE_RE.match(p) or RELATED_HEADING_RE.match(p) or is_promo_line(p)):
            continue
        if p in avoid or (len(p) <= DATE_LINE_MAX and _is_date_line(p)):
            continue
        if out and out[-1] == p:
            continue
        out.append(p)
    return out


def completeness_flags(paras: list[str]) -> list[str]:
    flags = []
    text = " ".join(paras)
    cjk = len(re.findall(r"[\u3040-\u30ff\u3400-\u9fff]", text))
    words = len(text.split()) + cjk // 2
    if not paras:
        return flags
    if words < 80:
        flags.append("too_short")
    if _looks_cut(paras[-1], teaser=words < 150):
        flags.append("truncated")
    return flags


# What may end a complete article without a full stop: a credit line, a copyright notice.
_CREDIT = re.compile(r"(?i)\b(?:reporting|editing|writing|written|compiled|translated|produced) by\b|[©ⓒ]|"
                     r"\bcopyright\b|all rights reserved|저작권자|版权所有")
_AGENCY_TAIL = re.compile(r"(?<=[.!?])\s+[A-Z]{2,5}$")  # "... into the US. PTI": the wire's signature


def _looks_cut(last: str, teaser: bool = False) -> bool:
    """The body's last paragraph stops mid-sentence (a teaser, a paywall): a long one without an ending,
    or one ending in an ellipsis, unless that is a short call to comment closing a whole article ("Tell us
    what YOU think..."); `teaser`: the body is short, so even "All..." is where it was cut."""
    last = _AGENCY_TAIL.sub("", last)
    if last.endswith(("...", "…", "[…]", "[...]")):
        return teaser or len(last.split()) >= 12
    credit = _CREDIT.search(last) is not None and len(last.split()) <= 30  # a credit line, not a cut sentence
    return len(last) > 60 and not _TERMINAL.search(last) and not credit


def is_link_list(paras: list[str], tree: HtmlElement, share: float = 0.6) -> bool:
    """True when most of the body's words are link texts: a menu or index page, not an article.

    Generic extractors return such pages' link lists as "text"; an article has prose between
    its links. (Counting link paragraphs instead of words also caught teaser listings, but cost
    real articles: F1 0.970 -> 0.959 on the dev set.)
    """
    anchors = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    anchors.discard("")
    if not anchors:
        return False
    total = linked = 0
    for p in paras:
        words = len(p.split())
        total += words
        if " ".join(p.split()) in anchors:
            linked += words
    return total > 0 and linked / total >= share

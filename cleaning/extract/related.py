"""Related-article blocks ("Hot Picks", "Most Read", "Related", ...) as data.

Found two ways: by a profile's selectors, or generically, by a heading whose text names such
a block (patterns.RELATED_HEADING_RE) or by structure (a sidebar/related-classed element holding a
repeated list of links with titles). Each block yields HotPick rows and the elements to drop from
the body. Navigation menus, tag clouds, pagination and empty shells yield nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from cleaning.document import HotPick

from . import date_text
from . import attrs
from .attrs import AttrIndex
from .patterns import (ITEM_DATE_CLASS_RE, ITEM_RANK_CLASS_RE, ITEM_TEASER_CLASS_RE, ITEM_TITLE_CLASS_RE,
                       NOT_RELATED_CLASS_RE, PAGINATION_TEXT_RE, RELATED_CLASS_KEYWORDS, RELATED_CLASS_RE,
                       RELATED_HEADING_RE)

_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "button", "select", "form"}
_TAXONOMY_URL = re.compile(r"/(?:tags?|topics?|category|categories|author|authors|page|search|label)/|[?&](?:tag|page|s|q)=", re.I)
_RANK_RE = re.compile(r"^(?:no\.?\s*|#)?(\d{1,2})\.?$", re.I)
MIN_ITEM_SHARE = 0.6  # share of a block's text that its items must hold
MAX_BLOCK_CHARS = 6000
MAX_ITEMS = 60  # more repeated links than this is a menu, an archive or a listing, not a related block
MAX_ITEM_CHARS = 600  # a related item is a title and a teaser; a longer one is a section of prose
MIN_LINK_SHARE = 0.3  # share of an item's text inside links, unless it has a title element  # a larger element is a page region, not a related block
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass
class Block:
    heading: str | None
    container: HtmlElement
    picks: list[HotPick] = field(default_factory=list)
    drop: list[HtmlElement] = field(default_factory=list)  # elements to remove from the body


def _text(el: HtmlElement | None) -> str:
    if el is None:
        return ""
    return " ".join(el.text_content().split())


def _cls(el: HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".strip()


def _base(tree: HtmlElement, url: str | None) -> str | None:
    base = tree.find(".//base[@href]")
    if base is not None:
        return urljoin(url or "", base.get("href", "").strip())
    return url


@lru_cache(maxsize=8192)
def _abs(base: str | None, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    return urljoin(base or "", href) if base else href


def _titleish(text: str) -> bool:
    if _CJK.search(text):
        return len(text) >= 6
    return len(text) >= 12 and len(text.split()) >= 2


# --- profile ------------------------------------------------------------------------------------

def _sel(el: HtmlElement, css: str | None) -> list[HtmlElement]:
    if not css:
        return []
    try:
        return el.cssselect(css)
    except Exception:  # noqa: BLE001 - validated on load; still never raise
        return []


def from_profile(tree: HtmlElement, url: str | None, profile, now: datetime | None = None) -> list[Block]:
    s = profile.selectors
    if not s.related_block:
        return []
    base = _base(tree, url)
    blocks = []
    for container in _sel(tree, s.related_block):
        heads = _sel(container, s.related_heading)
        heading = _text(heads[0]) if heads else None
        block = Block(heading or None, container, drop=[container])
        items = _sel(container, s.related_item) if s.related_item else [container]
        for pos, item in enumerate(items, 1):
            links = _sel(item, s.related_link) if s.related_link else []
            link = links[0] if links else (item if item.tag == "a" else item.find(".//a[@href]"))
            titles = _sel(item, s.related_title)
            title = _text(titles[0]) if titles else _text(link)
            if not title:
                continue
            teasers = _sel(item, s.related_teaser)
            date_els = _sel(item, s.related_date)
            ranks = _sel(item, s.related_rank)
            rank_m = _RANK_RE.match(_text(ranks[0])) if ranks else None
            published = None
            if date_els:
                published = date_text.plausible(date_text.parse_text(_text(date_els[0]), profile.date_formats,
                                                             profile.languages or None, now), now)
            block.picks.append(HotPick(
                rank=int(rank_m.group(1)) if rank_m else pos, title=title,
                url=_abs(base, link.get("href") if link is not None else None),
                teaser=_text(teasers[0]) or None if teasers else None, published_date=published, block=block.heading))
        if block.picks:
            blocks.append(block)
    return blocks


# --- generic ------------------------------------------------------------------------------------

def _bad_ancestry(el: HtmlElement, memo: dict | None = None) -> bool:
    """Inside navigation, a header/footer, a tag cloud, pagination ... (memoised per element)."""
    if el is None or el.tag in ("body", "html"):
        return False
    key = ("bad", el)
    if memo is not None and key in memo:
        return memo[key]
    bad = el.tag in ("nav", "header", "footer", "menu") or bool(NOT_RELATED_CLASS_RE.search(_cls(el))) \
        or _bad_ancestry(el.getparent(), memo)
    if memo is not None:
        memo[key] = bad
    return bad


def _signature(el: HtmlElement) -> tuple:
    cls = (el.get("class") or "").split()
    return el.tag, cls[0] if cls else ""


def _item_groups(container: HtmlElement, max_depth: int = 6, memo: dict | None = None) -> list[list[HtmlElement]]:
    """Repeated sibling elements (same tag and first class) that each hold a link, at any depth.

    `memo` keeps each parent's groups, so climbing from a heading through its ancestors does not
    walk the same subtrees again."""
    groups = []
    stack = [(container, 0)]
    while stack:
        parent, depth = stack.pop()
        cached = memo.get(parent) if memo is not None else None
        if cached is None:
            by_sig = defaultdict(list)
            children = []
            for child in parent:
                if not isinstance(child.tag, str) or child.tag in _SKIP_TAGS:
                    continue
                children.append(child)
                if child.tag == "a" and child.get("href") or child.find(".//a[@href]") is not None:
                    by_sig[_signature(child)].append(child)
            cached = ([g for g in by_sig.values() if len(g) >= 2], children)
            if memo is not None:
                memo[parent] = cached
        groups.extend(cached[0])
        if depth < max_depth:
            stack.extend((child, depth + 1) for child in cached[1])
    return groups


def _segments(item: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Text pieces of an item in document order, each with the element that holds it."""
    out = []
    for el in item.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        t = " ".join((el.text or "").split())
        if t:
            out.append((el, t))
        if el is not item:
            tail = " ".join((el.tail or "").split())
            if tail and el.getparent() is not None:
                out.append((el.getparent(), tail))
    return out


def _inline_prose(link: HtmlElement) -> bool:
    """True when the link sits inside running text (a sentence goes on right before or after it)."""
    after = len((link.tail or "").strip())
    prev = link.getprevious()
    before_text = (prev.tail if prev is not None else (link.getparent().text if link.getparent() is not None else "")) or ""
    return after >= 25 or len(before_text.strip()) >= 25


def _is_section(item: HtmlElement) -> bool:
    """A part of an article (a heading over paragraphs of prose), not a teaser of another article."""
    prose = 0
    for p in item.iter("p"):
        words = len(p.text_content().split()) + len(_CJK.findall(p.text_content())) // 2
        if words >= 20:
            prose += 1
            if prose >= 2:
                return True
    return len(_text(item)) > MAX_ITEM_CHARS


def _parse_item(item: HtmlElement, pos: int, base: str | None, ordered: bool, now) -> HotPick | None:
    if _is_section(item):
        return None
    links = [item] if item.tag == "a" and item.get("href") else item.findall(".//a[@href]")
    links = [a for a in links if _abs(base, a.get("href"))]
    if not links:
        return None
    segs = _segments(item)
    title_el = None
    for el in item.iter():
        if el is not item and isinstance(el.tag, str) and (el.tag in _HEADING_TAGS or ITEM_TITLE_CLASS_RE.search(_cls(el))) and _text(el):
            title_el = el
            break
    rank = date_ = None
    used: set[str] = set()
    for el, t in segs:
        m = _RANK_RE.match(t)
        if rank is None and m and (ITEM_RANK_CLASS_RE.search(_cls(el)) or el.tag in ("span", "em", "i", "b", "strong", "div", "td", "sup")):
            rank = int(m.group(1))
            used.add(t)
    for el in item.iter("time"):
        date_ = date_text.plausible(date_text.parse_iso(el.get("datetime", "")) if el.get("datetime") else date_text.parse_text(_text(el), now=now), now)
        if date_:
            used.add(_text(el))
            break
    if date_ is None:
        for el, t in segs:
            found = date_text.find_date_string(t)
            if found and (len(found) >= len(t) - 15 or ITEM_DATE_CLASS_RE.search(_cls(el))):
                d = date_text.plausible(date_text.parse_text(found, now=now), now)
                if d:
                    date_ = d
                    used.add(t)
                    break
    link = None
    if title_el is not None:
        link = title_el if title_el.tag == "a" else (title_el.find(".//a[@href]") if title_el.find(".//a[@href]") is not None else None)
        title = _text(title_el)
    else:
        title = ""
    if link is None:
        link = max(links, key=lambda a: len(_text(a)))
    if not title:
        title = (link.get("title") or "").strip()
    if not title:
        for el, t in segs:
            if t not in used and not _RANK_RE.match(t) and (el is link or link in el.iterancestors() or el in link.iterancestors() or True):
                if _titleish(t) or _CJK.search(t):
                    title = t
                    break
    if not title:
        img = item.find(".//img[@alt]")
        title = (img.get("alt") or "").strip() if img is not None else ""
    title = " ".join(title.split())
    if not title or PAGINATION_TEXT_RE.match(title):
        return None
    # a related item is mostly a link (or has a titled link); a paragraph with a link in it is not
    item_len = len(_text(item)) or 1
    link_len = sum(len(_text(a)) for a in links)
    if title_el is None and link_len < MIN_LINK_SHARE * item_len and _inline_prose(link):
        return None
    used.add(title)
    teaser = None
    for el in item.iter():
        if el is not item and isinstance(el.tag, str) and (el.tag == "p" or ITEM_TEASER_CLASS_RE.search(_cls(el))):
            t = _text(el)
            if t and t not in used and not ITEM_TITLE_CLASS_RE.search(_cls(el)) and t != title:
                teaser = t
                break
    if teaser is None:
        rest = [t for _, t in segs if t not in used and t != title and len(t) >= 40]
        teaser = max(rest, key=len) if rest else None
    if rank is None and not ordered:
        prev = item.getprevious()
        m = _RANK_RE.match(_text(prev)) if prev is not None and prev.tag != "a" else None
        rank = int(m.group(1)) if m else None
    return HotPick(rank=rank or pos, title=title, url=_abs(base, link.get("href")), teaser=teaser,
                   published_date=date_)


def _picks_from_group(group: list[HtmlElement], base, now) -> tuple[list[HtmlElement], list[HotPick]]:
    parent = group[0].getparent()
    ordered = parent is not None and parent.tag == "ol"
    items, picks = [], []
    for pos, item in enumerate(group, 1):
        p = _parse_item(item, pos, base, ordered, now)
        if p is None or _TAXONOMY_URL.search(p.url or ""):
            continue
        items.append(item)
        picks.append(p)
        if len(picks) == 4 and not any(_titleish(x.title) for x in picks):
            break  # four one-word links in a row: a menu, not teasers (saves parsing long menus)
    return items, picks


def _good(picks: list[HotPick], minimum: int) -> bool:
    if len(picks) < minimum:
        return False
    titled = sum(1 for p in picks if _titleish(p.title))
    return titled >= max(minimum, 0.7 * len(picks)) and len({p.url for p in picks}) >= minimum


def _holds_article(container: HtmlElement, items: list[HtmlElement]) -> bool:
    """True when the container has the page's headline or paragraphs of prose besides the items:
    then it is (part of) the article, and only the items' own list may go."""
    inside = set()
    for item in items:
        inside.update(item.iter())
    if any(h not in inside for h in container.iter("h1")):
        return True
    prose_words = 0
    for p in container.iter("p"):
        if p in inside:
            continue
        words = len(p.text_content().split()) + len(_CJK.findall(p.text_content())) // 2
        if words >= 20:
            prose_words += words
            if prose_words >= 60:
                return True
    return False


def _narrowed(container: HtmlElement, items: list[HtmlElement]) -> HtmlElement | None:
    """The element to drop for these items: the container, or when it holds the article, the items'
    closest common ancestor (None when that holds the article too)."""
    if not _holds_article(container, items):
        return container
    parent = items[0].getparent()
    while parent is not None and not all(parent in it.iterancestors() for it in items):
        parent = parent.getparent()
    if parent is None or parent is container or _holds_article(parent, items):
        return None
    return parent


def _best_group(container: HtmlElement, base, now, minimum: int, memo: dict | None = None
                ) -> tuple[list[HtmlElement], list[HotPick]] | None:
    """The best repeated group of related items in the container (memoised per page in `memo`)."""
    key = ("best", container, minimum)
    if memo is not None and key in memo:
        return memo[key]
    result = _find_best_group(container, base, now, minimum, memo)
    if memo is not None:
        memo[key] = result
    return result


def _length(el: HtmlElement, memo: dict | None) -> int:
    """Length of the element's normalised text (memoised per page)."""
    if memo is None:
        return len(_text(el))
    key = ("len", el)
    if key not in memo:
        memo[key] = len(_text(el))
    return memo[key]


def _find_best_group(container: HtmlElement, base, now, minimum: int, memo: dict | None):
    best = None
    total = _length(container, memo) or 1
    for group in _item_groups(container, memo=memo):
        # the items must make up most of the block: a heading above an article is not a block
        if len(group) > MAX_ITEMS or sum(_length(g, memo) for g in group) < MIN_ITEM_SHARE * total:
            continue
        items, picks = _picks_from_group(group, base, now)
        if not _good(picks, minimum) or sum(_length(g, memo) for g in items) < MIN_ITEM_SHARE * total:
            continue
        score = len(picks) + sum(1 for p in picks if p.teaser or p.published_date) * 0.5
        if best is None or score > best[0]:
            best = (score, group, picks)
    return (best[1], best[2]) if best else None


def _sibling_run(heading: HtmlElement, base, now) -> tuple[list[HtmlElement], list[HotPick]] | None:
    """A heading followed, among its siblings, by a run of link items (a flat "You may also like" list)."""
    start = heading
    for _ in range(2):
        if start.getnext() is not None or start.getparent() is None:
            break
        start = start.getparent()
    items, picks = [], []
    sib = start.getnext()
    while sib is not None and isinstance(sib.tag, str) and sib.tag in ("ul", "ol") and not _text(sib) == "":
        # the heading's list: its entries are the items
        entries = [li for li in sib if isinstance(li.tag, str) and li.tag == "li"]
        if not entries:
            break
        for li in entries:
            pick = _parse_item(li, len(picks) + 1, base, sib.tag == "ol", now)
            if pick is None or _TAXONOMY_URL.search(pick.url or ""):
                return None
            picks.append(pick)
        items.append(sib)
        return (items, picks) if _good(picks, 2) else None
    while sib is not None:
        if isinstance(sib.tag, str) and _text(sib):
            pick = _parse_item(sib, len(picks) + 1, base, sib.getparent().tag == "ol", now)
            if pick is None or _TAXONOMY_URL.search(pick.url or ""):
                break
            items.append(sib)
            picks.append(pick)
        sib = sib.getnext()
    return (items, picks) if _good(picks, 2) else None


_SHORT_TEXT = etree.XPath(".//text()[string-length(normalize-space(.)) > 2 and string-length(normalize-space(.)) < 61]")


def _heading_candidates(body: HtmlElement) -> list[HtmlElement]:
    """Elements whose own short text reads like a related-block heading (widened to wrappers with the same text)."""
    out: dict = {}
    for node in _SHORT_TEXT(body):
        if not getattr(node, "is_text", False) or not RELATED_HEADING_RE.match(" ".join(node.split())):
            continue
        el = node.getparent()
        if el is None or not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        own = _text(el)
        while (parent := el.getparent()) is not None and parent.tag not in ("body", "html") and _text(parent) == own:
            el = parent
        out.setdefault(el)
    return list(out)


def _structure_candidates(body: HtmlElement, index: AttrIndex | None = None) -> list[HtmlElement]:
    out = dict.fromkeys(body.iter("aside"))
    index = index or attrs.index(body)
    for el in index.matching(RELATED_CLASS_KEYWORDS, RELATED_CLASS_RE):
        if el.getparent() is not None:
            out.setdefault(el)
    return list(out)


def _is_heading(el: HtmlElement) -> str | None:
    if el.tag in _SKIP_TAGS or el.tag == "a" or el.find(".//a[@href]") is not None and el.tag not in _HEADING_TAGS:
        return None
    if el.tag not in _HEADING_TAGS and len(el) > 2:
        return None
    t = _text(el)
    if not t or len(t) > 60:
        return None
    return t if RELATED_HEADING_RE.match(t) else None


def generic(tree: HtmlElement, url: str | None, now: datetime | None = None, taken: set | None = None,
            index: AttrIndex | None = None) -> list[Block]:
    body = tree.find(".//body")
    if body is None:
        return []
    base = _base(tree, url)
    taken = set(taken or ())
    found: list[Block] = []
    memo: dict = {}  # per page: each parent's item groups, each container's best group
    drop_only: list[HtmlElement] = []
    # 1) heading-driven: the nearest ancestor of a block heading that holds a list of titled links
    for el in _heading_candidates(body):
        heading = _is_heading(el)
        if not heading or any(a in taken for a in el.iterancestors()) or el in taken:
            continue
        container = el.getparent()
        done = False
        for _ in range(4):
            if container is None or container.tag in ("body", "html") or _length(container, memo) > MAX_BLOCK_CHARS:
                break
            if any(t is container or t in container.iterdescendants() for t in taken):
                drop_only.append(el)  # heading of a block the profile already took
                done = True
                break
            res = _best_group(container, base, now, 2, memo)
            if res:
                group, picks = res
                target = _narrowed(container, group) if _precedes(el, group[0]) else None
                if target is not None and not any(heading_el_inside(g, el) for g in group):
                    inside = target is el or el in target.iterancestors()
                    found.append(Block(heading, target, picks, drop=[target] if inside else [target, el]))
                    done = True
                    break
            container = container.getparent()
        if not done:
            run = _sibling_run(el, base, now)
            if run:
                items, picks = run
                found.append(Block(heading, el, picks, drop=[el, *items]))
    # 2) structure-driven: sidebars and related-classed elements with a list of titled links
    for el in _structure_candidates(body, index):
        if el.tag in ("body", "html", "main", "article"):
            continue
        if el in taken or any(a in taken for a in el.iterancestors()):
            continue
        if _length(el, memo) > MAX_BLOCK_CHARS:
            continue
        if any(t in el.iterdescendants() for t in taken):
            continue
        if _bad_ancestry(el, memo) or any(b.container is el or el in b.container.iterancestors() or b.container in el.iterancestors() for b in found):
            continue
        res = _best_group(el, base, now, 3, memo)
        target = _narrowed(el, res[0]) if res else None
        if target is not None:
            head = next((h for h in target.iter(*_HEADING_TAGS) if _text(h)), None)
            found.append(Block(_text(head) or None if head is not None else None, target, res[1], drop=[target]))
    # nested duplicates: keep the innermost container for the same items
    found.sort(key=lambda b: len(list(b.container.iterancestors())), reverse=True)
    kept: list[Block] = []
    for b in found:
        if any(k.container in b.container.iterdescendants() or k.container is b.container for k in kept):
            # the outer block's heading still goes from the body
            b_heads = [h for h in b.container.iter() if isinstance(h.tag, str) and _is_heading(h)]
            for k in kept:
                if k.container in b.container.iterdescendants():
                    k.drop.extend(h for h in b_heads if h not in k.container.iter())
            continue
        kept.append(b)
    kept.sort(key=lambda b: b.container.sourceline or 0)
    if drop_only:
        kept.append(Block(None, drop_only[0], [], drop=drop_only))
    for b in kept:
        for p in b.picks:
            p.block = b.heading
    return kept


def _precedes(a: HtmlElement, b: HtmlElement) -> bool:
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


def find_blocks(tree: HtmlElement, url: str | None, profile=None, now: datetime | None = None,
                index: AttrIndex | None = None) -> tuple[list[Block], list[str]]:
    flags = []
    blocks = from_profile(tree, url, profile, now) if profile is not None else []
    if profile is not None and profile.selectors.related_block and not blocks:
        flags.append("profile_related_missed")
    taken = {b.container for b in blocks}
    blocks.extend(generic(tree, url, now, taken, index))
    return blocks, flags

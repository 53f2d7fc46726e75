"""Scoring a related block's items: the repeated groups of linked siblings in a container, the best
of them, a flat run of items after a heading, and the element to drop (narrowed to the items' list
when the container also holds the article)."""

from __future__ import annotations

from collections import defaultdict

from lxml.html import HtmlElement

from cleaning.document import HotPick

from .related_items import CJK, SKIP_TAGS, TAXONOMY_URL, parse_item, text_of, titleish

MIN_ITEM_SHARE = 0.6  # share of a block's text that its items must hold
MAX_ITEMS = 60  # more repeated links than this is a menu, an archive or a listing, not a related block


def _signature(el: HtmlElement) -> tuple:
    cls = (el.get("class") or "").split()
    return el.tag, cls[0] if cls else ""


_LINKED = ("linked",)  # the memo's key for the page's set of elements holding a link


def _linked(container: HtmlElement, memo: dict | None) -> set:
    """The elements of the page that hold an `<a href>` below them (memoised per page): one climb from each
    link, stopping where an earlier one passed, instead of searching every child's subtree for a link."""
    found = memo.get(_LINKED) if memo is not None else None
    if found is None:
        found = set()
        for a in container.getroottree().getroot().iter("a"):
            if a.get("href") is None:
                continue
            parent = a.getparent()
            while parent is not None and parent not in found:
                found.add(parent)
                parent = parent.getparent()
        if memo is not None:
            memo[_LINKED] = found
    return found


def _item_groups(container: HtmlElement, max_depth: int = 6, memo: dict | None = None) -> list[list[HtmlElement]]:
    """Repeated sibling elements (same tag and first class) that each hold a link, at any depth.

    `memo` keeps each parent's groups, so climbing from a heading through its ancestors does not
    walk the same subtrees again."""
    groups = []
    linked = _linked(container, memo)
    stack = [(container, 0)]
    while stack:
        parent, depth = stack.pop()
        cached = memo.get(parent) if memo is not None else None
        if cached is None:
            by_sig = defaultdict(list)
            below = []  # the children worth walking: only one with a link below it can hold a group
            for child in parent:
                if not isinstance(child.tag, str) or child.tag in SKIP_TAGS:
                    continue
                holds_link = child in linked
                if holds_link:
                    below.append(child)
                if holds_link or child.tag == "a" and child.get("href"):
                    by_sig[_signature(child)].append(child)
            cached = ([g for g in by_sig.values() if len(g) >= 2], below)
            if memo is not None:
                memo[parent] = cached
        groups.extend(cached[0])
        if depth < max_depth:
            stack.extend((child, depth + 1) for child in cached[1])
    return groups


def _picks_from_group(group: list[HtmlElement], base, now) -> tuple[list[HtmlElement], list[HotPick]]:
    parent = group[0].getparent()
    ordered = parent is not None and parent.tag == "ol"
    items, picks = [], []
    for pos, item in enumerate(group, 1):
        p = parse_item(item, pos, base, ordered, now)
        if p is None or TAXONOMY_URL.search(p.url or ""):
            continue
        items.append(item)
        picks.append(p)
        if len(picks) == 4 and not any(titleish(x.title) for x in picks):
            break  # four one-word links in a row: a menu, not teasers (saves parsing long menus)
    return items, picks


def _group_picks(group: list[HtmlElement], base, now, memo: dict | None) -> tuple[list[HtmlElement], list[HotPick]]:
    """`_picks_from_group`, memoised per page: climbing from a heading, each ancestor's call meets the groups
    of the containers below it again. (The same HotPick objects may then stand in two candidate blocks; the
    two hold the same items, so one contains the other and only the inner one is kept.)"""
    if memo is None:
        return _picks_from_group(group, base, now)
    key = ("picks", tuple(group))
    if key not in memo:
        memo[key] = _picks_from_group(group, base, now)
    return memo[key]


def _good(picks: list[HotPick], minimum: int) -> bool:
    if len(picks) < minimum:
        return False
    titled = sum(1 for p in picks if titleish(p.title))
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
        words = len(p.text_content().split()) + len(CJK.findall(p.text_content())) // 2
        if words >= 20:
            prose_words += words
            if prose_words >= 60:
                return True
    return False


def narrowed(container: HtmlElement, items: list[HtmlElement]) -> HtmlElement | None:
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


def best_group(container: HtmlElement, base, now, minimum: int, memo: dict | None = None
                ) -> tuple[list[HtmlElement], list[HotPick]] | None:
    """The best repeated group of related items in the container (memoised per page in `memo`)."""
    key = ("best", container, minimum)
    if memo is not None and key in memo:
        return memo[key]
    result = _find_best_group(container, base, now, minimum, memo)
    if memo is not None:
        memo[key] = result
    return result


def text_length(el: HtmlElement, memo: dict | None) -> int:
    """Length of the element's normalised text (memoised per page)."""
    if memo is None:
        return len(text_of(el))
    key = ("len", el)
    if key not in memo:
        memo[key] = len(text_of(el))
    return memo[key]


def _find_best_group(container: HtmlElement, base, now, minimum: int, memo: dict | None):
    best = None
    total = text_length(container, memo) or 1
    for group in _item_groups(container, memo=memo):
        # the items must make up most of the block: a heading above an article is not a block
        # fewer items than the minimum can never be enough picks: not worth reading
        if len(group) < minimum or len(group) > MAX_ITEMS \
                or sum(text_length(g, memo) for g in group) < MIN_ITEM_SHARE * total:
            continue
        items, picks = _group_picks(group, base, now, memo)
        if not _good(picks, minimum) or sum(text_length(g, memo) for g in items) < MIN_ITEM_SHARE * total:
            continue
        score = len(picks) + sum(1 for p in picks if p.teaser or p.published_date) * 0.5
        if best is None or score > best[0]:
            best = (score, group, picks)
    return (best[1], best[2]) if best else None


def sibling_run(heading: HtmlElement, base, now) -> tuple[list[HtmlElement], list[HotPick]] | None:
    """A heading followed, among its siblings, by a run of link items (a flat "You may also like" list)."""
    start = heading
    for _ in range(2):
        if start.getnext() is not None or start.getparent() is None:
            break
        start = start.getparent()
    items, picks = [], []
    sib = start.getnext()
    while sib is not None and isinstance(sib.tag, str) and sib.tag in ("ul", "ol") and not text_of(sib) == "":
        # the heading's list: its entries are the items
        entries = [li for li in sib if isinstance(li.tag, str) and li.tag == "li"]
        if not entries:
            break
        for li in entries:
            pick = parse_item(li, len(picks) + 1, base, sib.tag == "ol", now)
            if pick is None or TAXONOMY_URL.search(pick.url or ""):
                return None
            picks.append(pick)
        items.append(sib)
        return (items, picks) if _good(picks, 2) else None
    while sib is not None:
        if isinstance(sib.tag, str) and text_of(sib):
            pick = parse_item(sib, len(picks) + 1, base, sib.getparent().tag == "ol", now)
            if pick is None or TAXONOMY_URL.search(pick.url or ""):
                break
            items.append(sib)
            picks.append(pick)
        sib = sib.getnext()
    return (items, picks) if _good(picks, 2) else None

"""Related-article blocks ("Hot Picks", "Most Read", "Related", ...) as data.

Found two ways: by a profile's selectors, or generically, by a heading whose text names such
a block (patterns.RELATED_HEADING_RE) or by structure (a sidebar/related-classed element holding a
repeated list of links with titles). Each block yields HotPick rows and the elements to drop from
the body. Navigation menus, tag clouds, pagination and empty shells yield nothing.

This module is the entry point (`find_blocks`) and the two ways; `related_candidates` finds where
blocks may be, `related_groups` picks and scores the repeated items, `related_items` reads one item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from cleaning.dedup.urls import join_url
from cleaning.document import HotPick

from . import date_text
from .attrs import AttrIndex
from .related_candidates import (bad_ancestry, heading_candidates, heading_el_inside, heading_text, precedes,
                                 structure_candidates)
from .related_groups import best_group, narrowed, sibling_run, text_length
from .patterns import COMMENT_FRAGMENT_RE, COMMENTS_HEADING_RE
from .related_items import HEADING_TAGS, RANK_RE, absolute_url, heading_display, text_of, web_url

MAX_BLOCK_CHARS = 6000  # a larger element is a page region, not a related block


@dataclass
class Block:
    heading: str | None
    container: HtmlElement
    picks: list[HotPick] = field(default_factory=list)
    drop: list[HtmlElement] = field(default_factory=list)  # elements to remove from the body
    read: list[HotPick] = field(default_factory=list)  # every item as read, also those that are no row
    printed_ranks: bool = False  # ranks read with a profile's related_rank selector


def _base(tree: HtmlElement, url: str | None) -> str | None:
    base = tree.find(".//base[@href]")
    if base is not None:
        return join_url(url, base.get("href", "").strip()) or url
    return url


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
        heading = heading_display(heads[0]) if heads else None
        block = Block(heading or None, container, drop=[container], printed_ranks=bool(s.related_rank))
        items = _sel(container, s.related_item) if s.related_item else [container]
        for pos, item in enumerate(items, 1):
            links = _sel(item, s.related_link) if s.related_link else []
            link = links[0] if links else (item if item.tag == "a" else item.find(".//a[@href]"))
            titles = _sel(item, s.related_title)
            title = text_of(titles[0]) if titles else text_of(link)
            if not title:
                continue
            teasers = _sel(item, s.related_teaser)
            date_els = _sel(item, s.related_date)
            ranks = _sel(item, s.related_rank)
            rank_m = RANK_RE.match(text_of(ranks[0])) if ranks else None
            published = None
            if date_els:
                published = date_text.plausible(date_text.parse_text(text_of(date_els[0]), profile.date_formats,
                                                                     profile.languages or None, now), now)
            block.picks.append(HotPick(
                rank=int(rank_m.group(1)) if rank_m else pos, title=title,
                url=absolute_url(base, link.get("href") if link is not None else None),
                teaser=text_of(teasers[0]) or None if teasers else None, published_date=published, block=block.heading))
        if block.picks:
            blocks.append(block)
    return blocks


# --- generic ------------------------------------------------------------------------------------


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
    for el in heading_candidates(body):
        heading = heading_text(el)
        if not heading or any(a in taken for a in el.iterancestors()) or el in taken:
            continue
        container = el.getparent()
        done = False
        for _ in range(4):
            if container is None or container.tag in ("body", "html") or text_length(container, memo) > MAX_BLOCK_CHARS:
                break
            if any(t is container or t in container.iterdescendants() for t in taken):
                drop_only.append(el)  # heading of a block the profile already took
                done = True
                break
            res = best_group(container, base, now, 2, memo)
            if res:
                group, picks = res
                target = narrowed(container, group) if precedes(el, group[0]) else None
                if target is not None and not any(heading_el_inside(g, el) for g in group):
                    inside = target is el or el in target.iterancestors()
                    found.append(Block(heading, target, picks, drop=[target] if inside else [target, el]))
                    done = True
                    break
            container = container.getparent()
        if not done:
            run = sibling_run(el, base, now)
            if run:
                items, picks = run
                found.append(Block(heading, el, picks, drop=[el, *items]))
    # 2) structure-driven: sidebars and related-classed elements with a list of titled links
    for el in structure_candidates(body, index):
        if el.tag in ("body", "html", "main", "article"):
            continue
        if el in taken or any(a in taken for a in el.iterancestors()):
            continue
        if text_length(el, memo) > MAX_BLOCK_CHARS:
            continue
        if any(t in el.iterdescendants() for t in taken):
            continue
        if bad_ancestry(el, memo) or any(b.container is el or el in b.container.iterancestors() or b.container in el.iterancestors() for b in found):
            continue
        res = best_group(el, base, now, 3, memo)
        target = narrowed(el, res[0]) if res else None
        if target is not None:
            head = _own_heading(target, res[0], res[1])
            found.append(Block(head, target, res[1], drop=[target]))
    # nested duplicates: keep the innermost container for the same items
    found.sort(key=lambda b: len(list(b.container.iterancestors())), reverse=True)
    kept: list[Block] = []
    for b in found:
        if any(k.container in b.container.iterdescendants() or k.container is b.container for k in kept):
            # the outer block's heading still goes from the body
            b_heads = [h for h in b.container.iter() if isinstance(h.tag, str) and heading_text(h)]
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


def _own_heading(target: HtmlElement, items: list[HtmlElement], picks: list[HotPick]) -> str | None:
    """The first heading in the block that is not one of its items' titles (an item's `<h3>` is no
    block heading), as shown (no svg logo text); None when there is none."""
    titles = {p.title for p in picks}
    for h in target.iter(*HEADING_TAGS):
        text = heading_display(h)
        if not text or text in titles:
            continue
        if any(it is h or h in it.iterancestors() or it in h.iterancestors() for it in items):
            continue
        return text
    return None


def _comments(block: Block) -> bool:
    """A list of comments, not of articles: its heading says so, or most links go to a comment."""
    if block.heading and COMMENTS_HEADING_RE.search(block.heading):
        return True
    to_comment = 0
    for p in block.picks:
        try:
            fragment = urlsplit(p.url or "").fragment
        except ValueError:
            fragment = ""
        to_comment += bool(COMMENT_FRAGMENT_RE.search(fragment))
    return bool(block.picks) and to_comment * 2 >= len(block.picks)


def rows(blocks: list[Block]) -> None:
    """Make each block's picks the rows an analyst can trust: one per distinct http(s) URL (the first
    occurrence), none for a comments list, ranks 1..n. Blocks of a page with the same heading (a
    widget's desktop and mobile copies; and all unheaded blocks, which the rows cannot tell apart) are
    one block: later copies add only URLs not yet listed, and the rows go to the first copy.
    A rank is the position, except a profile's `related_rank` when the ranks it reads are exactly
    1..n (rows then in rank order): numbers an item merely shows (each item twice, a count, a "31")
    are no ranks. Blocks stay (`read` keeps every item as read) so that what they cut from the page is
    still cut, and their titles kept out of the body."""
    groups: dict = {}
    for b in blocks:
        b.read = list(b.picks)
        members, picks, urls = groups.setdefault(b.heading, ([], [], set()))
        members.append(b)
        for p in ([] if _comments(b) else b.picks):
            if web_url(p.url) and p.url not in urls:
                urls.add(p.url)
                picks.append(p)
    for members, picks, _ in groups.values():
        printed = all(b.printed_ranks for b in members) and sorted(p.rank for p in picks) == list(range(1, len(picks) + 1))
        if printed:
            picks.sort(key=lambda p: p.rank)
        else:
            for pos, p in enumerate(picks, 1):
                p.rank = pos
        for i, b in enumerate(members):
            b.picks = picks if i == 0 else []


def find_blocks(tree: HtmlElement, url: str | None, profile=None, now: datetime | None = None,
                index: AttrIndex | None = None) -> tuple[list[Block], list[str]]:
    flags = []
    blocks = from_profile(tree, url, profile, now) if profile is not None else []
    if profile is not None and profile.selectors.related_block and not blocks:
        flags.append("profile_related_missed")
    taken = {b.container for b in blocks}
    blocks.extend(generic(tree, url, now, taken, index))
    rows(blocks)
    return blocks, flags

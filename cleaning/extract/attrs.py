"""Elements by their class/id words (and `data-testid`/`data-component`, React sites' names), found fast.

Matching every class and id of a page against a long alternation regex costs more than the rest of
related-block detection. Instead the page's class/id strings are joined once (lower case), plain
keywords are located with `str.find` (C speed), and only the strings that hold a keyword are tried
with the regex. Each pattern's keywords must cover every way the regex can match.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

# compiled once (compiling costs as much as running); read from the page's root, as every caller passes it
# (the descendant axis is a third faster than //, and descendant-or-self, which a <body> context would need, slower)
_WITH_ATTRS = etree.XPath("descendant::body/descendant::*[@class or @id or @data-testid or @data-component]")


@dataclass
class AttrIndex:
    elements: list[HtmlElement]
    keys: list[str]  # "class id" of each element
    _joined: str = ""
    _starts: list[int] | None = None
    _entries: list[str] | None = None  # the keys in `_joined`: each distinct one once
    _holders: list[list[int]] | None = None  # for each entry, the elements (positions) with that key

    def _prepare(self) -> None:
        if self._starts is None:
            # Each distinct key once: a page repeats its classes (a menu's items, a feed's cards), and each keyword is
            # a search of the whole string (half the length on the dev pages, 0.3 ms a page less)
            holders: dict[str, list[int]] = {}
            for i, key in enumerate(self.keys):
                holders.setdefault(key, []).append(i)
            entries = list(holders)
            # positions in the lower-cased string: lower() may lengthen a key ("İ" is two characters then)
            lowered = [key.lower() for key in entries]
            starts, pos = [], 0
            for key in lowered:
                starts.append(pos)
                pos += len(key) + 1
            low = "\n".join(lowered)
            self._entries, self._starts, self._joined = entries, starts, low
            self._holders = list(holders.values())

    def matching(self, keywords: tuple[str, ...], regex: re.Pattern) -> list[HtmlElement]:
        """Elements (document order) whose "class id" holds a keyword and matches `regex`."""
        self._prepare()
        found: set[int] = set()
        joined, starts = self._joined, self._starts
        for word in keywords:
            i = joined.find(word)
            while i != -1:
                found.add(bisect.bisect_right(starts, i) - 1)
                i = joined.find(word, i + 1)
        hits = [i for k in found if regex.search(self._entries[k]) for i in self._holders[k]]
        return [self.elements[i] for i in sorted(hits)]


def index(tree: HtmlElement) -> AttrIndex:
    """The page's elements by their class and id, and the names React sites give in their stead (`data-testid`,
    `data-component`: "newsletter-insert", "paywall" beside a hashed class such as "css-1x2y3z")."""
    elements = _WITH_ATTRS(tree)
    keys = []
    for el in elements:
        get = el.get
        key = f"{get('class', '')} {get('id', '')}"
        testid, component = get("data-testid"), get("data-component")
        keys.append(f"{key} {testid or ''} {component or ''}" if testid or component else key)
    return AttrIndex(elements, keys)


def keywords_cover(regex: re.Pattern, keywords: tuple[str, ...], samples: list[str]) -> list[str]:
    """Samples the regex matches but no keyword finds (for tests: the keyword list must be complete)."""
    return [s for s in samples if regex.search(s) and not any(k in s.lower() for k in keywords)]

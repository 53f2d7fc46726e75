"""The page's JSON-LD objects, flattened (@graph, mainEntity, ... followed), read once per page."""

from __future__ import annotations

import json

from lxml.html import HtmlElement

_NESTED = ("@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement")
MAX_OBJECTS = 500


def objects(tree: HtmlElement) -> list[dict]:
    out: list[dict] = []
    listed: list[dict] = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            continue
        stack: list[tuple[object, bool]] = [(data, False)]
        while stack and len(out) + len(listed) < MAX_OBJECTS:
            obj, in_list = stack.pop()
            if isinstance(obj, list):
                stack.extend((item, in_list) for item in reversed(obj))
            elif isinstance(obj, dict):
                (listed if in_list else out).append(obj)
                for key in _NESTED:
                    if isinstance(obj.get(key), (list, dict)):
                        stack.append((obj[key], in_list or key == "itemListElement"))
    # The members of a list (an ItemList of related articles) come after the page's own objects, so the
    # first article's date or headline is the page's, wherever the site put its list; marked (`listed`).
    for obj in listed:
        obj[_LISTED] = True
    return out + listed


_LISTED = "@x-listed"  # (a key no JSON-LD uses: "@" keys are the format's own, and it has no such keyword)


def listed(obj: dict) -> bool:
    """A member of a list (`itemListElement`), not one of the page's own objects."""
    return bool(obj.get(_LISTED))


def types(obj: dict) -> str:
    kind = obj.get("@type")
    return " ".join(map(str, kind)) if isinstance(kind, list) else str(kind or "")

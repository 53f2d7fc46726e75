"""The page's JSON-LD objects, flattened (@graph, mainEntity, ... followed), read once per page."""

from __future__ import annotations

import json

from lxml.html import HtmlElement

_NESTED = ("@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement")
MAX_OBJECTS = 500


def objects(tree: HtmlElement) -> list[dict]:
    out: list[dict] = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack and len(out) < MAX_OBJECTS:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(reversed(obj))
            elif isinstance(obj, dict):
                out.append(obj)
                for key in _NESTED:
                    if isinstance(obj.get(key), (list, dict)):
                        stack.append(obj[key])
    return out


def types(obj: dict) -> str:
    kind = obj.get("@type")
    return " ".join(map(str, kind)) if isinstance(kind, list) else str(kind or "")

"""Readers' comments under a class or id in another language, made known to the generic extractor.

trafilatura removes a comment section by its English name (a class starting with "comment", an id with
"comment" in it). Sites in other languages name theirs "yorumlar", "kommentare", "comentarios", "reacties" ...,
so their readers' comments stayed in the body. Only plural forms count: the singular often names the
article itself (a German "Kommentar" and a Turkish "yorum" are opinion columns).
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .attrs import AttrIndex

COMMENTS_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:yorumlar|kommentare|kommentarer|kommentit|komentarze|komentari|komentáře|komentare|"
    r"comentarios|comentários|reacties|hozzászólások|hozzaszolasok|binh-luan|pinglun)(?:$|[\s_-])", re.I)
COMMENTS_CLASS_KEYWORDS = ("yorum", "kommentar", "kommentit", "koment", "coment", "reacties", "hozz", "binh", "pinglun")
_SECTION_TAGS = frozenset({"div", "section", "ul", "ol", "details", "aside"})


def name_comment_sections(index: AttrIndex) -> int:
    """Prefixes the class of each such comment section (a block that holds no headline) with "comments", the
    name the extractor removes comment sections by; returns how many."""
    named = 0
    for el in index.matching(COMMENTS_CLASS_KEYWORDS, COMMENTS_CLASS_RE):
        if el.tag not in _SECTION_TAGS or next(el.iter("h1"), None) is not None or el.getparent() is None:
            continue
        el.set("class", f"comments {el.get('class') or ''}".strip())
        named += 1
    return named


def comment_section_elements(index: AttrIndex) -> list[HtmlElement]:
    """The sections `name_comment_sections` names (for the date search: their dates are readers')."""
    return [el for el in index.matching(COMMENTS_CLASS_KEYWORDS, COMMENTS_CLASS_RE) if el.tag in _SECTION_TAGS]

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

# At the start of a class or id token: "kommentare-box", not WordPress's "category-kommentare" or "tag-yorumlar"
# (an opinion section's slug on the article itself)
COMMENTS_CLASS_RE = re.compile(
    r"(?:^|\s)(?:yorumlar|kommentare|kommentarer|kommentit|komentarze|komentari|komentáře|komentare|"
    r"comentarios|comentários|reacties|hozzászólások|hozzaszolasok|binh-luan|pinglun)(?:$|[\s_-])", re.I)
COMMENTS_CLASS_KEYWORDS = ("yorum", "kommentar", "kommentit", "koment", "coment", "reacties", "hozz", "binh", "pinglun")
_SECTION_TAGS = frozenset({"div", "section", "ul", "ol", "details", "aside"})


def name_comment_sections(index: AttrIndex) -> int:
    """Prefixes the class of each such comment section (a block that holds no headline) with "comments", the
    name the extractor removes comment sections by; returns how many."""
    named = 0
    for el in comment_section_elements(index):
        if el.getparent() is None:
            continue
        el.set("class", f"comments {el.get('class') or ''}".strip())
        named += 1
    return named


def comment_section_elements(index: AttrIndex) -> list[HtmlElement]:
    """Such comment sections: blocks holding no headline (`<h1>`), `<article>` or `<main>` (an article's wrapper,
    whatever its class says). The date search leaves them out too (their dates are readers')."""
    return [el for el in index.matching(COMMENTS_CLASS_KEYWORDS, COMMENTS_CLASS_RE)
            if el.tag in _SECTION_TAGS and next(el.iter("h1", "article", "main"), None) is None]

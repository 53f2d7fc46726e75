"""Is the page a "not found" page served with status 200 (a soft 404), not an article?

Its title or headline says the page does not exist ("Page not found", "Error 404", "This page doesn't seem to
exist", "Seite nicht gefunden", "页面不存在"), or its <body> is classed as the error page (WordPress's
`error404`), and what is left of it is a short apology, a search box and links: no article.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

MAX_WORDS = 150  # an apology and a hint; a real article about a missing page is longer

_SAYS_MISSING = re.compile(
    r"page (?:was )?not found|\b404\b.{0,20}\b(?:error|page|not found)\b|\b(?:error|fehler|erreur)\W{0,3}404\b"
    r"|(?:does not|doesn'?t|no longer|did not|didn'?t) (?:seem to )?exist|(?:can ?not|can'?t|could ?n[o']t) be found"
    r"|(?:nothing|no results?) (?:was |were )?found|no longer (?:available|online)"
    r"|seite (?:wurde )?nicht gefunden|page (?:non )?introuvable|p[áa]gina no encontrada|pagina non trovata"
    r"|p[áa]gina n[ãa]o encontrada|strona nie (?:zosta[łl]a )?znaleziona|页面不存在|页面未找到|找不到(?:该|此|您要的)?页面"
    r"|ページが見つかりません|페이지를 찾을 수 없습니다",
    re.I,
)
_ERROR_CLASS = re.compile(r"(?:^|\s)(?:error-?404|page-not-found|not-found)(?:\s|$)", re.I)


def is_not_found_page(tree: HtmlElement, title: str | None, paras: list[str]) -> bool:
    if len(" ".join(paras).split()) >= MAX_WORDS:
        return False
    body = tree.find(".//body")
    if body is not None and _ERROR_CLASS.search(body.get("class") or ""):
        return True
    h1 = tree.find(".//h1")
    said = [tree.findtext(".//title") or "", title or "", h1.text_content() if h1 is not None else ""]
    return any(_SAYS_MISSING.search(" ".join(text.split())) for text in said)

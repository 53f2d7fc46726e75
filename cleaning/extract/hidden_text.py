"""Text a page hides that is the article's own: the rest of it behind "read more", a slideshow's other slides.

`body.preclean` removes hidden elements, and the extractor drops what is hidden; an element hidden by its style
or `aria-hidden` that is large (or whose hidden siblings are, together) stays, and is shown when it is the rest of
the article (`rest_of_article`), never a dialog, another tab, a translation, a template or a copy of the shown text.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .patterns import PRECLEAN_STYLE_RE

__all__ = ["Page", "rest_of_article", "style_hidden", "unhide"]


def style_hidden(el: HtmlElement) -> bool:
    """Hidden by its style or by aria-hidden (not by a class, nor by the `hidden` attribute's closed panels)."""
    return bool(PRECLEAN_STYLE_RE.search(el.get("style") or "")) or el.get("aria-hidden") == "true"


_READ_MORE_RE = re.compile(r"^\W*(?:read|show|see)\s+(?:more|all|the\s+rest)|^\W*continue\s+reading|"
                           r"^\W*(?:weiterlesen|mehr\s+(?:lesen|anzeigen)|alles\s+anzeigen|lire\s+la\s+suite|"
                           r"afficher\s+plus|leer\s+m[áa]s|ver\s+m[áa]s|leggi\s+(?:tutto|di\s+pi[ùu])|lees\s+meer|"
                           r"next\s+slide|n[äa]chste[sr]?\s+(?:bild|folie)|diapositive\s+suivante|siguiente)\b", re.I)


class Page:
    """What `rest_of_article` reads of the whole page, read once per page however many hidden elements ask:
    the controls that open something ("read more", `aria-controls`) and the page's words."""

    def __init__(self, body: HtmlElement) -> None:
        self.body = body
        self._controls: tuple[set[str], list[HtmlElement]] | None = None
        self._words: str | None = None

    def controls(self) -> tuple[set[str], list[HtmlElement]]:
        """(ids that a control names in `aria-controls`, the "read more" / "next slide" buttons and links)."""
        if self._controls is None:
            named, read_more = set(), []
            for c in self.body.iter("button", "a"):
                if c.get("aria-controls"):
                    named.add(c.get("aria-controls"))
                if _READ_MORE_RE.match(" ".join(c.text_content().split())):
                    read_more.append(c)
            self._controls = named, read_more
        return self._controls

    def words(self) -> str:
        if self._words is None:
            self._words = _words_of(self.body)
        return self._words


def rest_of_article(el: HtmlElement, page: Page) -> bool:
    """Whether a hidden element is the article's own text a reader brings up: a slideshow's slides (three or more
    hidden siblings alike), or what a "read more" / "next slide" control beside it or naming it opens. Not a
    dialog, a tab of other content, a translation (its own `lang`), a template, nor a copy of the visible text."""
    if el.get("role") in ("dialog", "tabpanel", "tooltip", "alertdialog") or el.get("lang") or \
            "{{" in (el.text_content() or ""):
        return False
    parent = el.getparent()
    if parent is None:
        return False
    slides = el.get("class") is not None and sum(
        s.tag == el.tag and s.get("class") == el.get("class") for s in parent) >= 3  # itself and two alike
    named, read_more = page.controls()
    ident = el.get("id")
    near = set(el.itersiblings(preceding=True)) | set(parent.itersiblings(preceding=True))
    opened = bool(ident and ident in named) or any(
        c in near or any(a in near for a in c.iterancestors()) for c in read_more)
    if not (slides or opened):
        return False
    head = _words_of(el)[:200]
    return not (head and page.words().count(head) > 1)  # a hidden copy (a print or mobile version) of what is shown


def _words_of(node: HtmlElement) -> str:
    return " ".join(" ".join(t.split()) for t in node.itertext() if t and t.strip())


def unhide(el: HtmlElement) -> None:
    style = PRECLEAN_STYLE_RE.sub("", el.get("style") or "").strip(" ;")
    if style:
        el.set("style", style)
    else:
        el.attrib.pop("style", None)
    el.attrib.pop("aria-hidden", None)

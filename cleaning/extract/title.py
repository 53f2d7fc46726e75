"""The article title: the headline, never the site's or blog's name.

Order: the profile's selector; else a visible <h1> (outside related blocks; failing that, an <h2>, then an
<h3>, classed as a title) that agrees with what the page says its title is (og:title / twitter:title, JSON-LD headline,
Dublin Core's title or a microdata headline in <meta>, a part of <title>);
else that stated title; else a lone <h1>; else the longest part of <title>. A candidate that is
the site's name (og:site_name, JSON-LD publisher or WebSite name, application-name, the host
name or a <title> part that is a host name, the <title> part shared with og:site_name, or a heading
that is only a link to the site's root) is never returned while a headline exists.

A heading that is only a link home (`<h1><a href="/">Small Steps Blog</a></h1>`) is the logo of a blog theme:
it names the site even where no meta tag does, and without it that name "agrees" with a "Blog: Post" <title>
whenever the post's own title is short (CJK and Cyrillic titles are short in characters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from . import jsonld
from .patterns import PRECLEAN_STYLE_RE

_SEPARATORS = re.compile(r"\s+[|\-–—_:·•»›‹/]\s+|\s*[|｜_»›]\s*|\s+-{2}\s+")
_ARTICLE_TYPES = ("Article", "BlogPosting", "Posting", "Report", "WebPage", "Recipe", "HowTo", "Review", "MedicalWebPage")
_SPLIT = re.compile(f"({_SEPARATORS.pattern})")
_HOST_NAME = re.compile(r"(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}")  # a host name
_STRONG_SEPARATOR = re.compile(r"[|｜»›]")  # never inside a headline, unlike ":" or a dash
AGREE_RATIO = 0.6  # a shorter text agrees with a longer one it is part of when it has this share of it


_BREAKS = frozenset({"br", "div", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6"})


def _text(el) -> str:
    """The element's text as shown: a line break (`<h1>Living with long COVID:<br>three patients ...`) or a
    block inside it separates words, where text_content() would glue them ("COVID:three")."""
    return " ".join("".join(_pieces(el)).split()) if el is not None else ""


def first_heading(tree: HtmlElement) -> str:
    """The text of the page's first <h1>, as shown ("" when it has none)."""
    h1 = next(tree.iter("h1"), None)
    return _text(h1)


def _pieces(el) -> Iterator[str]:
    if isinstance(el.tag, str):  # not a comment or processing instruction, whose text is not shown
        yield el.text or ""
        for child in el:
            brk = " " if isinstance(child.tag, str) and child.tag.lower() in _BREAKS else ""
            yield brk
            yield from _pieces(child)
            yield brk
            yield child.tail or ""


# quotes and dashes, each one character for one: a table, not three regex substitutions
_UNIFY = str.maketrans({**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟″«»", '"'),
                        **dict.fromkeys("‐‑‒–—―", "-")})


@lru_cache(maxsize=4096)  # the same few texts (names, title parts, headings) are compared many times a page
def norm(text: str) -> str:
    """Comparison form: NFKC, case folded, quotes and dashes unified, outer punctuation dropped."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_UNIFY)
    return " ".join(text.split()).strip(" .,:;!?|-–—\"'")


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i"})


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """A name with its spelling-out removed: "MedizinTransparent", "medizin-transparent", "Medizin Transparent"
    and "SantéVie" / "santevie" / "Kräuterhexe" / "kraeuterhexe" give one key (how a host writes a name)."""
    folded = unicodedata.normalize("NFKD", norm(text).translate(_FOLD))
    return "".join(c for c in folded if c.isalnum())


def is_site(text: str, sites: set[str]) -> bool:
    """Whether a text is one of the site's names (as `site_names` gives them, with their keys), however it
    is spelled out."""
    if norm(text) in sites:
        return True
    key = _key(text)
    if len(key) > 3 and key in sites:
        return True
    # the name and a word saying what kind of site it is ("brand eins online", "Spiegel Online", "taz.de")
    words = norm(text).split()
    if len(words) < 2 or words[-1] not in _SITE_KIND:
        return False
    name = _key(" ".join(words[:-1]))
    return len(name) > 3 and name in sites


_SITE_KIND = frozenset({"online", "digital", "magazin", "magazine", "blog", "news", "aktuell", "web", "plus", "tv"})


_METAS = etree.XPath("descendant::meta[@content]")


def _metas(tree: HtmlElement) -> list[tuple[str, str]]:
    """(name, content) of the page's <meta content>, in order: read once for the four names looked up."""
    return [((meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower(), meta.get("content") or "")
            for meta in _METAS(tree)]


def _meta(metas: list[tuple[str, str]], *keys: str) -> str:
    for key, content in metas:
        if key in keys:
            value = " ".join(content.split())
            if value:
                return value
    return ""


def parts(title: str) -> list[str]:
    return [p.strip() for p in _SEPARATORS.split(title or "") if p.strip()]


def site_names(tree: HtmlElement, url: str | None, objects: list[dict],
               metas: list[tuple[str, str]] | None = None, head_title: str | None = None) -> set[str]:
    """Normalised names the site goes by. `metas`, `head_title`: the page's `_metas` and <title> text, when the
    caller has them."""
    metas = _metas(tree) if metas is None else metas
    names = {_meta(metas, "og:site_name"), _meta(metas, "application-name"), _meta(metas, "apple-mobile-web-app-title")}
    for obj in objects:
        kind = jsonld.types(obj)
        if "WebSite" in kind or "Organization" in kind or "NewsMediaOrganization" in kind:
            names.add(obj.get("name") if isinstance(obj.get("name"), str) else "")
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.add(publisher["name"])
    # a <title> part that is a host name ("example.com - Home") names the site, whatever the page's URL; written
    # in lower case, as hosts are ("Node.js", "Booking.com" may be what a headline is about)
    if head_title is None:
        head_title = _text(tree.find(".//title"))
    names.update(p for p in parts(head_title) if _HOST_NAME.fullmatch(p))
    host = (urlsplit(url or "").hostname or "").lower()
    labels = [p for p in host.split(".") if p not in ("www", "m", "amp")]
    if len(labels) >= 2:
        names.update(labels[:-1])  # politico.com -> politico; julia.blogspot.com -> julia, blogspot
        names.add(".".join(labels[-2:]))
    out = {norm(n) for n in names if n}
    out |= {k for k in map(_key, out) if len(k) > 3}  # "medizin-transparent" is "MedizinTransparent"
    out.discard("")
    return out


_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/default.htm", "/default.asp"})


def _is_home(href: str, url: str | None) -> bool:
    """Whether a link leads to the site's root page (`/`, `./` or `index.html` at the root, the host's root URL).
    On a page that is itself the root, a link to it is the page's own permalink, not the logo's (a WordPress
    post at `/?p=17` is no root page)."""
    page = urlsplit(url or "")
    if page.path in _HOME_PATHS and not page.query:
        return False
    target = urlsplit(urljoin(url or "", href.strip()))
    if target.path not in _HOME_PATHS or target.query or not (target.path or target.netloc):
        return False
    return not target.netloc or not page.hostname or (target.hostname or "") == page.hostname.lower()


def _home_headings(tree: HtmlElement, url: str | None) -> list[str]:
    """The texts of headings whose whole text is one link home: a blog theme's logo, the site's name."""
    names = []
    for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):  # not an XPath over every element: 4% of extraction
        links = [a for a in h.iter("a") if a.get("href") is not None]
        if len(links) == 1 and _is_home(links[0].get("href"), url):
            text = _text(h)
            if text and text == _text(links[0]):
                names.append(text)
    return names


def _after_blog_name(title: str, home: list[str]) -> str:
    """Blogger's "Blog name: Post" without the blog's name: a colon after a name the logo heading gives (a colon
    with no space before it is no separator, as it is often part of a headline)."""
    for name in home:
        head, colon, rest = title.partition(":")
        if colon and rest.strip() and norm(head) == norm(name):
            return rest.strip()
    return title


def _headline(objects: list[dict]) -> str:
    for obj in objects:
        if any(t in jsonld.types(obj) for t in _ARTICLE_TYPES):
            value = obj.get("headline") or (obj.get("name") if "Article" in jsonld.types(obj) else None)
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())
    return ""


def _agrees(a: str, b: str) -> bool:
    """Same text, or the shorter is most of the longer (a headline and its stated title with a
    subtitle or a site suffix)."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short in long_ and len(short) >= AGREE_RATIO * len(long_)


def _without_site(title: str, sites: set[str]) -> str:
    """A stated title minus site-name parts at either end ("Headline | POLITICO" -> "Headline"); a site name
    may hold separators itself ("Headline - Consett Magazine - Positive Local News for Consett")."""
    tokens = _SPLIT.split(title or "")  # text, separator, text, ...
    while len(tokens) >= 3:
        # the longest run of parts at the end that is a site name (parts sit at even indices), then at the start
        end = next((k for k in range(2, len(tokens), 2) if is_site("".join(tokens[k:]), sites)), None)
        if end is not None:
            tokens = tokens[:end - 1]
            continue
        start = next((j for j in range(len(tokens) - 3, -1, -2) if is_site("".join(tokens[:j + 1]), sites)), None)
        if start is None:
            break
        tokens = tokens[start + 2:]
    if len(tokens) == 1 and is_site(tokens[0], sites):
        return ""
    return "".join(tokens).strip()


def find_title(tree: HtmlElement, profile=None, skip: set | None = None, url: str | None = None,
               objects: list[dict] | None = None) -> tuple[str, list[str]]:
    flags: list[str] = []
    if profile is not None and profile.selectors.title:
        try:
            els = tree.cssselect(profile.selectors.title)
        except Exception:  # noqa: BLE001
            els = []
        for el in els:
            t = _text(el)
            if t:
                return t, flags
        flags.append("profile_title_missed")
    objects = jsonld.objects(tree) if objects is None else objects
    metas = _metas(tree)
    head_title = _text(tree.find(".//title"))
    sites = site_names(tree, url, objects, metas, head_title)
    stated = [t for t in (_meta(metas, "og:title", "twitter:title"), _headline(objects),
                          _meta(metas, "dc.title", "dcterms.title", "headline")) if t]
    skip = skip or set()
    home = _home_headings(tree, url)
    if home:
        # the logo's name is the site's only when another heading or a stated title gives the headline: a
        # blog's archive page ("Old Blog: 2011") has none, and the blog's name is then its best title
        with_home = sites | {n for n in map(norm, home) if n} | {k for k in map(_key, home) if len(k) > 3}
        found = _choose(tree, skip, with_home, _after_blog_name(head_title, home), stated, headed_only=True)
        if found:
            return found, flags
    return _choose(tree, skip, sites, head_title, stated), flags


def _choose(tree: HtmlElement, skip: set, sites: set[str], head_title: str, stated: list[str],
            headed_only: bool = False) -> str:
    """The headline given the site's names; with `headed_only`, "" unless a heading or a stated title gives it."""
    stated = [_without_site(t, sites) for t in stated]
    stated = [t for t in stated if t and not is_site(t, sites)]
    title_parts = [p for p in parts(head_title) if not is_site(p, sites)]
    h1s = [h for h in tree.iter("h1") if not any(a in skip for a in h.iterancestors()) and _shown(h)]
    h1s = [(h, _text(h)) for h in h1s]
    # an <h1> that is a later part of <title> is the section ("Shingles: Symptoms | Health Library | Site")
    # (a part shorter than the first, which is then the headline; "Opinion | <headline>" is no such title)
    first = norm(title_parts[0]) if title_parts else ""
    sections = {norm(p) for p in title_parts[1:] if len(norm(p)) < 0.6 * len(first)}
    h1s = [(h, t) for h, t in h1s if t and not is_site(t, sites) and norm(t) not in sections]
    # what the page says its title is, strongest first: og:title / JSON-LD headline, <title> without
    # the site's name, a part of <title>
    references = [(3, t) for t in stated] + [(2, _without_site(head_title, sites))] + [(1, p) for p in title_parts]
    # a headline in a titled <h2> (a theme whose <h1> is the logo) counts after every <h1>, and a titled <h3>
    # (Blogger's classic "post-title entry-title") after that
    for heads in (h1s, _titled(tree, "h2", skip, sites), _titled(tree, "h3", skip, sites)):
        best = None
        for el, text in heads:
            for weight, ref in references:
                if ref and _agrees(text, ref):
                    # a heading written with the site's name after it ("<h1>Headline | Umweltbundesamt</h1>")
                    shown = _without_site(_headline_part(el, text, ref), sites) or text
                    candidate = (weight, len(shown), shown)
                    if best is None or candidate[:2] > best[:2]:
                        best = candidate
        if best is not None:
            return best[2]
    if stated:
        return stated[0]
    if headed_only:
        return ""
    if len(h1s) == 1 and len(norm(h1s[0][1])) > 3:
        whole = _without_site(head_title, sites)
        if whole and _kicker_parted(h1s[0][0], whole) and _letters(whole) == _letters(h1s[0][1]):
            return whole  # "<h1><span class=kicker>Analysis</span> Why ...</h1>": the title parts it, "Analysis: Why"
        return h1s[0][1]
    if title_parts:
        whole = _without_site(head_title, sites)
        # "Méditation : 10 minutes par jour contre le stress | SantéVie": the site's part off, not the longest
        # part, unless what is left is still parts ("Blog Archiv » Podcasts in Plex einbinden")
        if whole and whole != head_title.strip() and not _STRONG_SEPARATOR.search(whole):
            return whole
        return max(title_parts, key=len)
    if h1s:
        return h1s[0][1]
    # every part reads as a site name ("Sleep Apnea | Sleep-Apnea.org": a site named for its subject): the first
    return (parts(head_title) or [head_title])[0]


_TITLED = re.compile(r"title|headline", re.I)
# A comment thread's heading, which quotes the post's title ("25 thoughts on “X”", "3 Kommentare zu "X"", "One
# response to “X”"), and which WordPress themes class "comments-title": the thread's heading, never the headline
_COMMENTS_ON = re.compile(
    r"^\W*(?:\d+|one|a|ein(?:e|en)?|un[ae]?|uno|um|uma)\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?|kommentare?|"
    r"antworten?|gedanken|commentaires?|réponses?|comentarios?|comentários?|respuestas?|respostas?|commenti|"
    r"risposte|reacties?)\s+(?:on|to|zu|auf|sur|à|en|a|sobre|para|su|op)\s*[\"“”„«»‘’‚']", re.I)
_COMMENTS_CLASS = re.compile(r"comment|respon|repl(?:y|ies)", re.I)


def _shown(el: HtmlElement) -> bool:
    """False for a heading in a hidden element (a newsletter modal's <h1> before the article's)."""
    for e in (el, *el.iterancestors()):
        if e.get("hidden") is not None or e.get("aria-hidden") == "true" or \
                PRECLEAN_STYLE_RE.search(e.get("style") or ""):
            return False
    return True


def _titled(tree: HtmlElement, tag: str, skip: set, sites: set[str]) -> list[tuple[HtmlElement, str]]:
    """`tag` elements whose class or id says they are a title ("entry-title", "article-title")."""
    found = []
    for h in tree.iter(tag):
        named = f"{h.get('class', '')} {h.get('id', '')}"
        if _TITLED.search(named) and not _COMMENTS_CLASS.search(named) and not any(a in skip for a in h.iterancestors()):
            text = _text(h)
            if text and not is_site(text, sites) and not _COMMENTS_ON.match(text):
                found.append((h, text))
    return found


def _letters(text: str) -> str:
    return "".join(ch for ch in norm(text) if ch.isalnum())


def _kicker_parted(h1: HtmlElement, ref: str) -> bool:
    """The heading opens with an element of its own (a kicker) that the stated title follows with a separator."""
    first = next((c for c in h1 if isinstance(c.tag, str)), None)
    if first is None or (h1.text or "").strip():
        return False
    kicker = " ".join(first.text_content().split())
    return bool(kicker) and ref.startswith(kicker) and ref[len(kicker):].lstrip()[:1] in (":", "|", "–", "—", "-")


def _headline_part(h1: HtmlElement, text: str, ref: str) -> str:
    """The h1, or the stated title when the h1 only adds a kicker in an element of its own
    ("<span class=roofline>Immobilienkrise</span> Rene Benko-Firma ...", a date over the headline)."""
    h, r = norm(text), norm(ref)
    if r == h or r not in h:
        return text
    extra = " ".join(h.replace(r, " ", 1).split())
    for child in h1.iterdescendants():
        own = norm(child.text_content()) if isinstance(child.tag, str) else ""
        if own and r not in own and (own == extra or extra in own or own in extra and len(own) >= 0.5 * len(extra)):
            return ref
    return text

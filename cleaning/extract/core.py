"""The `extract` entry point: decode, parse, then title, dates, related blocks and body."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from datetime import datetime

from lxml import etree
from lxml.html import (HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction,
                       document_fromstring)

from cleaning.dedup.urls import join_url
from cleaning.document import Extraction

from . import body as body_mod
from . import body_article, body_comments, body_holders, body_lines, body_structure, body_trafilatura
from . import attrs, date_page, date_search, dates, jsonld, layout_tables, listing, not_found, related, title
from .encoding import decode, fix_text, looks_binary, looks_binary_text
from .html_root import open_root
from .patterns import CJ_RE

LOG = logging.getLogger(__name__)

MIN_BODY_WORDS = 5
PRECLEAN = True  # drop hidden elements and small boilerplate widgets before generic extraction
MAX_CHARS = 6_000_000  # after dropping scripts/styles; bigger pages are refused, not parsed
_HTML_TYPES = ("html", "xml", "text/plain", "octet-stream")
_PARSER = HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)
# One element class for every tag, looked up in C: lxml.html's default lookup calls Python for every
# element object created (a large share of tree-walking time here and inside trafilatura). Nothing
# here uses the per-tag classes (FormElement, InputElement ...).
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
_HEAVY = re.compile(r"<(script|style|svg)\b[^>]*>.*?</\1\s*>|data:[\w/+.-]+;base64,[A-Za-z0-9+/=]{200,}", re.S | re.I)
_NOT_TEXT = ("script", "style", "noscript", "template", "svg", "nav", "aside", "footer", "menu", "iframe", "embed", "object",
             "canvas", "video", "audio", "map")
# Form controls go after pre-cleaning, which reads them as a widget's evidence (a cookie banner in any
# language has its "Accept" button) and reads which panels a button controls (`aria-controls`).
_CONTROLS = ("button", "select", "textarea", "input")
_HEAD_TAGS = frozenset({"head", "title", "meta", "link", "base", "script", "style", "noscript", "template"})
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@contextlib.contextmanager
def _without_head(tree: HtmlElement) -> Iterator[None]:
    """The document without its <head> for a while (the soft-404 and listing checks read it after)."""
    head = tree.find("head")
    if head is None or any(isinstance(el.tag, str) and el.tag not in _HEAD_TAGS for el in head.iter()):
        yield  # (libxml2 leaves what follows an unknown element inside <head>: the page's text, then)
        return
    at = tree.index(head)
    tree.remove(head)
    try:
        yield
    finally:
        tree.insert(at, head)


def warm_up() -> None:
    """Imports trafilatura, which every page needs; runs once when this module is imported. dateparser's data
    (~0.25 s of CPU) is loaded by the first date written with a month name htmldate cannot read: pages whose
    dates are in their metadata never need it."""
    body_trafilatura.trafilatura_module()


def _parse(text: str) -> HtmlElement | None:
    text = _XML_DECL.sub("", text.replace("\x00", ""), count=1)
    try:
        tree = document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    if tree is None or tree.find(".//body") is None and len(tree) == 0:
        repaired = open_root(text)
        return _parse(repaired) if repaired is not None else None
    return tree


SHORT_BODY = 1500  # characters: a body this short may be a box of a longer page (the pages' median is ~3,000)
PAGE_TO_BODY = 5  # times as much text left on the cleaned page as the body holds: an article left aside
SECOND_OPINION_GAIN = 2  # times as long, at least, for the second opinion's body to be taken


def _little_of_much(paras: list[str], tree: HtmlElement) -> bool:
    """A short body on a page whose text, menus and asides already cut, is many times longer."""
    chars = len(" ".join(paras))
    if chars >= SHORT_BODY:
        return False
    return len(" ".join(tree.text_content().split())) >= PAGE_TO_BODY * max(chars, 1)


def _canonical(tree: HtmlElement, url: str | None) -> str | None:
    for link in tree.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = link.get("href", "").strip()
            if href:
                return join_url(url, href)
    return None


def _mostly_cjk(text: str) -> bool:
    """Chinese or Japanese text: a third or more of the page's first 2,000 characters (spaces aside)."""
    head = text[:2000]
    if head.isascii():  # a flag CPython keeps on the string: no scan
        return False
    sample = "".join(head.split())
    return bool(sample) and len(CJ_RE.findall(sample)) >= len(sample) / 3


def _language(tree: HtmlElement) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        meta = tree.find(".//meta[@http-equiv='content-language']")
        lang = meta.get("content") if meta is not None else None
    return lang.strip() or None if lang else None


def extract(html: str | bytes, url: str | None = None, profile=None, *, content_type: str | None = None,
            now: datetime | None = None, date_order: str | None = None, locale: str | None = None,
            encoding: str | None = None) -> Extraction:
    """Extracts one page. Never raises: failures come back as empty fields plus `reason`.

    `now` (optional) is the fetch time, the base for relative dates ("3 days ago") and the
    limit for future dates. Without it the limit is the current UTC time and relative dates are
    not read (flag `date_relative_unread`): the reader's clock is not the page's fetch time. `date_order` ("DMY" or "MDY")
    says how the site writes numeric dates such as 04/05/2023, e.g. from evidence gathered over
    the whole site; `locale` (e.g. "en-US") stands in for a missing <html lang>. Without them a
    numeric date whose order the page itself does not settle is flagged `date_ambiguous`.
    `encoding` is a charset the caller knows for the bytes (checked like a declared one).
    """
    try:
        return _extract(html, url, profile, content_type, now, date_order, locale, encoding)
    except RecursionError:
        return Extraction(reason="too_deep")
    except MemoryError:
        return Extraction(reason="too_large")
    except Exception as exc:  # noqa: BLE001 - a crawl must never stop on one page
        LOG.warning("extract failed for %s: %r", url, exc)
        return Extraction(reason=f"error: {type(exc).__name__}: {exc}"[:200])


def _extract(html, url, profile, content_type, now, date_order=None, locale=None, encoding=None) -> Extraction:
    flags: list[str] = []
    if html is None or (isinstance(html, (bytes, str)) and not html.strip()):
        return Extraction(reason="empty")
    if not isinstance(html, (bytes, bytearray, str)):
        return Extraction(reason="not_html")
    if content_type and not any(t in content_type.lower() for t in _HTML_TYPES):
        return Extraction(reason="not_html")
    if isinstance(html, (bytes, bytearray)):
        if looks_binary(bytes(html)):
            return Extraction(reason="not_html")
        text, _charset, enc_flags = decode(bytes(html), content_type, encoding)
        flags.extend(enc_flags)
    else:
        if looks_binary_text(html):
            return Extraction(reason="not_html")
        text = html
    if "<" not in text[:5000]:
        return Extraction(reason="not_html")
    if len(text) > MAX_CHARS:
        text = _HEAVY.sub("", text)
        if len(text) > MAX_CHARS:
            return Extraction(reason="too_large")
    tree = _parse(text)
    if tree is None:
        return Extraction(reason="unparsable")
    if "wm-ipp" in text or "web.archive.org" in (url or ""):
        date_search.strip_archive_banner(tree)  # the Wayback Machine's toolbar is neither text nor a date

    ex = Extraction(canonical_url=_canonical(tree, url), html_language=_language(tree))
    index = attrs.index(tree)
    blocks, rel_flags = related.find_blocks(tree, url, profile, now, index)
    flags.extend(rel_flags)
    containers = {b.container for b in blocks}
    objects = jsonld.objects(tree)
    ex.title, t_flags = title.find_title(tree, profile, containers, url, objects)
    flags.extend(t_flags)
    # The headline is no body line, also when the title chosen is another wording (an SEO <title> or og:title)
    headline = title.first_heading(tree)
    page_text = date_page.page_text(tree)  # read once for both: before the body work changes the tree
    ex.published_date, ex.updated_date, ex.date_source, d_flags = dates.find_dates(
        tree, url, profile, containers, now, date_order, locale, objects, page_text, index, ex.title)
    flags.extend(d_flags)
    ex.date_order = date_page.page_date_order(tree, page_text)
    ex.hot_picks = [p for b in blocks for p in b.picks]

    for b in blocks:
        for el in b.drop:
            el.set("data-xdrop", "1")
    paras: list[str] = []
    cjk = _mostly_cjk(page_text)  # trafilatura's minimum extraction is smaller for Chinese and Japanese
    if profile is not None and profile.selectors.body:
        paras = body_mod.profile_body(tree, profile)
        if paras:
            ex.body_source = "profile"
        else:
            flags.append("profile_body_missed")
    for b in blocks:
        for el in b.drop:
            body_mod._remove_keep_tail(el)
    if not paras:
        # Title, dates and blocks are read: scripts and styles (often half the page) go now, so that
        # trafilatura, which drops them from each of its copies of the tree, copies less.
        # ... except a nav/aside/footer/menu that broken markup wrapped around the article: unwrapped
        body_holders.unwrap_article_holders(tree, ex.title)
        body_holders.unwrap_prose_noscripts(tree)  # a post written for readers without JavaScript
        body_article.keep_article_callouts(tree)
        etree.strip_elements(tree, *_NOT_TEXT, with_tail=False)
        if PRECLEAN:
            body_mod.preclean(tree, index)
        body_comments.name_comment_sections(index)  # readers' comments named in another language
        body_article.join_text_parts(tree)  # a paywalled passage in a container of its own, after the text
        body_structure.drop_promo_cards(tree)  # "Te puede interesar" + one linked headline
        body_structure.accordion_questions(tree)
        etree.strip_elements(tree, *_CONTROLS, with_tail=False)
        body_structure.merge_split_sections(tree)  # an article split by ad rows into sibling sections
        body_article.mark_article_container(tree)  # after: scripts gone, split sections joined
        layout_tables.unwrap_layout_tables(tree)  # an article in a layout table's cell: paragraphs, not a row
        body_structure.paragraphs_from_breaks(tree)  # prose between <br><br>, no <p>: paragraphs
        body_structure.paragraphs_from_divs(tree)  # prose in sibling text-only <div>s: paragraphs
        with _without_head(tree):  # read already (title, dates): trafilatura would only copy it
            paras = body_mod.with_lead(body_trafilatura.trafilatura_body(tree, url, cjk=cjk), tree)
            if _little_of_much(paras, tree):
                # trafilatura's fast pass kept a box of the page (a FAQ's first answer, an intro) and left the
                # article, written in boxes of its own, aside: its second opinion (readability, jusText) finds it
                again = body_mod.with_lead(body_trafilatura.trafilatura_body(tree, url, cjk=cjk, fast=False), tree)
                if len(" ".join(again)) >= SECOND_OPINION_GAIN * len(" ".join(paras)):
                    paras = again
        ex.body_source = "generic" if paras else ""
    if not paras:
        with _without_head(tree):
            paras = body_trafilatura.trafilatura_body(tree, url, recall=True, cjk=cjk) or \
                body_mod.paragraph_fallback(tree)
        ex.body_source = "fallback" if paras else ""
    read = [p for b in blocks for p in b.read]  # also items that give no row (a duplicate, a comment)
    avoid = {p.title for p in read} | {p.teaser for p in read if p.teaser}
    if ex.title:
        avoid.add(ex.title)
    paras = body_lines.clean_lines(paras, avoid)
    if paras and headline and paras[0] == " ".join(headline.split()):
        paras = paras[1:]  # the headline as the body's first line, the title chosen being another wording
    if len(" ".join(paras).split()) < MIN_BODY_WORDS and len(" ".join(paras)) < 4 * MIN_BODY_WORDS:
        paras = []  # a few stray words (a menu item, a button) are not an article
    elif ex.body_source != "profile" and not_found.is_not_found_page(tree, ex.title, paras):
        paras = []
        flags.append("not_found")  # a soft 404: status 200, and a page that says it does not exist
    elif ex.body_source != "profile" and (body_lines.is_link_list(paras, tree) or listing.is_teaser_listing(
            paras, tree, url, listing.declares_article(tree, objects))):
        paras = []
        flags.append("link_list")
    ex.body_source = ex.body_source if paras else ""

    fixed_any = False
    fixed_paras = []
    for p in paras:
        p2, changed = fix_text(p)
        fixed_any |= changed
        fixed_paras.append(p2)
    ex.title, t_changed = fix_text(ex.title)
    for p in ex.hot_picks:
        p.title = fix_text(p.title)[0]
        if p.teaser:
            p.teaser = fix_text(p.teaser)[0]
    if fixed_any or t_changed:
        flags.append("mojibake_fixed")
    ex.body = "\n\n".join(fixed_paras)
    flags.extend(body_lines.completeness_flags(fixed_paras))
    if not ex.body:
        ex.reason = "not_found" if "not_found" in flags else "no_article"
    if ex.published_date is None:
        flags.append("no_date")
    ex.flags = list(dict.fromkeys(flags))
    return ex


warm_up()

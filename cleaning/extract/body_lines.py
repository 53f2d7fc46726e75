"""The extracted body's lines: what is dropped (boilerplate, datelines, promo lines, related-block
leftovers) and what the last lines say about the body (`too_short`, `truncated`, a link list)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .body import _words
from .body_furniture import is_furniture_line, without_comment_thread, without_disclaimer_tail
from .patterns import (CJ_RE, CJK_RE, BOILERPLATE_LINE_MAX, BOILERPLATE_LINE_RE, DISCLAIMER_MAX, DISCLAIMER_RE, MODIFIED_LABEL_RE,
                       PROMO_LABEL_RE, PROMO_LINE_RE, PROMO_PREFIX_RE, PUBLISHED_LABEL_RE, RELATED_HEADING_RE, REVIEW_LABEL_RE)

#: where a teaser or a cut paragraph stops
ELLIPSES = ("...", "\u2026", "[\u2026]", "[...]")
_TERMINAL = re.compile(r"[.!?。！？…\"'”’»)\]:;]\s*$")


DATE_LINE_MAX = 120
# a time of day: 10:12, 18h45, and 10.30 only with "Uhr"/"h"/"am"/"pm" after it (12.50 in a table is a number)
_TIME_OF_DAY = re.compile(r"(?<!\d)(?:\d{1,2}[:h]\d{2}(?:\s*(?:[ap]\.?m\b\.?|uhr\b|h\b|hs\b))?|"
                          r"\d{1,2}\.\d{2}\s*(?:[ap]\.?m\b\.?|uhr\b|h\b))(?!\d)", re.I)
# the words that join a date or a time to its label, read only right before one ("Publicado el", "a las", "um")
_BESIDE_A_DATE = re.compile(r"(?:(?<!\w)(?:a\s+las|a\s+la|alle|ore|às|à|at|um|am|le|el|den|on|saat|kl\.?)\s*)?\x00", re.I)


def _is_date_line(line: str) -> bool:
    """'Published 12 April 2023', 'Last updated: 2023-04-14 14:32': a dateline, not body text."""
    from . import date_text

    line = line.translate(date_text.ASCII_DIGITS)
    found = date_text.find_date_string(line)
    if not found:
        return _is_time_line(line)
    if line.lstrip().startswith("|"):
        return False  # a table's row: the article's data
    def readable() -> bool:  # read last, only for a line of a dateline's shape: "3 Kinder 2022" is no date
        return date_text.parse_text(found) is not None or date_text.is_relative(found)

    rest = line.replace(found, " ")
    labelled = _labelled(rest)
    if not labelled:
        # a date and its time alone ("18 settembre 2023 | 11:42", "09 Jun 2020, 02:32 PM IST")
        rest = _CLOCK.sub(" ", rest, count=1)
        return len(_ZONE.sub(" ", rest).strip(_SEPARATORS)) <= 3 and readable()
    # a labelled line: what is left beside its dates (published and updated on one line), its times and the words
    # that join them to a date ("Actualizado el 7 de mayo de 2024 a las 10:12 | Publicado el 5 de mayo ...")
    marked = line.replace(found, "\x00")
    for _ in range(2):
        more = date_text.find_date_string(marked)
        if not more:
            break
        marked = marked.replace(more, "\x00")
    marked = _TIME_OF_DAY.sub("\x00", marked)
    rest = marked.replace("\x00", " ")  # the labels read with their words ("reviewed by ... on")
    bare = _BESIDE_A_DATE.sub(" ", marked)  # what the shape is measured on
    shaped = len(bare.strip(_SEPARATORS)) <= 3 or len(bare) < 40 or _byline(line, rest)
    return shaped and readable()


def _labelled(rest: str) -> bool:
    return bool(PUBLISHED_LABEL_RE.search(rest) or MODIFIED_LABEL_RE.search(rest) or REVIEW_LABEL_RE.search(rest)
                or _REVIEW_CYCLE_RE.search(rest))


_SEPARATORS = " :|,-·∙•/"
_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?m\b\.?|uhr\b|h\b))?(?!\d)", re.I)
_ZONE = re.compile(r"\b(?:[A-Z]{1,2}[SD]?T|UTC|GMT|CES?T|MES?Z|IST)\b")


def _is_time_line(line: str) -> bool:
    """A label and a time of day, no date ("Updated at 1:23 p.m.", "Aktualisiert um 14:05 Uhr", "Published 09:30
    ET"): the day is the page's, said elsewhere."""
    if len(line) > 60 or not _TIME_OF_DAY.search(line):
        return False
    rest = _BESIDE_A_DATE.sub(" ", _TIME_OF_DAY.sub("\x00", line))
    if not (PUBLISHED_LABEL_RE.search(rest) or MODIFIED_LABEL_RE.search(rest)):
        return False
    for label in (PUBLISHED_LABEL_RE, MODIFIED_LABEL_RE, _ZONE):
        rest = label.sub(" ", rest)
    return len(rest.strip(" :|,-·.")) <= 3


def _byline(line: str, rest: str) -> bool:
    """A byline longer than a label and a date: a review label that names its reviewer ("Medically reviewed by
    Daniel Ortiz, MD on ...") or segments parted by a byline's separators ("Par Claire Dumas · Relu par le Dr
    ... · Mis à jour le ..."), each short, holding names beside the labels; never a sentence, nor a reference
    ("American Heart Association. High Blood Pressure. Updated March 16, 2023": sentence-parted segments), nor a
    heading ("FDA Advisory Panel Reviewed Lecanemab Data, June 9, 2023")."""
    if _SENTENCE_END.search(line) or _SENTENCE_BREAK.search(rest):
        return False
    # the label may carry a name ("Medically reviewed by Daniel Ortiz, MD on ..."): what is left beside the
    # labels must be short, a byline's names and separators
    unlabelled = rest
    for label in (PUBLISHED_LABEL_RE, MODIFIED_LABEL_RE, REVIEW_LABEL_RE, _REVIEW_CYCLE_RE):
        unlabelled = label.sub(" ", unlabelled)
    if len(unlabelled.strip(" :|,-·.")) > 60:
        return False
    named = REVIEW_LABEL_RE.search(rest)
    named = named is not None and len(named.group().split()) > 3  # the label holds "by <name> on"
    segments = [p for p in re.split(r"\s[·|•]\s", line) if p.strip()]
    parted = len(segments) > 1 and all(len(p) <= 50 for p in segments)
    return (named or parted) and _names_only(unlabelled)


_SENTENCE_BREAK = re.compile(r"[a-z]{3,}\. [A-Z]")  # "Association. High Blood Pressure", not "Dr. Javier"


def _names_only(text: str) -> bool:
    """What a byline holds beside its labels and date: names ("Claire Dumas · Dr Marc Petit"), not a
    sentence ("the vaccine was ... for the new variant"): most of its words are capitalised."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 2]
    return not words or sum(w[0].isupper() for w in words) >= 0.6 * len(words)


# Health pages' review cycle beside the review date ("Next review due: 12 March 2027", "Última revisión")
_REVIEW_CYCLE_RE = re.compile(r"\bnext\s+review(?:\s+due)?\b|\b[úu]ltima\s+revisi[óo]n\b|\bultima\s+revisione\b|"
                              r"\bderni[èe]re\s+r[ée]vision\b|\bletzte\s+[üu]berpr[üu]fung\b", re.I)
# A step's number in an element of its own ("1", "2.", "3)") comes out as a line of its own
_STEP_NUMBER = re.compile(r"\d{1,2}[.)]?")


PROMO_HEADLINE_WORDS = 25
_SENTENCE_END = re.compile(r"\w[.;,。；，]$")


def is_promo_line(line: str) -> bool:
    """'SEE MORE: <headline>', 'Read more | <headline>', 'Lesen Sie auch: <headline>': a related-article
    promo inside the body. The label must be a whole read-more/see-also/related heading (so "See more
    of the coast by train" is no label) and the rest must be shaped like a headline: at most 25 words
    and at least 3 words, not ending like a sentence (a period, comma or semicolon after a word), so "Read
    more: the guidelines ask for 150 minutes a week." stays; and labels that also open ordinary lines
    ("Featured:", "Don't miss:", "See also:") are not enough."""
    m = PROMO_LINE_RE.match(line)
    if m and m["sep"] == "." and not m["label"].isupper():
        m = None  # a period parts a label only in capitals ("LIRE AUSSI."): "Recommendations. Adults should ..."
    if not m or not (RELATED_HEADING_RE.match(m["label"]) or PROMO_LABEL_RE.match(m["label"])):
        # a label no sentence opens with, no separator after it, before a headline (not "Lesen Sie auch die
        # Packungsbeilage ...", an instruction in a list)
        m = PROMO_PREFIX_RE.match(line)
        if not m or m["rest"].rstrip().endswith(("?", "!")) or m["rest"][:1].islower():
            return False
    if _NOT_A_PROMO_LABEL.match(m["label"]):
        return False
    rest = m["rest"].strip()
    return 3 <= _words(rest) <= PROMO_HEADLINE_WORDS and not _SENTENCE_END.search(rest)


# Block headings that also open ordinary lines of an article ("Featured: Dr Jane Smith, cardiologist",
# "Don't miss: take it with food", "See also: Table 2"): no evidence of a promo on their own.
_NOT_A_PROMO_LABEL = re.compile(r"^\W*(?:featured|popular|trending|don'?t\s+miss|see\s+also|recommended)\b", re.I)


def clean_lines(paras: list[str], avoid: set[str]) -> list[str]:
    """Drops boilerplate lines, related-block leftovers and consecutive duplicates. A line that reads
    like a related block's heading goes, unless it is also a common section heading ("Recommendations",
    "More about the study") and running text follows it: then it heads a section, not a cut list."""
    out: list[str] = []
    # the comment thread first: its name and date lines, which the filter below drops, say it is one
    paras = without_comment_thread([" ".join(p.split()) for p in paras])
    cut_list = False  # under a related block's heading that went: its unlinked items, short and unpunctuated, go too
    for i, p in enumerate(paras):
        if not p:
            continue
        if cut_list and _words(p) <= _CUT_ITEM_WORDS and not _TERMINAL.search(p):
            continue
        cut_list = False
        short = len(p) <= BOILERPLATE_LINE_MAX
        if short and RELATED_HEADING_RE.match(p) and not _heads_a_section(p, paras, i + 1):
            # an everyday section heading ("Recommendations") over short lines may head the article's own list
            cut_list = not _SECTION_HEADING.match(p)
            continue
        if short and (BOILERPLATE_LINE_RE.match(p) or is_promo_line(p) or is_furniture_line(p)):
            continue
        if len(p) <= DISCLAIMER_MAX and DISCLAIMER_RE.match(p):
            continue
        if p in avoid or _STEP_NUMBER.fullmatch(p) and _opens_a_sentence(paras, i + 1) or (
                len(p) <= DATE_LINE_MAX and _is_date_line(p)):
            continue
        if out and out[-1] == p:
            continue
        out.append(p)
    return without_disclaimer_tail(out)


_CUT_ITEM_WORDS = 5  # "Check interactions", "Pricing & coupons": a related block's unlinked items

# Related-block headings that are also everyday section headings of a health article
_SECTION_HEADING = re.compile(r"^\W*(?:recommendations?|recommended|related|trending|featured|further\s+reading|"
                              r"hot\s*spots?|popular\s+in(?:\s+\w+){1,3}|keep\s+reading|related\s+(?:health\s+)?topics|rankings?|"
                              r"related\s+questions|"
                              r"more\s+(?:about|on)\s+(?:the|this|our|these)\s+\w+(?:\s+\w+)?)\W*$", re.I)


def _next_line(paras: list[str], start: int) -> str:
    return next((paras[j] for j in range(start, len(paras)) if paras[j]), "")


def _opens_a_sentence(paras: list[str], start: int) -> bool:
    """The next line starts a sentence of its own: a number before it is a step's counter, not the start of
    that sentence ("90" over "percent of adults ..." is a figure)."""
    following = _next_line(paras, start)
    return following[:1].isupper() or bool(CJK_RE.match(following))


def _heads_a_section(line: str, paras: list[str], start: int) -> bool:
    if not _SECTION_HEADING.match(line):
        return False
    following = _next_line(paras, start)
    return _words(following) >= 12 and bool(_TERMINAL.search(following))


def completeness_flags(paras: list[str]) -> list[str]:
    flags = []
    text = " ".join(paras)
    cjk = len(CJ_RE.findall(text))
    words = len(text.split()) + cjk // 2
    if not paras:
        return flags
    if words < 80:
        flags.append("too_short")
    if looks_cut(paras[-1], teaser=words < 150):
        flags.append("truncated")
    return flags


# What may end a complete article without a full stop: a credit line, a copyright notice.
_CREDIT = re.compile(r"(?i)\b(?:reporting|editing|writing|written|compiled|translated|produced) by\b|[©ⓒ]|"
                     r"\bcopyright\b|all rights reserved|저작권자|版权所有")
_AGENCY_TAIL = re.compile(r"(?<=[.!?])\s+[A-Z]{2,5}$")  # "... into the US. PTI": the wire's signature


def looks_cut(last: str, teaser: bool = False) -> bool:
    """The body's last paragraph stops mid-sentence (a teaser, a paywall): a long one without an ending,
    or one ending in an ellipsis, unless that is a short call to comment closing a whole article ("Tell us
    what YOU think..."); `teaser`: the body is short, so even "All..." is where it was cut."""
    last = _AGENCY_TAIL.sub("", last)
    if last.endswith(ELLIPSES):
        return teaser or len(last.split()) >= 12
    if len(last) <= 60 or _TERMINAL.search(last):
        return False
    # a credit line, not a cut sentence (read last: the search costs 20 us on a 300-character paragraph)
    return not (len(last.split()) <= 30 and _CREDIT.search(last) is not None)


def is_link_list(paras: list[str], tree: HtmlElement, share: float = 0.6) -> bool:
    """True when most of the body's words are link texts: a menu or index page, not an article.

    Generic extractors return such pages' link lists as "text"; an article has prose between
    its links. (Counting link paragraphs instead of words also caught teaser listings, but cost
    real articles: F1 0.970 -> 0.959 on the dev set.)
    """
    anchors = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    anchors.discard("")
    if not anchors:
        return False
    total = linked = 0
    for p in paras:
        words = len(p.split())
        total += words
        if " ".join(p.split()) in anchors:
            linked += words
    return total > 0 and linked / total >= share

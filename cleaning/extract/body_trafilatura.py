"""The generic extractor: trafilatura on the pre-cleaned page, with options built once per thread.

`trafilatura_body` returns the body's lines as trafilatura gives them (list marks and table rules off).
"""

from __future__ import annotations

import re
import threading
import warnings
from typing import Any

from lxml.html import HtmlElement

_LIST_MARK = re.compile(r"^[-*•]\s+")
# the line under a table's header row in trafilatura's text ("|---|---|"): no words, a paragraph of its own
_TABLE_RULE = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?(?:-{3,}:?)?\s*")


def trafilatura_module() -> Any:
    """trafilatura, imported."""
    # Imported lazily and quietly: urllib3 (pulled in by trafilatura) may warn about optional proxy
    # support at import time, which must not turn into an error inside a crawl or a strict test run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trafilatura
    return trafilatura


_THREAD = threading.local()  # each thread's own options objects, set per page (no copy of a shared one)


def _base_options(recall: bool, fast: bool = True) -> Any:
    cached = getattr(_THREAD, "options", None)
    if cached is None:
        cached = _THREAD.options = {}
    if (recall, fast) not in cached:
        cached[recall, fast] = _new_options(recall, fast)
        _MIN_SIZE.setdefault(recall, cached[recall, fast].min_extracted_size)
    return cached[recall, fast]


_MIN_SIZE: dict[bool, int] = {}  # trafilatura's configured minimum (250 characters) per mode
CJK_MIN_SIZE = 100  # characters of Chinese or Japanese that say about what 250 Latin ones say


def _new_options(recall: bool, fast: bool = True) -> Any:
    from trafilatura.settings import Extractor

    # fast: without trafilatura's second opinion from readability/justext, which pre-cleaning and the
    # related-block cut make redundant here (measured: same or better F1 on the dev set, a quarter faster)
    return Extractor(output_format="txt", fast=fast, recall=recall, comments=False, tables=True, dedup=False)


def _options(recall: bool, url: str | None, cjk: bool = False, fast: bool = True) -> Any:
    """trafilatura's options for one page: built once per thread (reading them from its config file each call
    cost a tenth of its time here), given the page's URL, and for a CJK page a smaller minimum below which it
    takes its baseline (the whole article's text, headline and dateline too) instead of what it extracted.
    trafilatura never changes them (it copies them to retry in recall mode)."""
    options = _base_options(recall, fast)  # this thread's: another thread extracting at once has its own
    options.min_extracted_size = CJK_MIN_SIZE if cjk else _MIN_SIZE[recall]
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


def trafilatura_body(tree: HtmlElement, url: str | None, recall: bool = False, cjk: bool = False,
                     fast: bool = True) -> list[str]:
    """`fast=False`: with trafilatura's second opinion (readability, jusText)."""
    trafilatura = trafilatura_module()
    text = trafilatura.extract(tree, options=_options(recall, url, cjk, fast))
    if not text:
        return []
    return [_LIST_MARK.sub("", line).strip() for line in text.splitlines()
            if line.strip() and not _TABLE_RULE.fullmatch(line.strip())]

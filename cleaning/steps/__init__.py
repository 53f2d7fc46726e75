"""The cleaning steps, one job each; `cleaning/flow.py` puts them in the order of the data flow.

Names load on first use: a worker process that runs only some steps (the grammar pass's helpers run
grammar and rows) imports only their modules, not dedup's or the extraction libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "CollectSiteVocabulary": "collect_vocabulary", "Deduplicate": "deduplicate", "DetectLanguage": "detect_language",
    "DropRepeatedParagraphs": "drop_repeated_paragraphs", "ExtractArticle": "extract_article",
    "FixGrammar": "fix_grammar", "HashContent": "hash_content", "ListRareWords": "list_rare_words",
    "MakeRows": "make_rows", "ReadPages": "read_pages", "SettleDateOrder": "settle_date_order", "Step": "base",
    "WriteDatasets": "write_datasets",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)

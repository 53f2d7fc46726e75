"""The options of a cleaning run, from the product settings (cleaning/config.py) or given directly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from cleaning.config import languages_kept, value


@dataclass(frozen=True)
class CleanOptions:
    keep_languages: frozenset[str] = frozenset({"en"})  # grammar-fixed; `*`: all
    grammar_backend: str = "auto"  # auto, languagetool, offline, none
    languagetool_url: str | None = None
    languagetool_username: str | None = field(default=None, repr=False)
    languagetool_api_key: str | None = field(default=None, repr=False)
    languagetool_heap_mb: int = 512  # HEALTH_LANGUAGETOOL_HEAP_MB: the local server's Java heap (0: Java's default)
    dedup_threshold: float = 0.8
    min_words: int = 40
    workers: int = 1
    recurring_min_docs: int = 3  # a word in this many bodies is site vocabulary, never "corrected"
    grammar_timeout: float = 30.0  # HEALTH_GRAMMAR_TIMEOUT: seconds per backend request
    grammar_budget: float | None = 3600.0  # HEALTH_GRAMMAR_BUDGET: seconds of waiting per process (None: no limit)
    grammar_cache_dir: str | None = None  # default: OUTPUT_DIR/_state/grammar-cache
    sites_dirs: tuple[str, ...] = ()  # HEALTH_SITES_DIR: where profiles of runs without a saved one are found
    progress_interval: float = 30.0  # HEALTH_PROGRESS_INTERVAL: seconds between progress lines (0: none)

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "CleanOptions":
        """From Scrapy settings, a dict of HEALTH_* values, or None (every default)."""
        options = cls(
            keep_languages=languages_kept(value(settings, "HEALTH_KEEP_LANGUAGES")),
            grammar_backend=value(settings, "HEALTH_GRAMMAR_BACKEND"),
            languagetool_url=value(settings, "HEALTH_LANGUAGETOOL_URL") or None,
            languagetool_username=value(settings, "HEALTH_LANGUAGETOOL_USERNAME") or None,
            languagetool_api_key=value(settings, "HEALTH_LANGUAGETOOL_API_KEY") or None,
            languagetool_heap_mb=value(settings, "HEALTH_LANGUAGETOOL_HEAP_MB"),
            dedup_threshold=value(settings, "HEALTH_DEDUP_THRESHOLD"),
            min_words=value(settings, "HEALTH_MIN_WORDS"),
            workers=value(settings, "HEALTH_CLEAN_WORKERS") or os.cpu_count() or 1,
            sites_dirs=tuple(value(settings, "HEALTH_SITES_DIR")),
            progress_interval=value(settings, "HEALTH_PROGRESS_INTERVAL"),
            grammar_timeout=value(settings, "HEALTH_GRAMMAR_TIMEOUT"),
            grammar_budget=value(settings, "HEALTH_GRAMMAR_BUDGET") or None,
        )
        from dataclasses import replace

        return replace(options, **overrides)

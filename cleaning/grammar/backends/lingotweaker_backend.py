"""The offline backend's LanguageTool engine: LingoTweaker (``lt_py``), LanguageTool's English rules
ported to Rust, in process, no Java.

Its rule ids are LanguageTool's, so one rule map (rules.json ``languagetool_rules``) serves both;
only rules on that map are ever applied. The engine is immutable and thread-safe; it is built once
per process (about 2 s) and shared. Offsets come back in UTF-8 bytes and are turned into characters.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata

from ..policy import languagetool_category, rule_table
from .base import BackendError, RawMatch, check_joined


def lingotweaker_available() -> bool:
    try:
        import lt_py  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=2)
def _engine(language: str):  # noqa: ANN202 - lt_py has no type stubs
    import lt_py

    return lt_py.Engine(language)


def _char_offsets(text: str) -> list[int] | None:
    """Byte offset -> character offset table, or None for pure ASCII (they are equal)."""
    if text.isascii():
        return None
    table = []
    for i, ch in enumerate(text):
        table.extend([i] * len(ch.encode("utf-8")))
    table.append(len(text))
    return table


class LingoTweakerBackend:
    def __init__(self, language: str = "en-US", batch_chars: int = 20_000, batch_size: int = 64) -> None:
        try:
            self._engine = _engine(language)
        except ImportError as e:
            raise BackendError(f"lingotweaker is not installed: {e}") from e
        except Exception as e:  # missing data package, bad language
            raise BackendError(f"lingotweaker did not start: {type(e).__name__}: {e}") from e
        version = metadata.version("lingotweaker")
        try:
            data = metadata.version("lingotweaker-data-en")
        except metadata.PackageNotFoundError:
            data = "?"
        self.name = f"offline-lingotweaker-{'.'.join(version.split('.')[:2])}"
        rules = json.dumps(rule_table()["languagetool_rules"], sort_keys=True)
        self.cache_id = f"lingotweaker-{version}-{data}-{language}-{hashlib.sha1(rules.encode()).hexdigest()[:10]}"
        self._known = rule_table()["languagetool_rules"]
        self._batch_chars = batch_chars
        self._batch_size = batch_size

    def _check_text(self, text: str) -> list[RawMatch]:
        table = None
        out: list[RawMatch] = []
        for m in self._engine.check(text):
            rule = m["rule_id"]
            if rule not in self._known:
                continue  # never applied: not worth carrying or caching
            suggestions = list(m["suggestions"] or [])
            if not suggestions:
                continue
            start, end = m["offset"], m["offset"] + m["length"]
            if not text.isascii():
                table = table or _char_offsets(text)
                start, end = table[start], table[min(end, len(table) - 1)]
            category, gated = languagetool_category(rule, m["category_id"] or "")
            out.append(RawMatch(offset=start, length=end - start, replacements=suggestions, rule_id=rule,
                                category=category, gated=gated, message=str(m["message"] or "")))
        return out

    def check(self, sentences: Sequence[str]) -> list[list[RawMatch]]:
        try:
            return check_joined(sentences, self._check_text, self._batch_chars, self._batch_size)
        except Exception as e:  # a panic in the Rust core surfaces as an exception
            raise BackendError(f"lingotweaker failed: {type(e).__name__}: {e}") from e

    def close(self) -> None:
        pass

"""`GrammarFixer`: the grammar stage. Never raises out of `fix`/`fix_many`."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cleaning.document import GrammarEdit

from .artifacts import find_artifacts
from .backends.base import Backend, BackendError, RawMatch
from .cache import SentenceCache, sentence_key
from .edits import Candidate, apply_edits, resolve
from .options import GrammarOptions
from .policy import Context, Policy
from .segment import latin_ratio, units
from .vocabulary import WORD_RE, medical_words

log = logging.getLogger("cleaning.grammar")


@dataclass
class GrammarResult:
    text: str  # the fixed text (the input, unchanged, unless status is "fixed")
    edits: list[GrammarEdit] = field(default_factory=list)  # offsets into the input
    backend: str = ""
    status: str = "unchanged"  # fixed | unchanged | skipped:<why> | error:<why>


def _language_of(text: str, language: str | None) -> str:
    if language and language not in ("auto", "und"):
        return language.lower().replace("_", "-").split("-")[0]
    try:
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0
        return detect(text[:5000])
    except Exception:
        return "und"


def _make_backend(options: GrammarOptions) -> tuple[Backend | None, str]:
    """The backend to run (None: the product's own rules only) and an error if the
    requested one cannot run."""
    choice = options.backend
    if choice == "none":
        return None, ""
    if choice in ("auto", "languagetool"):
        from .backends.languagetool import LanguageToolBackend
        from .lt_server import languagetool_status

        ok, how = languagetool_status(options.languagetool_url)
        if ok or choice == "languagetool":
            try:
                return LanguageToolBackend(options), ""
            except BackendError as e:
                if choice == "languagetool":
                    return None, str(e)
                log.warning("grammar: LanguageTool unavailable (%s); using the offline backend", e)
        else:
            log.info("grammar: LanguageTool not available (%s); using the offline backend", how)
    from .backends.harper_backend import HarperBackend

    try:
        spell_caps = options.policy.spelling_capitalised
        return HarperBackend(options.batch_chars, options.batch_size, spell_caps), ""
    except BackendError as e:
        if choice == "offline":
            return None, str(e)
        log.warning("grammar: offline backend unavailable (%s); own rules only", e)
        return None, ""


class GrammarFixer:
    """Fixes bodies with one backend for the whole run. Use as a context manager.

    Not thread-safe: create one per thread or worker process (they can share a
    LanguageTool server through ``languagetool_url`` and the cache directory).
    """

    def __init__(self, options: GrammarOptions | None = None, backend: Backend | None = None) -> None:
        self.options = options or GrammarOptions()
        self._policy = Policy(self.options.policy)
        self._protected: set[str] = {w.lower() for w in self.options.protected_words}
        if self.options.use_medical_vocabulary:
            self._protected |= medical_words()
        self._frozen: frozenset[str] | None = None
        self._cache = SentenceCache(self.options.cache_dir)
        if backend is not None:  # a ready backend object (custom backends, tests)
            self._backend, self._error = backend, ""
        else:
            self._backend, self._error = _make_backend(self.options)
        if self._error:
            log.error("grammar: backend %r unavailable: %s", self.options.backend, self._error)
        else:
            log.info("grammar: backend %s runs", self.backend_name)

    # -- the interface ---------------------------------------------------------
    @property
    def backend_name(self) -> str:
        if self._error:
            return f"unavailable-{self.options.backend}"
        return self._backend.name if self._backend is not None else "rules"

    @property
    def cache(self) -> SentenceCache:
        return self._cache

    def protect(self, words: Iterable[str]) -> None:
        """Words never to rewrite (names, terms, corpus words); case-insensitive."""
        self._protected.update(w.lower() for w in words)
        self._frozen = None

    def fix(self, text: str, language: str | None = "en") -> GrammarResult:
        return self.fix_many([text], [language])[0]

    def fix_many(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> list[GrammarResult]:
        langs = list(languages) if languages is not None else ["en"] * len(texts)
        try:
            return self._fix_many(list(texts), langs)
        except Exception as e:  # never raise: the rows are still written
            log.exception("grammar: unexpected failure")
            return [self._unfixed(t or "", f"error:internal: {type(e).__name__}: {e}") for t in texts]

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None
        self._cache.close()

    def __enter__(self) -> GrammarFixer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the work ----------------------------------------------------------------
    def _unfixed(self, text: str, status: str) -> GrammarResult:
        return GrammarResult(text=text, edits=[], backend=self.backend_name, status=status)

    def _precheck(self, text: str, language: str | None) -> str | None:
        if not isinstance(text, str) or not text.strip():
            return "skipped:empty"
        if len(text) > self.options.max_chars:
            return f"skipped:too_long={len(text)}"
        lang = _language_of(text, language)
        if lang not in self.options.languages:
            return f"skipped:language={lang}"
        if latin_ratio(text) < self.options.min_latin_ratio:
            return "skipped:script=non-latin"
        if self._error:
            return f"error:backend_unavailable: {self._error}"
        return None

    def _fix_many(self, texts: list[str], langs: list[str | None]) -> list[GrammarResult]:
        results: list[GrammarResult | None] = [None] * len(texts)
        todo: list[tuple[int, list[tuple[int, str]]]] = []
        for i, (text, lang) in enumerate(zip(texts, langs)):
            why = self._precheck(text, lang)
            if why:
                results[i] = self._unfixed(text if isinstance(text, str) else "", why)
                continue
            segs = list(units(text, self.options.min_latin_ratio, self.options.max_sentence_chars))
            todo.append((i, segs if self._backend is not None else []))
        answers, failures = self._backend_answers([s for _, segs in todo for _, s in segs])
        for i, segs in todo:
            failed = next((failures[s] for _, s in segs if s in failures), None)
            if failed:
                results[i] = self._unfixed(texts[i], f"error:backend_failed: {failed}")
                continue
            results[i] = self._apply(texts[i], segs, answers)
        return [r for r in results if r is not None]

    def _backend_answers(self, sentences: list[str]) -> tuple[dict[str, list[RawMatch]], dict[str, str]]:
        if self._backend is None or not sentences:
            return {}, {}
        backend = self._backend
        keys = {s: sentence_key(backend.cache_id, "en", s) for s in dict.fromkeys(sentences)}
        cached = self._cache.get_many(keys.values())
        answers = {s: cached[k] for s, k in keys.items() if k in cached}
        missing = [s for s in keys if s not in answers]
        failures: dict[str, str] = {}
        step = max(1, self.options.batch_size) * 8
        for b in range(0, len(missing), step):
            batch = missing[b : b + step]
            try:
                got = backend.check(batch)
            except BackendError as e:
                log.warning("grammar: %s", e)
                failures.update({s: str(e) for s in batch})
                continue
            fresh = dict(zip(batch, got))
            answers.update(fresh)
            self._cache.put_many({keys[s]: v for s, v in fresh.items()})
        return answers, failures

    def _apply(self, text: str, segs: list[tuple[int, str]], answers: dict[str, list[RawMatch]]) -> GrammarResult:
        if self._frozen is None:
            self._frozen = frozenset(self._protected)
        counts = Counter(w.lower() for w in WORD_RE.findall(text))
        ctx = Context(text=text, protected=self._frozen, counts=counts)
        accepted: list[Candidate] = []
        if self.options.artifact_rules:
            for c in find_artifacts(text):
                if self._policy.check(c, ctx) is not None:
                    accepted.append(c)
        backend = self.backend_name
        for off, sent in segs:
            for m in answers.get(sent, ()):
                if not m["replacements"]:
                    continue
                start = off + m["offset"]
                cand = Candidate(
                    offset=start,
                    length=m["length"],
                    replacement=m["replacements"][0],
                    rule_id=m["rule_id"],
                    category=m["category"],
                    backend=backend,
                    original=text[start : start + m["length"]],
                    message=m.get("message", ""),
                )
                if cand.original == cand.replacement:
                    continue
                ok = self._policy.check(cand, ctx, gated=m["gated"], alternatives=tuple(m["replacements"]))
                if ok is not None:
                    accepted.append(ok)
        chosen = resolve(accepted)
        if not chosen:
            return GrammarResult(text=text, edits=[], backend=backend, status="unchanged")
        fixed = apply_edits(text, chosen)
        return GrammarResult(text=fixed, edits=[c.to_edit() for c in chosen], backend=backend, status="fixed")


def open_fixer(options: GrammarOptions | None = None) -> GrammarFixer:
    return GrammarFixer(options)

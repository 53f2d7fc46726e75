"""`GrammarFixer`: the grammar stage. Never raises out of `fix`/`fix_many`."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

from cleaning.document import GrammarEdit

from .artifacts import find_artifacts
from .backend_thread import BackendThread
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
    """The caller's language; "auto" (or None) asks the project's language detector."""
    if language and language not in ("auto", "und"):
        return language.lower().replace("_", "-").split("-")[0]
    try:
        from cleaning.language import detect_language

        return detect_language(text).language or "und"
    except Exception as e:  # the detector is not ours to debug here: the text is left alone
        log.debug("grammar: language detection failed: %s", e)
        return "und"


class Deadline(RuntimeError):
    """The run's backend budget is spent, or the backend stopped answering."""


def _make_backend(options: GrammarOptions) -> tuple[Backend | None, str]:
    """The backend to run (None: the product's own rules only) and an error if the
    requested one cannot run."""
    choice = options.backend
    if choice == "none":
        return None, ""
    if choice in ("auto", "languagetool"):
        from .backends.languagetool import LanguageToolBackend
        from .lt_server import languagetool_status

        ok, how = languagetool_status(options.languagetool_url, options.languagetool_home)
        if ok or choice == "languagetool":
            try:
                return LanguageToolBackend(options), ""
            except BackendError as e:
                if choice == "languagetool":
                    return None, str(e)
                log.warning("grammar: LanguageTool unavailable (%s); using the offline backend", e)
        else:
            log.info("grammar: LanguageTool not available (%s); using the offline backend", how)
    try:
        return _offline_backend(options), ""
    except BackendError as e:
        if choice == "offline":
            return None, str(e)
        log.warning("grammar: offline backend unavailable (%s); own rules only", e)
        return None, ""


def _offline_backend(options: GrammarOptions) -> Backend:
    if options.offline_engine == "harper":
        from .backends.harper_backend import HarperBackend

        return HarperBackend(
            options.batch_chars, options.batch_size, options.policy.spelling_capitalised, gate=options.policy
        )
    from .backends.lingotweaker_backend import LingoTweakerBackend

    return LingoTweakerBackend(options.languagetool_language, options.batch_chars, options.batch_size)


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
        self._spent = 0.0  # seconds waited for the backend in this fixer's life
        self._timeouts = 0  # backend calls in a row that ran out of time
        self._hung: str = ""  # why the backend is no longer asked
        self._thread: BackendThread | None = None
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

    def ready(self) -> None:
        """Loads what the backend reads on every check (Harper's trigger words), for a process that will check
        sentences (one warming the cache); what only some sentences need (Harper's dictionary) waits for them."""
        ready = getattr(self._backend, "ready", None)
        if ready is not None:
            try:
                ready()
            except Exception:  # the first check tries again, and says what failed
                log.exception("grammar: preparing the backend failed")

    def warm(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> None:
        """Asks the backend now about the sentences of `texts` it was not asked about yet, so their answers
        are in the cache when the texts are fixed (a crawl does this while it still fetches). Fixes
        nothing, so it costs only the backend's work; never raises."""
        langs = list(languages) if languages is not None else ["en"] * len(texts)
        if self._backend is None:
            return
        try:
            sentences = [s for text, lang in zip(texts, langs) if not self._precheck(text, lang)
                         for _, s in units(text, self.options.min_latin_ratio, self.options.max_sentence_chars)]
            self._backend_answers(sentences)
        except Exception:  # the fix itself asks again
            log.exception("grammar: warming the cache failed")

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown()  # a hung call is abandoned, not awaited
            self._thread = None
        if self._backend is not None:
            self._backend.close()  # a local server is stopped, which also ends a stuck request
            self._backend = None
        self._cache.close()

    @property
    def backend_seconds(self) -> float:
        """Seconds spent waiting for the backend so far (counted against ``run_budget_seconds``)."""
        return self._spent

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
                kind = "deadline" if failed.startswith("deadline") else "backend_failed"
                results[i] = self._unfixed(texts[i], f"error:{kind}: {failed.removeprefix('deadline: ')}")
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
                got = self._timed_check(backend, batch)
            except Deadline as e:
                failures.update({s: f"deadline: {e}" for s in missing[b:]})
                break
            except BackendError as e:
                log.warning("grammar: %s", e)
                failures.update({s: str(e) for s in batch})
                continue
            fresh = dict(zip(batch, got))
            answers.update(fresh)
            self._cache.put_many({keys[s]: v for s, v in fresh.items()})
        return answers, failures

    def _timed_check(self, backend: Backend, batch: list[str]) -> list[list[RawMatch]]:
        """One backend call within the run's budget; raises `Deadline` once it is spent."""
        budget = self.options.run_budget_seconds
        if not self._hung and self.options.hung_note:
            self._hung = _read_note(self.options.hung_note)
        if self._hung:
            raise Deadline(self._hung)
        remaining = None if budget is None else budget - self._spent
        if remaining is not None and remaining <= 0:
            self._hung = f"run budget of {budget:g} s spent"
            log.error("grammar: %s; the remaining texts stay unfixed", self._hung)
            raise Deadline(self._hung)
        limit = remaining  # each request has its own timeout inside the backend
        if self._thread is None:
            self._thread = BackendThread()
        t0 = time.monotonic()
        future = self._thread.submit(backend.check, batch)
        try:
            got = future.result(timeout=limit)
        except FutureTimeout:
            self._spent += time.monotonic() - t0
            self._timeouts += 1
            self._thread.shutdown()  # never wait for the stuck call
            self._thread = None
            # the backend object is busy in the stuck call: it is not asked again in this run
            self._hung = f"run budget of {budget:g} s spent waiting for the backend"
            log.error("grammar: %s", self._hung)
            raise Deadline(self._hung) from None
        except BackendError as e:
            self._spent += time.monotonic() - t0
            if "timed out" in str(e).lower() or "timeout" in str(e).lower():
                self._timeouts += 1
                if self._timeouts >= self.options.max_consecutive_timeouts:
                    self._hung = f"{self._timeouts} backend requests in a row timed out; not asked again in this run"
                    log.error("grammar: %s", self._hung)
                    _write_note(self.options.hung_note, self._hung)
            raise
        self._spent += time.monotonic() - t0
        self._timeouts = 0
        return got

    def _apply(self, text: str, segs: list[tuple[int, str]], answers: dict[str, list[RawMatch]]) -> GrammarResult:
        if self._frozen is None:
            self._frozen = frozenset(self._protected)
        # the word counts are for the spelling gate alone (gated backend matches): counted when one comes
        ctx = Context(text=text, protected=self._frozen)
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
                if m["gated"] and ctx.counts is None:
                    ctx.counts = Counter(map(str.lower, WORD_RE.findall(text)))
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


def _read_note(path: str) -> str:
    """Why another process of this run gave up on the backend ("" while none has)."""
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _write_note(path: str | None, why: str) -> None:
    if not path:
        return
    note = Path(path)
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        part = note.with_name(f"{note.name}.{os.getpid()}.part")
        part.write_text(why, encoding="utf-8")
        part.replace(note)  # whole or absent for a reader
    except OSError as exc:  # the others then find out for themselves, as before
        log.warning("grammar: could not share that the backend hung (%s): %s", path, exc)

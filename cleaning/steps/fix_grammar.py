"""Repairs the grammar of kept bodies in the kept languages; never raises, so no row is lost.

One fixer per process (built on first use); one local LanguageTool per run, started by `open` in the
main process when it is installed and no server URL is set, and shared by every worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cleaning.config import ALL_LANGUAGES, keeps_language
from cleaning.document import Document
from cleaning.steps.base import Step

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GrammarSettings:
    backend: str = "auto"  # auto, languagetool, offline, none (the product's own rules only)
    languagetool_url: str | None = None
    languagetool_username: str | None = field(default=None, repr=False)
    languagetool_api_key: str | None = field(default=None, repr=False)
    languagetool_heap_mb: int = 512  # the local server's Java heap (0: Java's default)
    keep_languages: frozenset[str] = frozenset({"en"})
    cache_dir: str | None = None  # a SQLite cache of backend answers, shared by the workers
    request_timeout: float = 30.0  # seconds per backend request
    run_budget_seconds: float | None = 3600.0  # seconds of waiting for the backend per process, then unfixed rows


def grammar_error(step_stats: dict[str, int]) -> str:
    """The most frequent backend failure among a run's grammar counts ("" if none): what the run's problem
    line names, instead of leaving the reader to find it in the log."""
    errors = {key.removeprefix("error/"): n for key, n in step_stats.items() if key.startswith("error/") and n}
    return max(errors, key=lambda k: (errors[k], k)) if errors else ""


def _local_languagetool() -> tuple[bool, str]:
    """(whether a local LanguageTool is installed and can run, how or why not)."""
    from cleaning.grammar import languagetool_status

    return languagetool_status(None)


_STARTED = time.time_ns()  # with the process id, names this process's run (FixGrammar._hung_note)
_INHERITED: list[Any] = []  # fixers a forked process inherited (FixGrammar.after_fork)


class FixGrammar(Step):
    name = "grammar"
    parallel = True

    def __init__(self, settings: GrammarSettings, vocabulary: Path | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.vocabulary = vocabulary  # written by CollectSiteVocabulary: words never "corrected"
        self._fixer: Any = None
        self._server: contextlib.ExitStack | None = None  # the local LanguageTool this run started
        # Where this run's processes say the backend hung (GrammarOptions.hung_note): named for the process that
        # builds the steps, the crawl's or `python -m cleaning`'s, so that a later attempt (a resume) asks afresh.
        self._hung_note = f"backend-hung.{os.getpid()}.{_STARTED}"

    def __getstate__(self) -> dict[str, Any]:
        # Worker processes get the settings (with the server URL `open` set), never the live objects.
        return {**self.__dict__, "_fixer": None, "_server": None}

    def open(self) -> None:
        if self.settings.cache_dir:
            from cleaning.grammar.cache import SentenceCache

            SentenceCache(self.settings.cache_dir).close()  # created once, before workers open it together
        if self.settings.backend in ("auto", "languagetool") and not self.settings.languagetool_url:
            self._start_languagetool()
        elif self.settings.backend == "auto" and self.settings.languagetool_url:
            self._probe_configured_server()

    def can_warm_elsewhere(self) -> bool:
        """Whether other processes (a crawl's helpers) can warm this run's grammar cache before `open`: the backend
        runs in the asking process (offline) or is a LanguageTool at a URL; not a local LanguageTool, which `open`
        starts once for the run. `auto` resolves as the run will: the local LanguageTool when installed, else
        offline (a fresh install's default)."""
        backend, url = self.settings.backend, self.settings.languagetool_url
        if backend == "none":
            return False
        if url or backend == "offline":
            return True
        return backend == "auto" and not _local_languagetool()[0]

    def _start_languagetool(self) -> None:
        from cleaning.grammar import local_languagetool_server

        available, how = _local_languagetool()
        if not available:
            return
        logger.info("starting one local LanguageTool for this run (%s)", how)
        stack = contextlib.ExitStack()
        try:
            url = stack.enter_context(local_languagetool_server(heap_mb=self.settings.languagetool_heap_mb))
        except Exception as exc:  # the fixer falls back, and every row says which backend ran
            logger.error("local LanguageTool did not start: %s", exc)
            stack.close()
            return
        self._server = stack
        self.settings = replace(self.settings, languagetool_url=url)

    def _probe_configured_server(self) -> None:
        """Under `auto`, a configured LanguageTool URL that does not answer is found out once, here, and the
        run's workers are handed the offline backend: each of them would otherwise wait out the request
        timeout again before falling back (a server that accepts and never answers cost twice the timeout)."""
        from cleaning.grammar.backends.base import BackendError
        from cleaning.grammar.backends.languagetool import LanguageToolBackend
        from cleaning.redact import scrub, strip_credentials

        try:
            LanguageToolBackend(self._options()).close()
        except BackendError as exc:
            logger.warning("grammar: the LanguageTool at %s failed its first check (%s); the offline backend fixes "
                           "this run's articles (HEALTH_GRAMMAR_BACKEND=auto)",
                           strip_credentials(self.settings.languagetool_url or ""), scrub(str(exc)))
            self.settings = replace(self.settings, backend="offline")

    def _options(self) -> Any:
        from cleaning.grammar import GrammarOptions

        kept = self.settings.keep_languages
        return GrammarOptions(
            backend=self.settings.backend, languagetool_url=self.settings.languagetool_url,
            languagetool_username=self.settings.languagetool_username,
            languagetool_api_key=self.settings.languagetool_api_key,
            languagetool_start_local=False,  # `open` started the run's one server, if any
            languages=frozenset({"en"}) if ALL_LANGUAGES in kept else kept,
            cache_dir=self.settings.cache_dir, request_timeout=self.settings.request_timeout,
            run_budget_seconds=self.settings.run_budget_seconds, hung_note=self._hung_note_path())

    def _hung_note_path(self) -> str | None:
        return str(Path(self.settings.cache_dir) / self._hung_note) if self.settings.cache_dir else None

    def commit(self) -> None:
        # Every document went through: no process of this run asks the backend again.
        if (note := self._hung_note_path()) is not None:
            Path(note).unlink(missing_ok=True)

    def _fixer_for_this_process(self) -> Any:
        if self._fixer is None:
            from cleaning.grammar import GrammarFixer

            self._fixer = GrammarFixer(self._options())
            if self.vocabulary is not None and self.vocabulary.is_file():
                self._fixer.protect(self.vocabulary.read_text(encoding="utf-8").split())
        return self._fixer

    def process(self, doc: Document) -> Document | None:
        if not keeps_language(self.settings.keep_languages, doc.language):
            doc.grammar_status, doc.grammar_backend = f"skipped:language={doc.language}", ""
            self.stats["skipped_language"] += 1
            return doc
        result = self._fixer_for_this_process().fix(doc.body_original, language=doc.language)
        doc.body = result.text
        doc.grammar_edits = list(result.edits)
        doc.grammar_backend = result.backend
        doc.grammar_status = result.status
        self.stats[f"status/{result.status.split(':')[0]}"] += 1
        if result.status.startswith("error:"):  # which failure, for the run's problem line (grammar_error)
            self.stats[f"error/{result.status.removeprefix('error:')[:300]}"] += 1
        self.stats[f"backend/{result.backend}"] += 1
        self.stats["edits"] += len(result.edits)
        for edit in result.edits:
            self.stats[f"category/{edit.category}"] += 1
        return doc

    def ready(self) -> None:
        self._fixer_for_this_process().ready()

    def after_fork(self) -> None:
        """In a process forked from one that used this step: the next call builds a fixer of its own (its backend's
        loaded data, Harper's dictionary, is inherited). The inherited fixer is kept, never used or closed: its
        SQLite connection and its request thread belong to the parent."""
        if self._fixer is not None:
            _INHERITED.append(self._fixer)
            self._fixer = None

    def warm(self, doc: Document) -> None:
        """Asks the backend about the body's sentences now, so its answers are cached when `process` runs
        (while a crawl still fetches); changes nothing in the document."""
        if keeps_language(self.settings.keep_languages, doc.language):
            self._fixer_for_this_process().warm([doc.body_original], [doc.language])

    def close(self) -> None:
        if self._fixer is not None:
            self._fixer.close()
            self._fixer = None
        if self._server is not None:
            self._server.close()
            self._server = None

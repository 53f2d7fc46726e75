"""The cleaning chain, composed in the order of the data flow.

    pages of a run ──> extract ──> repeated paragraphs ──> language      (pass 1, per page, parallel)
                   ──> dedup against the run and earlier runs              (pass 2, signatures only)
                   ──> grammar (kept articles only) ──> rows              (pass 3, per document, parallel)
                   ──> staged Parquet files ──> commit (rename into place, save dedup state)

`scrapy crawl health` calls `clean_run` for its own run when it ends;
`python -m cleaning run` calls it for any stored run, offline, with the same result.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections import Counter
from datetime import datetime, timezone
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cleaning.datasets import PartitionedWriter, dataset_files, ensure_writable, read_rows, remove_run_files
from cleaning.document import Document, Page
from cleaning.manifest import RunManifestFile, now_utc
from cleaning.parallel import ordered_map
from cleaning.progress import ProgressLog
from cleaning.schemas import DERIVED, PARTITION
from cleaning.state import load_dedup_state, save_dedup_state

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanOptions:
    keep_languages: frozenset[str] = frozenset({"en"})
    grammar_backend: str = "auto"  # auto, languagetool, offline, none
    languagetool_url: str | None = None
    # A hosted LanguageTool's credentials, passed in by the entry point (never logged or shown)
    languagetool_username: str | None = field(default=None, repr=False)
    languagetool_api_key: str | None = field(default=None, repr=False)
    dedup_threshold: float = 0.8
    min_words: int = 40
    workers: int = 1
    recurring_min_docs: int = 3  # a word in this many bodies is site vocabulary, never "corrected"
    grammar_cache_dir: str | None = None  # default: OUTPUT_DIR/_state/grammar-cache

    @classmethod
    def from_settings(cls, settings: Any) -> "CleanOptions":
        keep = settings.get("HEALTH_KEEP_LANGUAGES", "en")
        if isinstance(keep, str):
            keep = [k.strip() for k in keep.split(",") if k.strip()]
        return cls(
            keep_languages=frozenset(keep),
            grammar_backend=settings.get("HEALTH_GRAMMAR_BACKEND", "auto"),
            languagetool_url=settings.get("HEALTH_LANGUAGETOOL_URL") or os.environ.get("HEALTH_LANGUAGETOOL_URL"),
            languagetool_username=os.environ.get("HEALTH_LANGUAGETOOL_USERNAME") or None,
            languagetool_api_key=os.environ.get("HEALTH_LANGUAGETOOL_API_KEY") or None,
            dedup_threshold=float(settings.get("HEALTH_DEDUP_THRESHOLD", 0.8)),
            min_words=int(settings.get("HEALTH_MIN_WORDS", 40)),
            workers=int(settings.get("HEALTH_CLEAN_WORKERS", 1)),
        )


@dataclass
class CleanReport:
    run_id: str
    counts: Counter[str] = field(default_factory=Counter)
    dropped_reasons: Counter[str] = field(default_factory=Counter)
    steps: dict[str, Counter[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    grammar_backend: str = ""
    seconds: float = 0.0

    def merge_step_stats(self, stats: dict[str, Counter[str]]) -> None:
        for name, counter in stats.items():
            self.steps.setdefault(name, Counter()).update(counter)

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it rebuilds a Counter from (key, value) pairs, counting the pairs.
        return {"run_id": self.run_id, "counts": dict(self.counts), "dropped_reasons": dict(self.dropped_reasons),
                "steps": {k: dict(v) for k, v in self.steps.items()}, "files": list(self.files),
                "grammar_backend": self.grammar_backend, "seconds": self.seconds}


# --- per-process workers ------------------------------------------------------

class _Worker:
    """The per-document steps of one process; built once per process, used for many documents."""

    def __init__(self, options: CleanOptions, protected: frozenset[str] = frozenset(), grammar: bool = False) -> None:
        from cleaning.steps.extract import ExtractStep
        from cleaning.steps.language import LanguageStep
        from cleaning.steps.paragraphs import RepeatedParagraphStep

        self.prepare_steps = [ExtractStep(options.min_words), RepeatedParagraphStep(), LanguageStep()]
        self.grammar_step = None
        if grammar:
            from cleaning.grammar import GrammarFixer, GrammarOptions
            from cleaning.steps.grammar import GrammarStep

            # Workers never start LanguageTool themselves: clean_run starts one server per run.
            self.fixer = GrammarFixer(GrammarOptions(backend=options.grammar_backend,
                                                     languagetool_url=options.languagetool_url,
                                                     languagetool_username=options.languagetool_username,
                                                     languagetool_api_key=options.languagetool_api_key,
                                                     languagetool_start_local=False,
                                                     languages=options.keep_languages,
                                                     cache_dir=options.grammar_cache_dir))
            self.fixer.protect(protected)
            self.grammar_step = GrammarStep(self.fixer, options.keep_languages)

    def close(self) -> None:
        if self.grammar_step is not None:
            self.fixer.close()

    @staticmethod
    def _take_stats(steps: Iterable[Any]) -> dict[str, Counter[str]]:
        out = {}
        for step in steps:
            out[step.name], step.stats = step.stats, Counter()
        return out

    def prepare(self, page: Page) -> tuple[Document, dict[str, Counter[str]]]:
        doc = Document(page=page)
        for step in self.prepare_steps:
            if step(doc) is None:  # the step recorded why in doc.dropped
                break
        return doc, self._take_stats(self.prepare_steps)

    def fix(self, doc: Document) -> tuple[Document, dict[str, Counter[str]]]:
        assert self.grammar_step is not None
        self.grammar_step(doc)
        return doc, self._take_stats([self.grammar_step])


_WORKER: _Worker | None = None  # one per worker process, set by _init_worker


def _init_worker(options: CleanOptions, protected: frozenset[str], grammar: bool) -> None:
    global _WORKER
    _WORKER = _Worker(options, protected, grammar)


def _close_worker() -> None:
    global _WORKER
    if _WORKER is not None:
        _WORKER.close()
        _WORKER = None


def _prepare(page: Page) -> tuple[Document, dict[str, Counter[str]]]:
    assert _WORKER is not None
    return _WORKER.prepare(page)


def _fix(doc: Document) -> tuple[Document, dict[str, Counter[str]]]:
    assert _WORKER is not None
    return _WORKER.fix(doc)


# --- the run -------------------------------------------------------------------

def page_choice(root: Path, run_id: str) -> dict[str, tuple[bool, Any]]:
    """url -> (succeeded, fetched_at) of the fetch `iter_pages` yields for it."""
    best: dict[str, tuple[bool, Any]] = {}
    for row in read_rows(root, "pages", columns=["url", "status", "fetched_at"], run_id=run_id, batch_size=10000):
        key = (row["status"] == 200, row["fetched_at"])
        if row["url"] not in best or key > best[row["url"]]:
            best[row["url"]] = key
    return best


def iter_pages(root: Path, run_id: str, best: dict[str, tuple[bool, Any]] | None = None) -> Iterator[Page]:
    """The run's stored pages, one per URL: its newest successful fetch, else its newest fetch.

    A resumed crawl can store a URL twice (a 500 before the kill, a 200 after); the file order
    says nothing about which came last, so a first pass over three small columns picks the row.
    """
    best = dict(best) if best is not None else page_choice(root, run_id)
    for row in read_rows(root, "pages", run_id=run_id, batch_size=200):
        if best.get(row["url"]) != (row["status"] == 200, row["fetched_at"]):
            continue
        del best[row["url"]]  # an identical duplicate row is yielded once
        yield Page(url=row["url"], status=row["status"], fetched_at=row["fetched_at"], html=row["html"] or "",
                   site=row["site"] or "", run_id=row["run_id"], content_type=row["content_type"],
                   etag=row["etag"], last_modified=row["last_modified"], kind=row["kind"] or "unknown")


def clean_run(root: Path, run_id: str, options: CleanOptions | None = None, mapper: Any = None) -> CleanReport:
    """Cleans one run's pages into the derived datasets; re-running it replaces its rows.

    `mapper` (default `cleaning.parallel.ordered_map`, same signature) runs passes 1 and 3, e.g. on a
    Dask cluster (examples/dask_clean.py); the result does not depend on it.
    """
    from cleaning.dedup.deduplicator import DedupOptions, DedupRecord, Deduplicator
    from cleaning.dedup.text import content_hash
    from cleaning.dedup.urls import canonicalize_url
    from cleaning.grammar import CorpusVocabulary
    from cleaning.spool import Spool

    root = Path(root)
    options = options or CleanOptions()
    if options.grammar_cache_dir is None:
        options = replace(options, grammar_cache_dir=str(root / "_state" / "grammar-cache"))
    ensure_writable(root)
    started = time.monotonic()
    report = CleanReport(run_id)
    manifest = RunManifestFile.open(root, run_id)
    manifest.update(cleaning={"status": "running", "started_at": now_utc()})
    stage = root / "_staging" / run_id
    shutil.rmtree(stage, ignore_errors=True)
    spool = Spool(stage / "documents.spool")

    # Pass 1: pages -> documents (extraction, repeated paragraphs, language).
    worker_args = (options, frozenset(), False)
    choice = page_choice(root, run_id)
    progress = ProgressLog(f"cleaning {run_id}: pages extracted", total=len(choice), unit="pages")
    for doc, stats in (mapper or ordered_map)(_prepare, iter_pages(root, run_id, choice), options.workers,
                                              _init_worker, worker_args):
        progress.tick()
        report.merge_step_stats(stats)
        report.counts["pages"] += 1
        if doc.dropped:
            report.dropped_reasons[doc.dropped] += 1
            continue
        doc.page.html = ""  # the spool carries what later passes need, not the raw page
        doc.content_hash = content_hash(doc.body_original)
        spool.append(doc)
    spool.close()

    # Pass 2: dedup decisions against this run and earlier runs (signatures and hashes only).
    # Versions and duplicates are decided against the runs before this one, never later ones.
    runs = stored_runs(root)
    earlier = set(runs[: runs.index(run_id)]) if run_id in runs else set()
    state = load_dedup_state(root, include_runs=earlier)
    dedup = Deduplicator(DedupOptions(threshold=options.dedup_threshold), state)
    # url is the URL `articles` will hold, so a state rebuilt from `articles` equals the saved one.
    records = (DedupRecord(doc_id=str(i), article_id=d.article_id, url=d.canonical_url,
                           is_canonical=canonicalize_url(d.page.url) == d.canonical_url,
                           published_date=d.extraction.published_date, text=d.body_original)
               for i, d in enumerate(spool))
    decisions = {d.doc_id: d for d in dedup.decide(records)}

    # Site vocabulary: words recurring across kept bodies are protected from spelling "fixes".
    vocabulary = CorpusVocabulary()
    for i, doc in enumerate(spool):
        if decisions[str(i)].action in ("keep", "new_version"):
            vocabulary.add(doc.body_original)
    protected = frozenset(vocabulary.recurring(min_docs=options.recurring_min_docs))

    # Pass 3: grammar for kept articles, then rows to staged files.
    writers = {name: PartitionedWriter(stage / "out", name, run_id, tag="clean") for name in DERIVED}
    kept = _kept_docs(spool, decisions, writers, report, run_id)
    with contextlib.ExitStack() as stack:
        options = _with_languagetool(options, stack)
        _prepare_grammar_cache(options)
        fixed = (mapper or ordered_map)(_fix, kept, options.workers, _init_worker, (options, protected, True))
        stack.callback(_close_worker)  # the in-process worker of a one-process run
        kept_total = sum(d.action in ("keep", "new_version") for d in decisions.values())
        _write_rows(fixed, writers, report, run_id,
                    ProgressLog(f"cleaning {run_id}: articles fixed and written", total=kept_total, unit="articles"))
    for name, writer in writers.items():
        writer.flush()
        if not writer.files and not dataset_files(root, name):
            # A first run with no rows of this kind: an empty typed file, so loading the dataset works.
            writer.write_empty(datetime.now(timezone.utc).date().isoformat())

    # Commit: replace this run's rows, then record the dedup state that includes them.
    report.files = _commit(root, stage / "out", run_id)
    dedup.commit()
    save_dedup_state(root, state, runs=earlier | {run_id})
    shutil.rmtree(stage, ignore_errors=True)
    try:
        stage.parent.rmdir()  # _staging/ itself, once no run is being cleaned
    except OSError:
        pass
    report.counts["dropped"] = sum(report.dropped_reasons.values())
    report.seconds = round(time.monotonic() - started, 3)
    manifest.update(cleaning={"status": "committed", "finished_at": now_utc(), **report.to_dict()})
    logger.info("cleaned run %s: %s; dropped %s", run_id, dict(report.counts), dict(report.dropped_reasons))
    return report


def _prepare_grammar_cache(options: CleanOptions) -> None:
    """Creates the shared grammar cache once, before several workers open it at the same moment."""
    if options.grammar_cache_dir and options.grammar_backend != "none":
        from cleaning.grammar.cache import SentenceCache

        SentenceCache(options.grammar_cache_dir).close()


def _with_languagetool(options: CleanOptions, stack: contextlib.ExitStack) -> CleanOptions:
    """Starts one local LanguageTool for the run when it is installed and wanted, and no URL is set."""
    if options.grammar_backend not in ("auto", "languagetool") or options.languagetool_url:
        return options
    from cleaning.grammar import languagetool_status, local_languagetool_server

    available, how = languagetool_status(None)
    if not available:
        return options
    logger.info("starting one local LanguageTool for this run (%s)", how)
    try:
        url = stack.enter_context(local_languagetool_server())
    except Exception as exc:  # the fixer falls back, and every row says which backend ran
        logger.error("local LanguageTool did not start: %s", exc)
        return options
    return replace(options, languagetool_url=url)


def _write_rows(docs: Iterable[tuple[Document, dict[str, Counter[str]]]], writers: dict[str, PartitionedWriter],
                report: CleanReport, run_id: str, progress: ProgressLog) -> None:
    from cleaning.rows import article_row, grammar_edit_rows, hot_pick_rows

    for doc, stats in docs:
        progress.tick()
        report.merge_step_stats(stats)
        partition = doc.page.fetched_at.date().isoformat()
        writers["articles"].write(article_row(doc, run_id), partition)
        for row in hot_pick_rows(doc, run_id):
            writers["hot_picks"].write(row, partition)
        for row in grammar_edit_rows(doc, run_id):
            writers["grammar_edits"].write(row, partition)
        report.counts["articles"] += 1
        report.counts["hot_picks"] += len(doc.extraction.hot_picks)
        report.counts["grammar_edits"] += len(doc.grammar_edits)
        if doc.grammar_backend:
            report.grammar_backend = doc.grammar_backend


def _kept_docs(spool: Iterable[Document], decisions: dict[str, Any], writers: dict[str, PartitionedWriter],
               report: CleanReport, run_id: str) -> Iterator[Document]:
    """Applies dedup decisions: duplicates become rows, unchanged articles vanish, the rest go on."""
    from cleaning.rows import duplicate_row

    for i, doc in enumerate(spool):
        decision = decisions[str(i)]
        if decision.action == "unchanged":
            report.counts["unchanged"] += 1
            continue
        if decision.action == "duplicate":
            doc.duplicate_of, doc.duplicate_kind = decision.duplicate_of, decision.kind
            doc.similarity = decision.similarity
            writers["duplicates"].write(duplicate_row(doc, run_id), doc.page.fetched_at.date().isoformat())
            report.counts["duplicates"] += 1
            report.counts[f"duplicates_{decision.kind}"] += 1
            continue
        doc.version = decision.version
        if decision.action == "new_version":
            report.counts["new_versions"] += 1
        yield doc


def _commit(root: Path, staged: Path, run_id: str) -> list[str]:
    remove_run_files(root, DERIVED, run_id)
    files = []
    for name in DERIVED:
        for src in sorted((staged / name).glob(f"{PARTITION}=*/part-*.parquet")):
            dest = root / name / src.parent.name / src.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
            files.append(str(dest.relative_to(root)))
    return files


def stored_runs(root: Path) -> list[str]:
    """Run ids that have pages, oldest first (by their first fetch, whatever the ids look like)."""
    first: dict[str, Any] = {}
    for row in read_rows(root, "pages", columns=["run_id", "fetched_at"], batch_size=10000):
        if row["run_id"] not in first or row["fetched_at"] < first[row["run_id"]]:
            first[row["run_id"]] = row["fetched_at"]
    return sorted(first, key=lambda r: (first[r], r))


def clean_from(root: Path, run_id: str, options: CleanOptions | None = None, **kwargs: Any) -> list[CleanReport]:
    """Cleans `run_id` and then every later run, in order.

    A later run's versions and duplicates were decided against this run's rows, so re-cleaning this
    run alone could leave them inconsistent (an old text numbered as the newest version).
    """
    runs = stored_runs(Path(root))
    if run_id not in runs:
        raise ValueError(f"no pages of run {run_id!r} under {root}; stored runs: {', '.join(runs[-5:]) or 'none'}")
    return [clean_run(root, r, options, **kwargs) for r in runs[runs.index(run_id):]]


def rebuild_all(root: Path, options: CleanOptions | None = None) -> list[CleanReport]:
    """Rebuilds every derived dataset from `pages/`, run by run, oldest first."""
    from cleaning.state import remove_dedup_state

    root = Path(root)
    runs = stored_runs(root)
    for run_id in runs:
        remove_run_files(root, DERIVED, run_id)
    remove_dedup_state(root)
    return [clean_run(root, run_id, options) for run_id in runs]

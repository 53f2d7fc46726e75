"""The end of a run: one path for a single-machine crawl and for the last worker of a distributed one.

    end_run(crawler, run_id, reason, totals)
      1. clean_pages   the cleaning chain over the run's pages (cleaning.runner.clean_from), or why not
      2. judge         succeeded / partial / failed / interrupted, and the problems (crawler/run_verdict.py)
      3. the run manifest OUTPUT_DIR/_runs/RUN_ID.json finished, the JOBDIR run id retired once the
         run succeeded, the HTML report and the runs index rendered, the problems logged
      4. the summary line, the last thing the crawl prints (`say_last`: when the engine stops)

`crawler.extensions.RunManifest` calls it when a single-machine crawl closes, with the crawl's own
stats; `crawler.distributed.coordinator.Coordinator` calls it in the last worker to leave a
distributed run, with the totals of every worker's manifest.
"""

from __future__ import annotations

import contextlib
import logging
from pprint import pformat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from cleaning.redact import redact_settings, strip_credentials
from cleaning.storage.manifests import RunManifestFile, jsonable
from crawler.config import setting
from crawler.failures import internal_errors
from crawler.interrupts import STATS_KEY, Interrupts
from crawler.runs import retire_run_id
from crawler.run_verdict import (CLEANING_REASONS, HANDLED_WITHOUT_STORING, completion, cut_short, grammar_fallback,
                                 judge, left_queued, mostly_failed, stopped_by, unreachable_start)

logger = logging.getLogger(__name__)




@dataclass
class RunTotals:
    """What a run did: one crawl's stats, or the sums over the workers of a distributed run."""

    crawl_stats: dict[str, Any]
    failed_urls: dict[str, str]
    pages_stored: int
    output_errors: list[str] = field(default_factory=list)
    pages_missing: str = ""  # why OUTPUT_DIR lacks some of the run's pages (workers without shared storage)
    workers: int | None = None  # a distributed run: how many workers took part

    @classmethod
    def of_crawl(cls, stats: StatsCollector, failed_urls: dict[str, str]) -> "RunTotals":
        crawl_stats = stats_snapshot(stats)
        error = crawl_stats.get("health/output_error")
        # A resumed run counts the pages its killed attempts stored (answered from disk this time): a resume
        # after every page was stored (a kill while cleaning) stores nothing new and still did its work.
        stored = int(crawl_stats.get("health/pages/stored") or 0) + int(crawl_stats.get("health/resume/pages_replayed") or 0)
        return cls(crawl_stats, dict(failed_urls), stored, [str(error)] if error else [])


def stats_snapshot(stats: StatsCollector) -> dict[str, Any]:
    """The crawl stats as JSON can hold them."""
    return {k: jsonable(v) for k, v in stats.get_stats().items()}


def run_fields(crawler: Crawler, spider: Spider) -> dict[str, Any]:
    """What a run manifest says about the crawl itself (secrets redacted)."""
    return {
        "kind": "crawl",
        "spider": spider.name,
        "site": getattr(spider, "site", ""),
        "start_urls": [strip_credentials(u) for u in spider.profile.start_urls] if hasattr(spider, "profile") else [],
        "scrapyd_job": getattr(spider, "scrapyd_job", None),
        "profile": profile_fields(spider),
        "settings": redact_settings(crawler.settings.copy_to_dict()),
    }


def profile_fields(spider: Spider) -> dict[str, str] | None:
    """Which site profile the crawl used (None for a generic crawl): its name, the sha256 of its TOML and
    where the crawl saved it, so the run can be re-cleaned with exactly that profile."""
    from cleaning.profiles import saved_name

    target = getattr(spider, "target", None)
    profile = getattr(spider, "profile", None)
    if profile is None or target is None or target.generic:
        return None
    return {"name": profile.name, "hash": profile.content_hash,
            "saved": saved_name(profile.name, profile.content_hash)}


def clean_pages(crawler: Crawler, run_id: str, reason: str, pages_missing: str = "", pages_stored: int | None = None) -> Any:
    """Cleans the run's pages if the crawl ended in a way worth cleaning; the CleanReport, or None.

    `health/clean/status` in the stats says what happened: ok, skipped (why), failed (the error), or
    interrupted (a shutdown signal while cleaning: nothing of it committed, crawler/interrupts.py).
    A skipped, failed or interrupted run keeps its pages: resuming the crawl, or `python -m cleaning run
    --run-id RUN_ID`, cleans them later.
    """
    from cleaning.runner import CleanOptions, clean_from
    from cleaning.storage.datasets import dataset_files
    from cleaning.workers import ProcessMapper

    settings, stats = crawler.settings, crawler.stats
    root = Path(setting(settings, "OUTPUT_DIR"))
    reclean = f"`python -m cleaning run --output-dir {root} --run-id {run_id}`"
    interrupts = Interrupts.of(crawler)
    if interrupts is not None and interrupts.forced:
        how = "a second signal" if len(interrupts.received) > 1 else "a signal while the crawl's end waited"
        stats.set_value("health/clean/status", f"skipped: the crawl was stopped by force ({how})")
        logger.warning("run %s: cleaning skipped (stopped by force); its pages are stored: %s", run_id,
                       completion(stats.get_stats()))
        return None
    if not setting(settings, "HEALTH_CLEAN_ON_CLOSE"):
        stats.set_value("health/clean/status", "skipped: HEALTH_CLEAN_ON_CLOSE is off")
        logger.info("run %s: pages stored, not cleaned (HEALTH_CLEAN_ON_CLOSE is off): %s cleans them", run_id, reclean)
        return None
    complete = reason in CLEANING_REASONS
    if not complete or pages_missing:
        why, hint = ((f"the crawl ended with {reason}",
                      f"resume the crawl, or run {reclean}") if not complete else
                     (pages_missing, "merge step: gather every worker's pages/ under one OUTPUT_DIR, then "
                                     f"`python -m cleaning run --output-dir DIR --run-id {run_id}`"))
        stats.set_value("health/clean/status", f"skipped: {why}")
        logger.warning("run %s: cleaning skipped (%s); its pages are stored: %s", run_id, why, hint)
        return None
    if pages_stored is None:
        pages_stored = int(stats.get_value("health/pages/stored", 0))
    if not pages_stored and not dataset_files(root, "pages", run_id):
        # Nothing was stored (a dead server, every request refused): the run fails for that, said once.
        stats.set_value("health/clean/status", "skipped: no page of this run was stored")
        logger.warning("run %s: nothing to clean: no page of this run was stored", run_id)
        return None
    try:
        # A signal now stops the cleaning at once: the busy reactor would only see it once cleaning is over.
        with interrupts.stop_at_once() if interrupts is not None else contextlib.nullcontext():
            if interrupts is not None and interrupts.forced:
                raise KeyboardInterrupt  # the second signal came just before: stop as if it came now
            if reason == "shutdown":
                logger.warning("run %s: the crawl was stopped; cleaning the pages fetched so far (send the signal "
                               "again to stop at once, without cleaning)", run_id)
            # Later runs (a resumed old run finishing after newer ones) are re-cleaned after it.
            options = CleanOptions.from_settings(settings)
            # The crawl's preparing helpers, warm, take documents of the later per-document passes; 16 in flight
            # each, as they answer at once, while this process also writes the rows of every document.
            mapper = ProcessMapper(options.workers, per_helper=16, lender=_helpers(crawler))
            report = clean_from(root, run_id, options, mapper=mapper)[0]
    except KeyboardInterrupt:  # the runner committed nothing of this run and said so in the manifest
        stats.set_value("health/clean/status", "interrupted")
        logger.error("run %s: cleaning interrupted by a signal: nothing of it was committed; its pages are stored: "
                     "%s", run_id, completion(stats.get_stats()))
        return None
    except Exception as exc:  # recorded as a failed run; pages stay stored for a later re-clean
        logger.exception("cleaning failed for run %s", run_id)
        stats.set_value("health/clean/status", f"failed: {type(exc).__name__}: {exc}")
        return None
    stats.set_value("health/clean/status", "ok")
    for key, value in report.counts.items():
        stats.set_value(f"health/clean/{key}", value)
    return report


def _helpers(crawler: Crawler) -> Any:
    """The crawl's preparing helpers, standing by warm for the cleaning's later passes (crawler/prepare.py)."""
    from crawler.prepare import PrepareWhileCrawling

    extension = crawler.get_extension(PrepareWhileCrawling)
    return extension.helpers() if extension is not None else None


def summary_line(run_id: str, status: str, totals: RunTotals, crawl_stats: dict[str, Any], report: Any,
                 manifest: Path, reason: str = "") -> str:
    workers = f"{totals.workers} workers, " if totals.workers is not None else ""
    if reason == "shutdown":  # why it stopped, up front: the problem lines follow only at ERROR level
        received = str(crawl_stats.get(STATS_KEY) or "").split()
        queued = crawl_stats.get("health/queued_at_close")
        workers = (f"stopped by {' then '.join(received) if received else 'a stop request'}"
                   f"{f' with {queued} requests left' if queued is not None else ''}, ") + workers
    dropped = dict(report.dropped_reasons) if report is not None else {}
    return (f"run {run_id} {status}: {workers}{crawl_stats.get('downloader/response_count', 0)} responses, "
            f"{totals.pages_stored} pages stored, "  # a resumed run's earlier attempts included
            f"{crawl_stats.get('health/clean/articles', 0)} articles written, "
            f"{crawl_stats.get('health/clean/duplicates', 0)} duplicates, "
            f"{crawl_stats.get('health/clean/dropped', 0)} pages dropped {dropped}, "
            f"{len(totals.failed_urls)} failed URLs; manifest {manifest}")


def say_last(crawler: Crawler, level: int, line: str) -> None:
    """Logs `line` as the last thing a crawl prints: when its engine stops, after Scrapy's own closing
    lines (a crawler that is not crawling, as in tests, logs it at once)."""
    if not crawler.crawling:
        logger.log(level, line)
        return

    def said(**_: Any) -> None:
        logger.log(level, line)

    crawler.signals.connect(said, signal=signals.engine_stopped, weak=False)


def end_run(crawler: Crawler, run_id: str, reason: str, totals: RunTotals) -> str:
    """Cleans, judges and records the run (see the module docstring); returns its status."""
    settings, stats = crawler.settings, crawler.stats
    root = Path(setting(settings, "OUTPUT_DIR"))
    report = clean_pages(crawler, run_id, reason, totals.pages_missing, totals.pages_stored)
    clean_status = str(stats.get_value("health/clean/status", ""))
    if clean_status == "ok":
        from crawler.feeds import export_articles

        try:
            export_articles(crawler, run_id)
        except Exception as exc:  # the datasets are committed; a feed is a copy of them
            logger.exception("run %s: articles could not be handed to the feeds", run_id)
            totals.output_errors.append(f"feed export: {type(exc).__name__}: {exc}")
    crawl_stats = {**totals.crawl_stats,
                   # what cleaning did, and a signal that came while it ran
                   **{k: v for k, v in stats_snapshot(stats).items() if k.startswith("health/clean/") or k == STATS_KEY}}
    interrupts = Interrupts.of(crawler)
    from cleaning.steps.fix_grammar import grammar_error

    partial = cut_short(reason, crawl_stats, grammar_error(report.steps.get("grammar", {})) if report else "")
    if (failing := mostly_failed(totals.pages_stored, totals.failed_urls)) is not None:
        partial.append(failing)
    status, problems = judge(reason, totals.pages_stored, totals.output_errors, clean_status,
                             partial, internal_errors(crawl_stats),
                             # a signal after the commit changes nothing of what was written
                             forced=interrupts is not None and interrupts.forced and clean_status != "ok",
                             unreachable=unreachable_start(getattr(crawler, "spider", None), totals.failed_urls),
                             unchanged=sum(int(crawl_stats.get(key) or 0) for key in HANDLED_WITHOUT_STORING))
    stats.set_value("health/run_status", status)
    # Opened now: cleaning recorded its own section ("cleaning": status, counts, files) meanwhile.
    manifest = RunManifestFile.open(root, run_id)
    manifest.data.setdefault("cleaning", {"status": clean_status})
    try:
        manifest.finish(status=status, problems=problems, close_reason=reason, crawl_stats=crawl_stats,
                        failed_urls=totals.failed_urls)
    except OSError as exc:  # a full or vanished disk: the manifest keeps `running`, so the run stays resumable
        status = "failed"
        stats.set_value("health/run_status", status)
        problems = [*problems, f"output error: the run manifest could not be written: {exc} (the next crawl or "
                               "cleaning of this OUTPUT_DIR marks the run crashed; free space, then run the same "
                               "command again)"]
    if status == "succeeded":
        retire_run_id(settings.get("JOBDIR"), run_id)
    logger.debug("run %s: crawl stats (also in the manifest's crawl_stats): %s", run_id, pformat(crawl_stats))
    try:
        from cleaning.report import render_all

        logger.info("run %s: report %s (all runs: %s)", run_id, *render_all(root, run_id))
    except Exception as exc:  # a report is a convenience; never fail a finished run over it
        logger.error("run %s: could not render the report: %s", run_id, exc)
    for problem in problems:
        logger.error("run %s: %s", run_id, problem)
    if (fallback := grammar_fallback(settings, report)) is not None:
        logger.warning("run %s: %s", run_id, fallback)
    say_last(crawler, logging.INFO if status == "succeeded" else logging.ERROR,
             summary_line(run_id, status, totals, crawl_stats, report, manifest.path, reason))
    return status


def end_forced_stop(crawler: Crawler, run_id: str, totals: RunTotals) -> None:
    """Records a run whose crawl a second signal stopped before it could close (Scrapy stopped the reactor:
    the run's end never ran): `interrupted`, nothing cleaned, its stored pages kept for the resume."""
    from crawler.budgets import queued_requests

    root = Path(setting(crawler.settings, "OUTPUT_DIR"))
    crawl_stats = totals.crawl_stats
    # Set by the budgets' close, which never ran: the scheduler's counts say it.
    queued = crawl_stats.setdefault("health/queued_at_close", queued_requests(crawler.stats))
    problems = [stopped_by(crawl_stats, left_queued(queued))]
    crawler.stats.set_value("health/run_status", "interrupted")
    manifest = RunManifestFile.open(root, run_id)
    manifest.data.setdefault("cleaning", {"status": "skipped: the crawl was stopped by force (a second signal)"})
    manifest.finish(status="interrupted", problems=problems, close_reason="shutdown", crawl_stats=crawl_stats,
                    failed_urls=totals.failed_urls)
    try:
        from cleaning.report import render_all

        logger.info("run %s: report %s (all runs: %s)", run_id, *render_all(root, run_id))
    except Exception as exc:  # a report is a convenience; the manifest is the record
        logger.error("run %s: could not render the report: %s", run_id, exc)
    for problem in problems:
        logger.error("run %s: %s", run_id, problem)
    logger.error("%s", summary_line(run_id, "interrupted", totals, crawl_stats, None, manifest.path, "shutdown"))

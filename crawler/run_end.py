"""The end of a run: one path for a single-machine crawl and for the last worker of a distributed one.

    end_run(crawler, run_id, reason, totals)
      1. clean_pages   the cleaning chain over the run's pages (cleaning.runner.clean_from), or why not
      2. judge         succeeded / partial / failed / interrupted, and the problems
      3. the run manifest OUTPUT_DIR/_runs/RUN_ID.json finished, the JOBDIR run id retired once the
         run succeeded, the HTML report and the runs index rendered, the problems logged
      4. the summary line, the last thing the crawl prints (`say_last`: when the engine stops)

`crawler.extensions.RunManifest` calls it when a single-machine crawl closes, with the crawl's own
stats; `crawler.distributed.coordinator.Coordinator` calls it in the last worker to leave a
distributed run, with the totals of every worker's manifest.
"""

from __future__ import annotations

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
from crawler.runs import retire_run_id

logger = logging.getLogger(__name__)

# Close reasons after which the run's pages are complete enough to clean.
CLEANING_REASONS = frozenset({"finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout",
                              "closespider_errorcount", "budget_time"})


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


def clean_pages(crawler: Crawler, run_id: str, reason: str, pages_missing: str = "") -> Any:
    """Cleans the run's pages if the crawl ended in a way worth cleaning; the CleanReport, or None.

    `health/clean/status` in the stats says what happened: ok, skipped (why), or failed (the error).
    A skipped or failed run keeps its pages: `python -m cleaning run --run-id RUN_ID` cleans it later.
    """
    from cleaning.runner import CleanOptions, clean_from

    settings, stats = crawler.settings, crawler.stats
    if not setting(settings, "HEALTH_CLEAN_ON_CLOSE"):
        stats.set_value("health/clean/status", "skipped: HEALTH_CLEAN_ON_CLOSE is off")
        logger.info("run %s: pages stored, not cleaned (HEALTH_CLEAN_ON_CLOSE is off): "
                    "`python -m cleaning run --run-id %s` cleans them", run_id, run_id)
        return None
    complete = reason in CLEANING_REASONS
    if not complete or pages_missing:
        why, hint = ((f"the crawl ended with {reason}",
                      f"resume the crawl, or run `python -m cleaning run --run-id {run_id}`") if not complete else
                     (pages_missing, "merge step: gather every worker's pages/ under one OUTPUT_DIR, then "
                                     f"`python -m cleaning run --output-dir DIR --run-id {run_id}`"))
        stats.set_value("health/clean/status", f"skipped: {why}")
        logger.warning("run %s: cleaning skipped (%s); its pages are stored: %s", run_id, why, hint)
        return None
    try:
        # Later runs (a resumed old run finishing after newer ones) are re-cleaned after it.
        report = clean_from(Path(setting(settings, "OUTPUT_DIR")), run_id, CleanOptions.from_settings(settings))[0]
    except Exception as exc:  # recorded as a failed run; pages stay stored for a later re-clean
        logger.exception("cleaning failed for run %s", run_id)
        stats.set_value("health/clean/status", f"failed: {type(exc).__name__}: {exc}")
        return None
    stats.set_value("health/clean/status", "ok")
    for key, value in report.counts.items():
        stats.set_value(f"health/clean/{key}", value)
    return report


PARTIAL_STATS = "health/partial/"  # health/partial/<reason> = what was left undone: the run is `partial`


def cut_short(reason: str, crawl_stats: dict[str, Any]) -> list[str]:
    """Why a run stopped before it had done all its work (a budget, CLOSESPIDER_*, Ctrl-C), as problem
    lines, each with what was left undone."""
    why = [f"{key.removeprefix(PARTIAL_STATS)}: {value}" for key, value in sorted(crawl_stats.items())
           if key.startswith(PARTIAL_STATS)]
    clean_status = str(crawl_stats.get("health/clean/status") or "")
    if reason in CLEANING_REASONS and clean_status.startswith("skipped:") and "HEALTH_CLEAN_ON_CLOSE" not in clean_status:
        # Not the operator's choice (HEALTH_CLEAN_ON_CLOSE=False is): the run's articles were not written.
        why.append(f"cleaning {clean_status}; the pages are stored, no article of this run was written yet "
                   "(the log says the command that cleans them)")
    unfixed = int(crawl_stats.get("health/clean/grammar_unfixed") or 0)
    if unfixed:
        why.append(f"grammar: {unfixed} articles written without their grammar fixes (the backend failed or its "
                   "deadline passed: HEALTH_GRAMMAR_TIMEOUT, HEALTH_GRAMMAR_BUDGET); re-clean to fix them")
    queued = crawl_stats.get("health/queued_at_close")
    left = f"{queued} requests still queued were not fetched" if queued is not None else \
        "pages still queued were not fetched"
    if reason.startswith("closespider_") and not any(w.startswith(reason) for w in why):
        why.append(f"{reason}: the crawl was stopped by the {reason.removeprefix('closespider_')} limit "
                   f"(Scrapy's CLOSESPIDER_* settings); {left}")
    if reason == "shutdown":
        why.append(f"shutdown: the crawl was interrupted (Ctrl-C or a signal); {left}; resume it with the "
                   "same JOBDIR")
    return why


def judge(reason: str, pages_stored: int, output_errors: list[str], clean_status: str,
          partial: list[str] = (), internal: list[str] = ()) -> tuple[str, list[str]]:  # type: ignore[assignment]
    """The run's status and its problems: failed (something went wrong, our own code's errors included:
    `internal`), interrupted (Ctrl-C), partial (cut short by a limit, or some of its work was skipped:
    `partial` says what), or succeeded."""
    problems = list(internal)
    if not pages_stored:
        problems.append("no page was fetched and stored")
    problems += [f"output error: {error}" for error in output_errors]
    if clean_status.startswith("failed"):
        problems.append(f"cleaning {clean_status}")
    if reason == "shutdown":
        return "interrupted", problems + list(partial)
    if problems:
        return "failed", problems + list(partial)
    return ("partial", list(partial)) if partial else ("succeeded", [])


def summary_line(run_id: str, status: str, totals: RunTotals, crawl_stats: dict[str, Any], report: Any,
                 manifest: Path) -> str:
    workers = f"{totals.workers} workers, " if totals.workers is not None else ""
    dropped = dict(report.dropped_reasons) if report is not None else {}
    return (f"run {run_id} {status}: {workers}{crawl_stats.get('downloader/response_count', 0)} responses, "
            f"{crawl_stats.get('health/pages/stored', 0)} pages stored, "
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
    report = clean_pages(crawler, run_id, reason, totals.pages_missing)
    clean_status = str(stats.get_value("health/clean/status", ""))
    if clean_status == "ok":
        from crawler.feeds import export_articles

        try:
            export_articles(crawler, run_id)
        except Exception as exc:  # the datasets are committed; a feed is a copy of them
            logger.exception("run %s: articles could not be handed to the feeds", run_id)
            totals.output_errors.append(f"feed export: {type(exc).__name__}: {exc}")
    crawl_stats = {**totals.crawl_stats,
                   **{k: v for k, v in stats_snapshot(stats).items() if k.startswith("health/clean/")}}
    status, problems = judge(reason, totals.pages_stored, totals.output_errors, clean_status,
                             cut_short(reason, crawl_stats), internal_errors(crawl_stats))
    stats.set_value("health/run_status", status)
    # Opened now: cleaning recorded its own section ("cleaning": status, counts, files) meanwhile.
    manifest = RunManifestFile.open(root, run_id)
    manifest.data.setdefault("cleaning", {"status": clean_status})
    manifest.finish(status=status, problems=problems, close_reason=reason, crawl_stats=crawl_stats,
                    failed_urls=totals.failed_urls)
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
    say_last(crawler, logging.INFO if status == "succeeded" else logging.ERROR,
             summary_line(run_id, status, totals, crawl_stats, report, manifest.path))
    return status

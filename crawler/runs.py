"""Run identity: one id per crawl, kept across a pause and resume of the same JOBDIR.

`RunContext` (an extension, in EXTENSIONS) resolves the run id once, when the crawl starts: the
HEALTH_RUN_ID setting (given by hand, or agreed with the other workers by the distributed add-on),
else the unfinished run stored in JOBDIR, else a new id. Every component reads it from there:

    RunContext.of(crawler).run_id

A run id stored in JOBDIR is retired when its run succeeds, so a scheduled crawl that reuses
its JOBDIR starts a new run (and sees changed articles) instead of continuing the old one.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from cleaning.storage.atomic import write_text_atomic
from cleaning.storage.datasets import check_run_id
from crawler.config import setting

_STORED = "health_run_id.txt"


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}_{secrets.token_hex(3)}"


def resolve_run_id(jobdir: str | None, explicit: str | None = None, output_dir: str | Path | None = None) -> str:
    """The run id: explicit (HEALTH_RUN_ID), else the unfinished one stored in JOBDIR, else a new one.

    A stored run whose manifest in `output_dir` already says `succeeded` is over: a kill landed between
    recording its success and retiring its id, and continuing it would store every page again."""
    if explicit:
        return check_run_id(explicit)
    if not jobdir:
        return new_run_id()
    path = Path(jobdir) / _STORED
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if stored and not _succeeded(output_dir, check_run_id(stored)):
            return stored
    run_id = new_run_id()
    write_text_atomic(path, run_id)
    return run_id


def keep_run_id(jobdir: str | None, run_id: str) -> None:
    """Records `run_id` as JOBDIR's unfinished run: a distributed worker that joined another worker's run
    keeps that run, not the candidate it proposed, so the same command after a kill rejoins it."""
    if not jobdir:
        return
    path = Path(jobdir) / _STORED
    if not path.is_file() or path.read_text(encoding="utf-8").strip() != run_id:
        write_text_atomic(path, check_run_id(run_id))


def _succeeded(output_dir: str | Path | None, run_id: str) -> bool:
    if not output_dir:
        return False
    manifest = Path(output_dir) / "_runs" / f"{run_id}.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("status") == "succeeded"
    except (OSError, ValueError, AttributeError):
        return False  # no manifest yet, or unreadable: the run is not known to be over


def retire_run_id(jobdir: str | None, run_id: str) -> None:
    """Forgets the run id stored in JOBDIR once that run has succeeded."""
    if not jobdir:
        return
    path = Path(jobdir) / _STORED
    if path.is_file() and path.read_text(encoding="utf-8").strip() == run_id:
        path.unlink()


def records_run(settings: BaseSettings) -> bool:
    """Whether this process is a run: `scrapy crawl` (crawler/commands/crawl.py) sets HEALTH_RECORD_RUN.
    Scrapy's other commands (shell, fetch, view, parse, check, runspider) load the same components,
    which then stay out of the way: no run id, no pages, no manifest, nothing written to OUTPUT_DIR."""
    return bool(setting(settings, "HEALTH_RECORD_RUN"))


def require_run(crawler: Crawler) -> None:
    """Raises NotConfigured (Scrapy then leaves the component out) unless this process records a run."""
    if not records_run(crawler.settings):
        raise NotConfigured  # silent: Scrapy logs a warning for a NotConfigured with a message


COMPLETE_KEY = "health/run/clean_command"  # set without a JOBDIR: the command that cleans this run's pages offline


def clean_command(jobdir: str | None, output_dir: str, run_id: str) -> str:
    """Without a JOBDIR, the same command starts a new run: an unfinished run's pages are then cleaned by this
    command. "" with a JOBDIR (the same command resumes the run)."""
    return "" if jobdir else f"`python -m cleaning run --output-dir {output_dir} --run-id {run_id}`"


class RunContext:
    """The crawl's run identity, resolved once (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        require_run(crawler)
        self.run_id = resolve_run_id(crawler.settings.get("JOBDIR"), setting(crawler.settings, "HEALTH_RUN_ID"),
                                     setting(crawler.settings, "OUTPUT_DIR"))
        if crawler.stats is not None:  # what a stopped or crashed run's messages tell the operator to do
            crawler.stats.set_value(COMPLETE_KEY, clean_command(crawler.settings.get("JOBDIR"),
                                                                setting(crawler.settings, "OUTPUT_DIR"), self.run_id))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RunContext":
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> "RunContext":
        """The crawl's run context (Scrapy's `crawler.get_extension`: once the crawl has started)."""
        context = crawler.get_extension(cls)
        if context is None:
            raise RuntimeError("the crawl has no run id: crawler.runs.RunContext is not enabled in EXTENSIONS, "
                               "or this is not `scrapy crawl` (HEALTH_RECORD_RUN is off)")
        return context

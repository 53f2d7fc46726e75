"""Run identity (crawler/runs.py): one id per crawl, resolved once, kept in JOBDIR until the run succeeds."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.runs import RunContext, new_run_id, resolve_run_id, retire_run_id
from tests.support.crawler import open_spider, project_crawler


def test_new_ids_sort_by_start_time_and_differ() -> None:
    early = new_run_id(datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert re.fullmatch(r"20260102T030405Z_[0-9a-f]{6}", early)
    assert early < new_run_id() and new_run_id() != new_run_id()


def test_an_unfinished_run_is_kept_in_jobdir_until_it_succeeds(tmp_path: Path) -> None:
    job = str(tmp_path / "job")
    first = resolve_run_id(job)
    assert resolve_run_id(job) == first  # a resumed crawl continues its run
    retire_run_id(job, "20000101T000000Z_aaaaaa")  # another run's success does not retire it
    assert resolve_run_id(job) == first
    retire_run_id(job, first)
    assert resolve_run_id(job) != first  # the next scheduled crawl is a new run


def test_a_stored_run_whose_manifest_says_succeeded_is_over(tmp_path: Path) -> None:
    """A kill between recording success and retiring the id: the next crawl is a new run, not a resume
    that would store every page of the finished run again."""
    job, out = str(tmp_path / "job"), tmp_path / "out"
    first = resolve_run_id(job, output_dir=out)
    (out / "_runs").mkdir(parents=True)
    manifest = out / "_runs" / f"{first}.json"
    for status in ("running", "partial", "failed", "interrupted"):
        manifest.write_text(json.dumps({"run_id": first, "status": status}))
        assert resolve_run_id(job, output_dir=out) == first, status  # unfinished business: resumed
    manifest.write_text("{not json")
    assert resolve_run_id(job, output_dir=out) == first
    manifest.write_text(json.dumps({"run_id": first, "status": "succeeded"}))
    second = resolve_run_id(job, output_dir=out)
    assert second != first
    assert resolve_run_id(job, output_dir=out) == second  # and the new run is the one kept


def test_an_explicit_id_wins_and_is_checked(tmp_path: Path) -> None:
    job = str(tmp_path / "job")
    assert resolve_run_id(job, "20260101T000000Z_abcdef") == "20260101T000000Z_abcdef"
    assert not (tmp_path / "job").exists()  # an explicit id is not stored
    with pytest.raises(ValueError, match="invalid run id"):
        resolve_run_id(None, "../other")
    assert resolve_run_id(None) != resolve_run_id(None)  # no JOBDIR: a new run each time


def test_the_run_context_resolves_the_id_once_for_every_component(tmp_path: Path) -> None:
    job = tmp_path / "job"
    crawler = project_crawler(tmp_path, JOBDIR=str(job))
    spider = open_spider(crawler)
    context = RunContext.of(crawler)
    assert spider.run_id == context.run_id == (job / "health_run_id.txt").read_text()
    assert RunContext.of(project_crawler(tmp_path, JOBDIR=str(job))).run_id == context.run_id  # resumed
    given = project_crawler(tmp_path, JOBDIR=str(job), HEALTH_RUN_ID="20260101T000000Z_abcdef")
    assert RunContext.of(given).run_id == "20260101T000000Z_abcdef"


def test_without_the_run_context_there_is_no_run_id(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path, EXTENSIONS={"crawler.runs.RunContext": None})
    with pytest.raises(RuntimeError, match="RunContext is not enabled"):
        RunContext.of(crawler)

"""The end of a run (crawler/run_end.py), the same for a single-machine crawl and a distributed one's last
worker: clean, judge, finish the manifest, report. Whole crawls: test_crawl_demo.py, test_distributed.py."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from cleaning.storage.datasets import PartitionedWriter
from crawler.interrupts import STATS_KEY, Interrupts
from crawler.run_end import RunTotals, clean_pages, end_run
from crawler.run_verdict import cut_short, judge
from crawler.runs import RunContext, resolve_run_id
from tests.faultsite.content import article_html, make_article
from tests.support.crawler import project_crawler


@pytest.mark.parametrize("reason, stored, errors, clean, status, problems", [
    ("finished", 5, [], "ok", "succeeded", []),
    ("finished", 0, [], "ok", "failed", ["no page was fetched and stored"]),
    ("output_error", 5, ["disk full"], "skipped: the crawl ended with output_error", "failed",
     ["output error: disk full"]),
    ("finished", 5, [], "failed: ValueError: bad", "failed", ["cleaning failed: ValueError: bad"]),
    ("shutdown", 5, [], "interrupted", "interrupted", []),  # a signal while cleaning
    ("shutdown", 0, [], "ok", "failed", ["no page was fetched and stored"]),
])
def test_judge(reason: str, stored: int, errors: list[str], clean: str, status: str, problems: list[str]) -> None:
    assert judge(reason, stored, errors, clean) == (status, problems)


def test_a_forced_stop_is_interrupted_whatever_else_went_wrong() -> None:
    skipped = "skipped: the crawl was stopped by force (a second signal)"
    assert judge("shutdown", 5, [], skipped, ["shutdown: x"], forced=True) == ("interrupted", ["shutdown: x"])
    assert judge("shutdown", 0, [], skipped, [], forced=True) == ("interrupted", ["no page was fetched and stored"])


def test_a_run_cut_short_is_partial_and_says_why() -> None:
    why = cut_short("closespider_itemcount", {"health/partial/budget_pages": "stopped at 500 pages; 120 queued"})
    assert why[0] == "budget_pages: stopped at 500 pages; 120 queued" and why[1].startswith("closespider_itemcount")
    assert judge("closespider_itemcount", 5, [], "ok", why) == ("partial", why)
    assert judge("finished", 0, [], "ok", why)[0] == "failed"  # failure wins over partial
    assert cut_short("finished", {}) == []


def test_what_a_stopped_crawl_left_queued_is_said() -> None:
    [why] = cut_short("closespider_itemcount", {"health/queued_at_close": 42})
    assert why.startswith("closespider_itemcount:") and "42 requests still queued were not fetched" in why
    [why] = cut_short("shutdown", {"health/queued_at_close": 7, STATS_KEY: "SIGINT", "health/clean/status": "ok"})
    assert why.startswith("shutdown: the crawl was stopped by SIGINT (Ctrl-C)") and "7 requests still queued" in why
    assert "were cleaned and written" in why and "same JOBDIR resumes" in why
    assert judge("shutdown", 5, [], "ok", [why]) == ("partial", [why])  # one Ctrl-C: cut short, not failed
    [why] = cut_short("shutdown", {STATS_KEY: "SIGTERM"})
    assert "stopped by SIGTERM" in why and "pages still queued" in why
    [why] = cut_short("shutdown", {STATS_KEY: "SIGINT SIGINT", "health/clean/status": "interrupted"})
    assert "SIGINT while cleaning stopped it at once: nothing of the cleaning was committed" in why
    # a second Ctrl-C that came only after the cleaning committed: what was written is said, not "not cleaned"
    [why] = cut_short("shutdown", {STATS_KEY: "SIGINT SIGINT", "health/clean/status": "ok"})
    assert "were cleaned and written" in why and "SIGINT again came after they were committed" in why
    assert "not cleaned" not in why
    [why] = cut_short("shutdown", {})  # crawler.stop() from code: no signal
    assert "stopped by a stop request" in why
    # A crawl that had finished, its cleaning stopped by a signal: interrupted, and said so.
    [why] = cut_short("finished", {STATS_KEY: "SIGTERM", "health/clean/status": "interrupted"})
    assert why.startswith("interrupted: SIGTERM stopped the run's end at once") and "JOBDIR" in why
    assert judge("finished", 5, [], "interrupted", [why]) == ("interrupted", [why])
    budget = {"health/partial/budget_time": "stopped after 2 s (HEALTH_MAX_CRAWL_SECONDS); 3 requests still queued"}
    assert judge("budget_time", 5, [], "ok", cut_short("budget_time", budget))[0] == "partial"


def _crawler(tmp_path: Path, **settings: Any):  # type: ignore[no-untyped-def]
    return project_crawler(tmp_path, **{"HEALTH_GRAMMAR_BACKEND": "none", "HEALTH_CLEAN_WORKERS": 1, **settings})


def _store_pages(root: Path, run_id: str, n: int = 2) -> None:
    writer = PartitionedWriter(root, "pages", run_id, tag="t")
    for i in range(n):
        article = make_article(f"story-{i}", topic="sleep")
        writer.write({"url": f"https://a.org/{article.slug}.html", "status": 200, "site": "a.org", "kind": "unknown",
                      "fetched_at": datetime.now(timezone.utc), "content_type": "text/html; charset=utf-8",
                      "body": article_html(article).encode(), "run_id": run_id}, partition="2026-01-01")
    writer.flush()


def _manifest(root: Path, run_id: str) -> dict[str, Any]:
    return json.loads((root / "_runs" / f"{run_id}.json").read_text())


@pytest.mark.parametrize("settings, reason, missing, status", [
    ({"HEALTH_CLEAN_ON_CLOSE": False}, "finished", "", "skipped: HEALTH_CLEAN_ON_CLOSE is off"),
    ({}, "output_error", "", "skipped: the crawl ended with output_error"),
    ({}, "finished", "3 of the run's 9 pages are not in /x", "skipped: 3 of the run's 9 pages are not in /x"),
])
def test_when_cleaning_is_skipped_and_why(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                          settings: dict[str, Any], reason: str, missing: str, status: str) -> None:
    crawler = _crawler(tmp_path, **settings)
    run_id = RunContext.of(crawler).run_id
    _store_pages(tmp_path, run_id)
    with caplog.at_level(logging.INFO):
        assert clean_pages(crawler, run_id, reason, missing) is None
    assert crawler.stats.get_value("health/clean/status") == status
    assert not (tmp_path / "articles").exists()
    assert f"--run-id {run_id}" in caplog.text  # the command that cleans it later
    if missing:
        assert "merge step" in caplog.text


def test_a_forced_stop_is_not_cleaned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    crawler = _crawler(tmp_path)
    run_id = RunContext.of(crawler).run_id
    _store_pages(tmp_path, run_id)
    Interrupts.of(crawler).received[:] = ["SIGINT", "SIGINT"]
    with caplog.at_level(logging.INFO):
        assert clean_pages(crawler, run_id, "shutdown") is None
    assert crawler.stats.get_value("health/clean/status") == "skipped: the crawl was stopped by force (a second signal)"
    assert not (tmp_path / "articles").exists()
    assert f"--run-id {run_id}" in caplog.text


def test_one_ctrl_c_cleans_what_was_fetched_is_partial_and_keeps_the_run_id(tmp_path: Path,
                                                                              caplog: pytest.LogCaptureFixture) -> None:
    job = tmp_path / "job"
    crawler = _crawler(tmp_path, JOBDIR=str(job))
    run_id = RunContext.of(crawler).run_id
    _store_pages(tmp_path, run_id)
    crawler.stats.set_value("health/pages/stored", 2)
    crawler.stats.set_value("health/queued_at_close", 9)
    crawler.stats.set_value(STATS_KEY, "SIGINT")
    Interrupts.of(crawler).received[:] = ["SIGINT"]
    with caplog.at_level(logging.INFO):
        assert end_run(crawler, run_id, "shutdown", RunTotals.of_crawl(crawler.stats, {})) == "partial"
    manifest = _manifest(tmp_path, run_id)
    assert manifest["status"] == "partial" and manifest["cleaning"]["status"] == "committed"
    [why] = manifest["problems"]
    assert "stopped by SIGINT (Ctrl-C); 9 requests still queued were not fetched" in why
    assert (tmp_path / "articles").exists()
    assert (job / "health_run_id.txt").read_text().strip() == run_id  # the same command resumes the run
    assert f"run {run_id} partial: stopped by SIGINT with 9 requests left" in caplog.text


def test_a_finished_run_is_cleaned_judged_recorded_and_retired(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    job = tmp_path / "job"
    crawler = _crawler(tmp_path, JOBDIR=str(job))
    run_id = RunContext.of(crawler).run_id
    _store_pages(tmp_path, run_id)
    crawler.stats.set_value("health/pages/stored", 2)
    crawler.stats.set_value("downloader/response_count", 3)
    totals = RunTotals.of_crawl(crawler.stats, {"https://a.org/gone": "http_500"})
    with caplog.at_level(logging.INFO):
        assert end_run(crawler, run_id, "finished", totals) == "succeeded"
    manifest = _manifest(tmp_path, run_id)
    assert manifest["status"] == "succeeded" and manifest["close_reason"] == "finished" and manifest["problems"] == []
    assert manifest["cleaning"]["status"] == "committed"  # the cleaning runner's own record stays
    assert manifest["cleaning"]["counts"]["articles"] == 2
    assert manifest["crawl_stats"]["health/clean/status"] == "ok"
    assert manifest["crawl_stats"]["health/clean/articles"] == 2
    assert manifest["failed_urls"] == {"https://a.org/gone": "http_500"}
    assert crawler.stats.get_value("health/run_status") == "succeeded"
    assert (tmp_path / "_runs" / f"{run_id}.html").is_file()
    assert resolve_run_id(str(job)) != run_id  # retired: the next crawl with this JOBDIR is a new run
    assert (f"run {run_id} succeeded: 3 responses, 2 pages stored, 2 articles written, 0 duplicates, "
            "0 pages dropped {}, 1 failed URLs") in caplog.text


def test_a_run_whose_cleaning_fails_is_failed_and_keeps_its_id(tmp_path: Path) -> None:
    job = tmp_path / "job"
    crawler = _crawler(tmp_path, JOBDIR=str(job))
    run_id = RunContext.of(crawler).run_id
    totals = RunTotals({"health/pages/stored": 1}, {}, pages_stored=1)  # but no pages on disk to clean
    assert end_run(crawler, run_id, "finished", totals) == "failed"
    manifest = _manifest(tmp_path, run_id)
    assert manifest["problems"] == [f"cleaning failed: ValueError: no pages of run {run_id!r} under {tmp_path}; "
                                    "stored runs: none"]
    assert resolve_run_id(str(job)) == run_id  # kept: resuming or re-cleaning continues this run


def test_a_distributed_run_says_how_many_workers_and_sums_their_totals(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    crawler = _crawler(tmp_path, HEALTH_CLEAN_ON_CLOSE=False)
    run_id = RunContext.of(crawler).run_id
    totals = RunTotals({"health/pages/stored": 7, "downloader/response_count": 9}, {}, pages_stored=7,
                       output_errors=["worker w2: disk full"], workers=3)
    with caplog.at_level(logging.INFO):
        assert end_run(crawler, run_id, "finished", totals) == "failed"
    assert f"run {run_id} failed: 3 workers, 9 responses, 7 pages stored" in caplog.text
    manifest = _manifest(tmp_path, run_id)
    assert manifest["problems"] == ["output error: worker w2: disk full"]
    assert manifest["cleaning"] == {"status": "skipped: HEALTH_CLEAN_ON_CLOSE is off"}


def test_a_resume_that_stores_nothing_new_counts_what_its_killed_attempts_stored(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    crawler.stats.set_value("health/resume/pages_replayed", 4)  # every page was stored before a kill while cleaning
    totals = RunTotals.of_crawl(crawler.stats, {})
    assert totals.pages_stored == 4
    assert judge("finished", totals.pages_stored, [], "committed") == ("succeeded", [])
    crawler.stats.set_value("health/resume/pages_replayed", 0)
    assert judge("finished", RunTotals.of_crawl(crawler.stats, {}).pages_stored, [], "committed")[0] == "failed"


def test_an_error_in_our_own_code_fails_the_run_and_says_where() -> None:
    from crawler.failures import internal_errors

    stats = {"health/internal/errors": 2, "health/internal/pipeline": 1, "health/internal/request": 1,
             "health/internal/first": "pipeline https://a.org/x: KeyError: 'body'"}
    internal = internal_errors(stats)
    assert len(internal) == 1 and "2 error(s)" in internal[0] and "pipeline 1" in internal[0]
    assert "KeyError" in internal[0]
    assert judge("finished", 5, [], "ok", [], internal) == ("failed", internal)
    assert internal_errors({"health/pages/stored": 3}) == []


def test_work_left_undone_makes_the_run_partial_with_its_reason() -> None:
    unfixed = cut_short("finished", {"health/clean/status": "ok", "health/clean/grammar_unfixed": 4})
    assert len(unfixed) == 1 and unfixed[0].startswith("grammar: 4 articles written without their grammar fixes")
    assert judge("finished", 5, [], "ok", unfixed) == ("partial", unfixed)
    # the failure itself, when the grammar step counted it, rather than a list of settings to suspect
    from cleaning.steps.fix_grammar import grammar_error

    error = grammar_error({"status/error": 4, "error/backend_unavailable: connection refused": 3,
                           "error/deadline: the run's budget is spent": 1, "edits": 7})
    assert error == "backend_unavailable: connection refused"
    named = cut_short("finished", {"health/clean/status": "ok", "health/clean/grammar_unfixed": 4}, error)
    assert named == ["grammar: 4 articles written without their grammar fixes (backend_unavailable: connection "
                     "refused); re-clean to fix them"]
    missing = cut_short("finished", {"health/clean/status": "skipped: 3 of the run's 9 pages are not in /x"})
    assert len(missing) == 1 and "3 of the run's 9 pages are not in /x" in missing[0]
    # The operator's choice is no problem; a crawl stopped by one signal is `partial` for the stop (saying
    # what was left), and cleaned.
    assert cut_short("finished", {"health/clean/status": "skipped: HEALTH_CLEAN_ON_CLOSE is off"}) == []
    stopped = cut_short("shutdown", {"health/clean/status": "ok", STATS_KEY: "SIGINT"})
    assert len(stopped) == 1 and stopped[0].startswith("shutdown: the crawl was stopped by SIGINT")
    assert judge("shutdown", 5, [], "ok", stopped)[0] == "partial"


def test_a_manifest_that_cannot_be_written_fails_the_run_in_one_line_and_keeps_its_id(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaning.storage.manifests import RunManifestFile

    job = tmp_path / "job"
    crawler = _crawler(tmp_path, JOBDIR=str(job))
    run_id = RunContext.of(crawler).run_id
    _store_pages(tmp_path, run_id)
    crawler.stats.set_value("health/pages/stored", 2)

    def full(self, **_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(RunManifestFile, "finish", full)
    with caplog.at_level(logging.INFO):
        assert end_run(crawler, run_id, "finished", RunTotals.of_crawl(crawler.stats, {})) == "failed"
    assert "the run manifest could not be written" in caplog.text and f"run {run_id} failed: " in caplog.text
    assert "Traceback" not in caplog.text
    assert resolve_run_id(str(job)) == run_id  # kept: the same command resumes it once there is space


def test_a_run_where_most_urls_failed_is_partial_and_says_why() -> None:
    from crawler.run_verdict import mostly_failed

    failed = {f"https://a.org/{i}": ("http_503" if i % 3 else "timeout") for i in range(30)}
    line = mostly_failed(10, failed)
    assert line is not None and line.startswith("failures: 30 URLs failed against 10 pages stored (http_503 x20, timeout x10)")
    assert mostly_failed(40, failed) is None  # more stored than failed: a site with dead links
    assert mostly_failed(0, dict(list(failed.items())[:9])) is None  # a handful: not on their own
    assert judge("finished", 10, [], "ok", [line]) == ("partial", [line])


def test_a_configured_languagetool_that_did_not_answer_is_said_at_the_end(tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    """`auto` falls back to the offline backend (its contract: the run succeeds), and the end of the log says
    so next to the summary line, the URL without its credentials."""
    crawler = _crawler(tmp_path, HEALTH_GRAMMAR_BACKEND="auto", HEALTH_LANGUAGETOOL_URL="http://me:pw@127.0.0.1:9")
    run_id = RunContext.of(crawler).run_id
    _store_pages(tmp_path, run_id)
    crawler.stats.set_value("health/pages/stored", 2)
    with caplog.at_level(logging.INFO):
        assert end_run(crawler, run_id, "finished", RunTotals.of_crawl(crawler.stats, {})) == "succeeded"
    [said] = [r.getMessage() for r in caplog.records if "did not answer" in r.getMessage()]
    assert said.startswith(f"run {run_id}: grammar: the LanguageTool at http://127.0.0.1:9 did not answer, so ")
    assert "pw" not in said and "HEALTH_GRAMMAR_BACKEND=languagetool" in said


def test_no_word_about_languagetool_when_it_ran_or_was_not_asked_for() -> None:
    from types import SimpleNamespace

    from crawler.run_verdict import grammar_fallback
    from scrapy.settings import Settings

    def said(backend: str, url: str, used: str) -> str | None:
        settings = Settings({"HEALTH_GRAMMAR_BACKEND": backend, "HEALTH_LANGUAGETOOL_URL": url})
        return grammar_fallback(settings, SimpleNamespace(grammar_backend=used))

    assert said("auto", "http://lt:8081", "languagetool-6.6") is None
    assert said("auto", "", "offline-harper-0.2") is None  # no server configured: offline is the plan
    assert said("offline", "http://lt:8081", "offline-harper-0.2") is None  # chosen explicitly
    assert said("auto", "http://lt:8081", "") is None  # nothing was fixed (no article)
    assert said("auto", "http://lt:8081", "offline-harper-0.2") is not None
    assert grammar_fallback(Settings({"HEALTH_LANGUAGETOOL_URL": "http://lt:8081"}), None) is None


def test_a_run_that_found_everything_unchanged_succeeded() -> None:
    # an incremental run from a sitemap whose lastmods say nothing changed stores no page, and did its work
    assert judge("finished", 0, [], "ok", unchanged=44) == ("succeeded", [])
    assert judge("finished", 0, [], "ok", unchanged=0) == ("failed", ["no page was fetched and stored"])


def test_a_run_without_a_jobdir_is_completed_by_cleaning_its_pages() -> None:
    """Without a JOBDIR the same command would start a new run: the messages say so, and name the command that
    cleans the stopped run's stored pages when they were not cleaned."""
    from crawler.runs import COMPLETE_KEY, clean_command

    command = clean_command(None, "/data/health", "20261201T000000Z_abc")
    assert command == "`python -m cleaning run --output-dir /data/health --run-id 20261201T000000Z_abc`"
    assert clean_command("/jobs/health", "/data/health", "R") == ""
    [why] = cut_short("shutdown", {STATS_KEY: "SIGINT SIGINT", COMPLETE_KEY: command})  # forced: not cleaned
    assert f"{command} cleans the pages it stored" in why and "JOBDIR resumes" not in why
    [why] = cut_short("shutdown", {STATS_KEY: "SIGINT", COMPLETE_KEY: command, "health/clean/status": "ok"})
    assert "the same command starts a new run, which fetches what this one did not" in why


def test_a_failed_languagetool_url_never_shows_its_credentials(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    crawler = _crawler(tmp_path, HEALTH_GRAMMAR_BACKEND="auto", HEALTH_LANGUAGETOOL_URL="http://me:pw@127.0.0.1:9")
    run_id = RunContext.of(crawler).run_id
    _store_pages(tmp_path, run_id)
    crawler.stats.set_value("health/pages/stored", 2)
    with caplog.at_level(logging.DEBUG):
        end_run(crawler, run_id, "finished", RunTotals.of_crawl(crawler.stats, {}))
    assert caplog.records and not [r.getMessage() for r in caplog.records if "pw@" in r.getMessage()]
    manifest = (tmp_path / "_runs" / f"{run_id}.json").read_text()
    assert "pw@" not in manifest

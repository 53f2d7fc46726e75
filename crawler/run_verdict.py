"""A run's verdict: its status (succeeded, partial, failed, interrupted) and the problem lines that say why,
from the crawl's stats and what its end found (crawler/run_end.py calls `judge` and `cut_short`). Each line
says what happened and what completes the run."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cleaning.redact import strip_credentials
from crawler.config import setting
from crawler.interrupts import STATS_KEY
from crawler.runs import COMPLETE_KEY

# Close reasons after which the run's pages are cleaned. `shutdown` is Scrapy's graceful stop (one Ctrl-C or
# SIGTERM): the pages fetched so far are cleaned and the run is `partial`; a forced stop (a second signal,
# crawler/interrupts.py) is not cleaned.
CLEANING_REASONS = frozenset({"finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout",
                              "closespider_errorcount", "budget_time", "shutdown"})
SIGNAL_NAMES = {"SIGINT": "Ctrl-C", "SIGTERM": "a termination request"}
# Articles the crawl is done with without storing them (earlier runs have them, unchanged).
HANDLED_WITHOUT_STORING = ("health/incremental/already_stored", "health/incremental/unchanged_lastmod",
                           "health/incremental/not_modified")

PARTIAL_STATS = "health/partial/"  # health/partial/<reason> = what was left undone: the run is `partial`


def cut_short(reason: str, crawl_stats: dict[str, Any], grammar_error: str = "") -> list[str]:
    """Why a run stopped before it had done all its work (a budget, CLOSESPIDER_*, Ctrl-C), as problem
    lines, each with what was left undone."""
    why = [f"{key.removeprefix(PARTIAL_STATS)}: {value}" for key, value in sorted(crawl_stats.items())
           if key.startswith(PARTIAL_STATS)]
    clean_status = str(crawl_stats.get("health/clean/status") or "")
    if reason in CLEANING_REASONS and clean_status.startswith("skipped:") and "HEALTH_CLEAN_ON_CLOSE" not in clean_status \
            and "stopped by force" not in clean_status and "no page of this run" not in clean_status:
        # (a forced stop has its own line, below; a run that stored nothing fails for that)
        # Not the operator's choice (HEALTH_CLEAN_ON_CLOSE=False is): the run's articles were not written.
        why.append(f"cleaning {clean_status}; the pages are stored, no article of this run was written yet "
                   "(the log says the command that cleans them)")
    unfixed = int(crawl_stats.get("health/clean/grammar_unfixed") or 0)
    if unfixed:
        cause = (grammar_error if grammar_error else
                 "the backend failed or its deadline passed: HEALTH_GRAMMAR_TIMEOUT, HEALTH_GRAMMAR_BUDGET")
        why.append(f"grammar: {unfixed} articles written without their grammar fixes ({cause}); re-clean to fix them")
    queued = crawl_stats.get("health/queued_at_close")
    left = left_queued(queued)
    if reason.startswith("closespider_") and not any(w.startswith(reason) for w in why):
        why.append(f"{reason}: the crawl was stopped by the {reason.removeprefix('closespider_')} limit "
                   f"(Scrapy's CLOSESPIDER_* settings); {left}")
    if reason == "shutdown":
        why.append(stopped_by(crawl_stats, left))
    elif clean_status == "interrupted" or clean_status.startswith("skipped: the crawl was stopped by force"):
        received = str(crawl_stats.get(STATS_KEY) or "").split()
        why.append(f"interrupted: {received[-1] if received else 'a signal'} stopped the run's end at once: "
                   f"nothing of its cleaning was committed; {completion(crawl_stats)}")
    return why


def completion(crawl_stats: dict[str, Any]) -> str:
    """What completes an unfinished run: its JOBDIR resumes it; without one the same command starts a new
    run (which fetches again what was not cleaned), and the pages this run stored are cleaned offline."""
    command = crawl_stats.get(COMPLETE_KEY)
    if not command:
        return "the same command with the same JOBDIR resumes and completes the run"
    if crawl_stats.get("health/clean/status") == "ok":
        return "without a JOBDIR it cannot be resumed: the same command starts a new run, which fetches what this one did not"
    return (f"{command} cleans the pages it stored (without a JOBDIR it cannot be resumed: the same command starts "
            "a new run, which fetches them again)")


def left_queued(queued: int | None) -> str:
    """What a stopped crawl left unfetched, from the scheduler's count at the close (None: not counted)."""
    if queued is None:
        return "pages still queued were not fetched"
    return "no request was left queued" if queued == 0 else f"{queued} requests still queued were not fetched"


def stopped_by(crawl_stats: dict[str, Any], left: str) -> str:
    """The problem line of a crawl stopped by a shutdown signal (or by `crawler.stop()`): which, what was
    left, and how the run is completed."""
    received = str(crawl_stats.get(STATS_KEY) or "").split()
    by = f"{received[0]} ({SIGNAL_NAMES.get(received[0], 'a signal')})" if received else "a stop request"
    clean_status = str(crawl_stats.get("health/clean/status") or "")
    if clean_status == "interrupted":
        done = f"{received[-1] if received else 'a signal'} while cleaning stopped it at once: nothing of the cleaning was committed"
    elif clean_status == "ok":
        done = "the pages fetched so far were cleaned and written"
        if len(received) >= 2:  # a signal after the commit: nothing was lost, and none of it is to be redone
            done += f" ({received[-1]} again came after they were committed and changed nothing)"
    elif len(received) >= 2:
        done = f"{received[-1]} again forced an unclean stop: the stored pages were not cleaned"
    else:
        done = "the pages fetched so far are stored"
    return f"shutdown: the crawl was stopped by {by}; {left}; {done}; {completion(crawl_stats)}"


def unreachable_start(spider: Any, failed_urls: dict[str, str]) -> str | None:
    """A problem line when every URL the crawl starts from (its start pages, sitemaps and feeds) failed: the
    site was down or refused the crawl, so nothing could be found, whatever error pages were stored."""
    from cleaning.dedup.urls import canonicalize_url

    profile = getattr(spider, "profile", None)
    if profile is None or not failed_urls:
        return None
    starts = [*profile.start_urls, *profile.sitemap_urls, *profile.feed_urls]
    failed = {canonicalize_url(url): why for url, why in failed_urls.items()}
    reasons = [failed.get(canonicalize_url(url)) for url in starts]
    if not starts or not all(reasons):
        return None
    return "every start URL failed, so nothing could be found (is the site down or refusing the crawl?): " + \
        ", ".join(f"{strip_credentials(url)} ({why})" for url, why in zip(starts, reasons))


MOSTLY_FAILED_MIN = 10  # failed URLs below this never make a run partial on their own (a few dead links are normal)


def mostly_failed(pages_stored: int, failed_urls: dict[str, str]) -> str | None:
    """A problem line when more URLs failed than pages were stored (a site that went down mid-crawl): the
    run wrote what it got, but most of the site is missing from it."""
    failed = len(failed_urls)
    if failed < MOSTLY_FAILED_MIN or failed <= pages_stored:
        return None
    reasons = Counter(failed_urls.values()).most_common(3)
    return (f"failures: {failed} URLs failed against {pages_stored} pages stored ("
            + ", ".join(f"{why} x{n}" for why, n in reasons)
            + "); is the site failing? They are fetched again first by the next run")


def judge(reason: str, pages_stored: int, output_errors: list[str], clean_status: str,
          partial: list[str] = (), internal: list[str] = (),  # type: ignore[assignment]
          forced: bool = False, unreachable: str | None = None, unchanged: int = 0) -> tuple[str, list[str]]:
    """The run's status and its problems: interrupted (stopped by force: a second Ctrl-C, or a signal
    while cleaning), failed (something went wrong, our own code's errors included: `internal`), partial
    (cut short by a limit, a budget or one Ctrl-C, or some of its work was skipped: `partial` says what),
    or succeeded. `unreachable`: every start URL failed (`unreachable_start`), a failure. `unchanged`:
    articles the incremental crawl found unchanged since earlier runs (skipped, or answered 304), so a run
    that stored nothing new still did its work."""
    problems = list(internal)
    if not pages_stored and not unchanged:
        problems.append("no page was fetched and stored")
    if unreachable:
        problems.append(unreachable)
    problems += [f"output error: {error}" for error in output_errors]
    if clean_status.startswith("failed"):
        problems.append(f"cleaning {clean_status}")
    if forced or clean_status == "interrupted":
        return "interrupted", problems + list(partial)
    if problems:
        return "failed", problems + list(partial)
    return ("partial", list(partial)) if partial else ("succeeded", [])


def grammar_fallback(settings: Any, report: Any) -> str | None:
    """What to say when a team configured a LanguageTool URL, kept the `auto` backend, and another backend
    fixed the run's articles because that server did not answer: by `auto`'s contract the run succeeded,
    but the only other sign of it is a warning at the start of the cleaning."""
    url = str(setting(settings, "HEALTH_LANGUAGETOOL_URL") or "")
    used = getattr(report, "grammar_backend", "")
    if not url or not used or used.startswith("languagetool") or setting(settings, "HEALTH_GRAMMAR_BACKEND") != "auto":
        return None
    from cleaning.redact import strip_credentials

    return (f"grammar: the LanguageTool at {strip_credentials(url)} did not answer, so {used} fixed this run's "
            "articles (with HEALTH_GRAMMAR_BACKEND=languagetool that makes the run partial instead)")

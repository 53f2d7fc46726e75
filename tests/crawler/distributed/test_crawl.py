"""Distributed crawls on a real redis-server, run as users run them (each module's own rules: beside this file).

Several `scrapy crawl health -s HEALTH_REDIS_URL=...` workers share one frontier; the merged datasets
must equal a single-machine run of the demo site, a SIGKILLed worker must lose no request, and a
Redis that goes away must stop a worker with a clear error, keeping its pages.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from crawler.distributed.link import RunKeys
from tests.conftest import REPO, run_crawl
from tests.crawler.distributed.conftest import RedisServer, free_port

FAST = ["-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "HEALTH_PROGRESS_INTERVAL=0"]
QUICK_END = ["-s", "HEALTH_REDIS_IDLE_TIMEOUT=1", "-s", "HEALTH_REDIS_WORKER_TIMEOUT=2"]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A single-machine crawl of the demo site (no Redis): what every distributed run must equal."""
    out = tmp_path_factory.mktemp("single") / "outputs"
    run_crawl(out, *FAST)
    return out


def _worker_cmd(out: Path, url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "health", "-s", f"OUTPUT_DIR={out}", "-s", "LOG_LEVEL=INFO",
            "-s", f"HEALTH_REDIS_URL={url}", *FAST, *QUICK_END, *args]


def _start_worker(out: Path, url: str, *args: str, log: Path | None = None) -> subprocess.Popen[str]:
    if log is None:
        return subprocess.Popen(_worker_cmd(out, url, *args), cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, text=True, env=os.environ.copy())
    with open(log, "w") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(_worker_cmd(out, url, *args), cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr,
                                text=True, env=os.environ.copy())


def _wait(proc: subprocess.Popen[str], log: Path | None, timeout: float = 150) -> str:
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("a worker did not finish in time:\n" + (log.read_text()[-3000:] if log else ""))
    return log.read_text() if log else ""


def _sorted_rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return sorted(tuple(None if pd.isna(v) else v for v in row) for row in df[cols].itertuples(index=False))


def assert_same_datasets(got: Path, want: Path) -> None:
    """The datasets a person would compare: articles, hot picks, duplicates, and which pages were fetched."""
    cols = ["article_id", "url", "title", "published_date", "body", "body_original", "language", "version"]
    assert _sorted_rows(pd.read_parquet(got / "articles"), cols) == _sorted_rows(pd.read_parquet(want / "articles"), cols)
    cols = ["article_id", "block", "rank", "title", "url", "teaser"]
    assert _sorted_rows(pd.read_parquet(got / "hot_picks"), cols) == _sorted_rows(pd.read_parquet(want / "hot_picks"), cols)
    cols = ["url", "duplicate_of", "kind"]
    assert _sorted_rows(pd.read_parquet(got / "duplicates"), cols) == _sorted_rows(pd.read_parquet(want / "duplicates"), cols)


def _pages(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "pages", columns=["url", "status", "run_id"])


def _manifest(out: Path, run_id: str) -> dict:
    return json.loads((out / "_runs" / f"{run_id}.json").read_text())


def _run_keys(client, prefix: str) -> list[bytes]:  # type: ignore[no-untyped-def]
    return [k for k in client.keys(f"{prefix}:run:*")]


# --- tests ------------------------------------------------------------------------------------

def test_three_workers_share_one_frontier_and_equal_a_single_machine_run(redis_server, baseline, tmp_path):
    out, prefix = tmp_path / "outputs", "three"
    # A start URL pushed to Redis before the crawl (RedisSpider semantics): some worker fetches it.
    pushed = "http://demo.health.test/pushed-from-redis.html"
    push = subprocess.run([sys.executable, "-m", "crawler.distributed", "--redis-url", redis_server.url,
                           "--prefix", prefix, "push", pushed], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert push.returncode == 0, push.stderr
    # Slowed down a little so that every worker gets a share of a 70-page site.
    slow = ["-s", f"HEALTH_REDIS_PREFIX={prefix}", "-s", "DOWNLOAD_DELAY=0.1",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "AUTOTHROTTLE_ENABLED=False"]
    logs = [tmp_path / f"w{i}.log" for i in range(3)]
    procs = [_start_worker(out, redis_server.url, *slow, "-s", f"HEALTH_WORKER_ID=w{i}", log=logs[i])
             for i in range(3)]
    texts = [_wait(p, log) for p, log in zip(procs, logs)]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(t[-2000:] for t in texts)

    pages = _pages(out)
    run_ids = set(pages["run_id"])
    assert len(run_ids) == 1, "the workers did not join one run"
    run_id = run_ids.pop()
    assert pages["url"].is_unique, "a canonical URL was fetched twice"
    want = _pages(baseline)
    assert set(pages["url"]) == set(want["url"]) | {pushed}
    assert pages.loc[pages["url"] == pushed, "status"].tolist() == [404]

    files = sorted(p.name for p in (out / "pages").glob("*/part-*.parquet"))
    writers = {w for w in ("w0", "w1", "w2") if any(f"-{w}-" in f for f in files)}
    assert len(writers) >= 2, f"the work was not shared: {files}"

    # Cleaning ran once, over every worker's pages (the last worker's merge step): same result as one machine.
    assert_same_datasets(out, baseline)
    manifest = _manifest(out, run_id)
    assert manifest["status"] == "succeeded" and manifest["kind"] == "crawl"
    assert sorted(w["worker"] for w in manifest["distributed"]["workers"]) == ["w0", "w1", "w2"]
    assert manifest["crawl_stats"]["health/pages/stored"] == len(pages)
    assert manifest["cleaning"]["status"] == "committed"  # what the next run's incremental ledger looks for
    assert manifest["cleaning"]["counts"]["articles"] == len(pd.read_parquet(baseline / "articles"))
    assert (out / "_runs" / f"{run_id}.html").is_file()  # the run's report, as for a single-machine run
    acknowledged = 0
    for w in ("w0", "w1", "w2"):
        worker = json.loads((out / "_runs" / f"{run_id}.workers" / f"{w}.json").read_text())
        assert worker["status"] == "succeeded" and worker["close_reason"] == "finished"
        acknowledged += worker["crawl_stats"].get("health/distributed/acknowledged", 0)
    assert acknowledged >= len(pages)  # every stored page's request left the in-flight hashes once durable
    assert sum("cleaned run" in t for t in texts) == 1
    # A finished crawl leaves nothing behind in Redis: the next crawl is a new run.
    assert _run_keys(redis_server.client, prefix) == []
    assert redis_server.client.get(RunKeys(prefix, "").current_run) is None


def test_a_killed_worker_loses_no_request(redis_server, baseline, tmp_path):
    out, prefix, run_id = tmp_path / "outputs", "kill", "20260101T000000Z_kill01"
    keys = RunKeys(prefix, run_id)
    common = ["-s", f"HEALTH_REDIS_PREFIX={prefix}", "-s", f"HEALTH_RUN_ID={run_id}"]
    # The victim never writes a page file before it dies: everything it took is in flight, unacknowledged.
    victim = _start_worker(out, redis_server.url, *common, "-s", "HEALTH_WORKER_ID=victim",
                           "-s", "HEALTH_PAGES_FLUSH_ITEMS=100000", "-s", "HEALTH_REDIS_ACK_INTERVAL=600",
                           "-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=False")
    deadline = time.monotonic() + 90
    while redis_server.client.hlen(keys.inflight("victim")) < 8 and time.monotonic() < deadline:
        assert victim.poll() is None, "the victim ended before it could be killed"
        time.sleep(0.05)
    taken = redis_server.client.hlen(keys.inflight("victim"))
    assert taken >= 8 and redis_server.client.scard(keys.dupefilter) > taken
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)

    log = tmp_path / "survivor.log"
    survivor = _start_worker(out, redis_server.url, *common, "-s", "HEALTH_WORKER_ID=survivor", log=log)
    text = _wait(survivor, log)
    assert survivor.returncode == 0, text[-3000:]
    worker = json.loads((out / "_runs" / f"{run_id}.workers" / "survivor.json").read_text())
    assert worker["requeued"] >= taken, "the dead worker's in-flight requests were not re-queued"
    pages = _pages(out)
    assert pages["url"].is_unique
    assert set(pages["url"]) == set(_pages(baseline)["url"]), "a request was lost"
    assert_same_datasets(out, baseline)
    assert _manifest(out, run_id)["status"] == "succeeded"


def test_redis_going_away_stops_the_worker_with_a_clear_error_and_keeps_its_pages(tmp_path):
    server = RedisServer()  # its own server: this test kills it
    try:
        out, log = tmp_path / "outputs", tmp_path / "worker.log"
        proc = _start_worker(out, server.url, "-s", "HEALTH_WORKER_ID=lonely", "-s", "HEALTH_PAGES_FLUSH_ITEMS=4",
                             "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.2",
                             "-s", "AUTOTHROTTLE_ENABLED=False", log=log)
        deadline = time.monotonic() + 90
        while len(list((out / "pages").glob("*/part-*.parquet"))) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()[-3000:]
            time.sleep(0.05)
        server.kill()
        rows_before = len(_pages(out))
        killed_at = time.monotonic()
        text = _wait(proc, log, timeout=60)
        assert time.monotonic() - killed_at < 45, "the worker hung after Redis went away"
        assert proc.returncode == 1, text[-3000:]
        assert f"Redis at {server.url} is unavailable" in text
        pages = _pages(out)
        assert len(pages) >= rows_before >= 8  # nothing written is lost; what was buffered is flushed
        run_id = pages["run_id"].iloc[0]
        worker = json.loads((out / "_runs" / f"{run_id}.workers" / "lonely.json").read_text())
        assert worker["status"] == "failed" and worker["close_reason"] == "redis_unavailable"
        assert "Redis" in worker["problems"][0]
    finally:
        server.stop()


def test_unreachable_redis_at_start_fails_at_once(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    started = time.monotonic()
    proc = subprocess.run(_worker_cmd(tmp_path / "out", url), cwd=REPO, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 1
    assert f"Redis at {url} is unavailable" in proc.stderr
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out" / "pages").exists() or not list((tmp_path / "out" / "pages").glob("*/*.parquet"))


def _page_files(out: Path, worker: str) -> list[Path]:
    return sorted((out / "pages").glob(f"*/part-*-{worker}-*.parquet"))


def _stored_unacknowledged(out: Path, client, keys: RunKeys, worker: str) -> set[str]:  # type: ignore[no-untyped-def]
    """URLs `worker` has durably stored whose requests are still in its in-flight hash (not acknowledged)."""
    from crawler.distributed.serializer import loads

    in_flight = {loads(v.split(b" ", 1)[1])["url"] for v in client.hvals(keys.inflight(worker))}
    stored = {url for path in _page_files(out, worker) for url in pd.read_parquet(path, columns=["url"])["url"]}
    return in_flight & stored


def test_a_worker_killed_while_fetching_and_restarted_with_its_jobdir_loses_and_doubles_nothing(
        redis_server, baseline, tmp_path):
    """Two workers, each with its own JOBDIR, no run id given (the first worker starts the run, the JOBDIR
    keeps it). One is SIGKILLed while fetching, with pages on disk whose requests it has not acknowledged
    yet (it acknowledges only when idle: HEALTH_REDIS_ACK_INTERVAL=600) and requests in flight, then
    restarted with the same command. Whichever worker takes the dead one's requests back, the run's
    datasets equal a single-machine crawl's: no article lost or extra, no row twice, no page stored twice."""
    out, prefix = tmp_path / "outputs", "restart"
    common = ["-s", f"HEALTH_REDIS_PREFIX={prefix}", "-s", "HEALTH_PAGES_FLUSH_ITEMS=3", "-s", "CONCURRENT_REQUESTS=2",
              "-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=False"]
    victim_args = [*common, "-s", "HEALTH_WORKER_ID=victim", "-s", f"JOBDIR={tmp_path / 'job-victim'}",
                   "-s", "HEALTH_REDIS_ACK_INTERVAL=600"]
    other_args = [*common, "-s", "HEALTH_WORKER_ID=other", "-s", f"JOBDIR={tmp_path / 'job-other'}"]
    victim = _start_worker(out, redis_server.url, *victim_args, log=tmp_path / "victim-killed.log")
    other_log = tmp_path / "other.log"
    other = _start_worker(out, redis_server.url, *other_args, log=other_log)
    try:
        deadline = time.monotonic() + 90
        while len(_page_files(out, "victim")) < 3:
            assert victim.poll() is None, (tmp_path / "victim-killed.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the victim stored no pages"
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        run_id = (tmp_path / "job-victim" / "health_run_id.txt").read_text().strip()
        window = _stored_unacknowledged(out, redis_server.client, RunKeys(prefix, run_id), "victim")
        assert window, "the kill did not land with stored pages unacknowledged: the test proves nothing"

        log = tmp_path / "victim-restarted.log"
        restarted = _start_worker(out, redis_server.url, *victim_args, log=log)
        texts = [_wait(restarted, log), _wait(other, other_log)]
    finally:
        for proc in (victim, other):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert [restarted.returncode, other.returncode] == [0, 0], "\n".join(t[-3000:] for t in texts)
    pages = _pages(out)
    assert set(pages["run_id"]) == {run_id}, "the restarted worker did not continue the run"
    doubled = sorted(pages["url"][pages["url"].duplicated()])
    assert not doubled, f"{len(doubled)} pages stored twice ({len(window)} stored, unacknowledged): {doubled[:5]}"
    want = set(_pages(baseline)["url"])
    lost, extra = want - set(pages["url"]), set(pages["url"]) - want
    assert not lost and not extra, f"{len(lost)} pages lost, {len(extra)} extra"
    assert_same_datasets(out, baseline)
    articles = pd.read_parquet(out / "articles")
    assert articles["url"].is_unique and articles["article_id"].is_unique
    manifest = _manifest(out, run_id)
    assert manifest["status"] == "succeeded"
    assert manifest["crawl_stats"].get("health/resume/answered_from_disk", 0) >= len(window)
    assert _run_keys(redis_server.client, prefix) == []

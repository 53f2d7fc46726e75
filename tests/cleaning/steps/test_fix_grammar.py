"""The cleaning run and its grammar backend: one LanguageTool per run, and rows written whatever happens."""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

import cleaning.grammar as grammar
from cleaning.storage.datasets import PartitionedWriter
from cleaning.runner import CleanOptions, clean_run
from crawler.demo import DEMO_HOST, load_articles
from crawler.demo.site import DemoSite
from tests.cleaning.grammar.conftest import FakeLanguageTool

RUN = "20260101T000000Z_grammr"


def _store_demo_pages(root: Path, n: int = 4) -> None:
    site = DemoSite(DEMO_HOST)
    writer = PartitionedWriter(root, "pages", RUN)
    for a in [a for a in load_articles() if a.lang == "en" and not a.near_duplicate_of][:n]:
        path = f"/article/{a.slug}.html"
        writer.write({"url": site.url(path), "status": 200, "fetched_at": datetime.now(timezone.utc),
                      "site": "demo", "kind": "article", "body": site.handle("GET", path, {}).body, "profile": "demo",
                      "run_id": RUN}, "2026-01-01")
    writer.flush()


def test_one_local_languagetool_per_run(tmp_path: Path, monkeypatch):
    _store_demo_pages(tmp_path)
    starts: list[str] = []

    with FakeLanguageTool() as fake:
        @contextlib.contextmanager
        def local_server(*args, **kwargs):
            starts.append("start")
            yield fake.url
            starts.append("stop")

        monkeypatch.setattr(grammar, "languagetool_status", lambda url: (True, "local:/opt/lt/server.jar"))
        monkeypatch.setattr(grammar, "local_languagetool_server", local_server)
        monkeypatch.delenv("HEALTH_LANGUAGETOOL_URL", raising=False)
        report = clean_run(tmp_path, RUN, CleanOptions(grammar_backend="auto", workers=1))
        assert starts == ["start", "stop"]
        assert fake.checks, "the workers did not use the run's LanguageTool"
    articles = pd.read_parquet(tmp_path / "articles")
    assert len(articles) == 4 and articles["grammar_backend"].str.startswith("languagetool").all()
    assert report.grammar_backend.startswith("languagetool")


def test_a_dead_grammar_server_still_writes_every_row(tmp_path: Path, monkeypatch):
    _store_demo_pages(tmp_path)
    with FakeLanguageTool(broken=True) as fake:
        clean_run(tmp_path, RUN, CleanOptions(grammar_backend="languagetool", languagetool_url=fake.url))
    articles = pd.read_parquet(tmp_path / "articles")
    assert len(articles) == 4
    assert articles["grammar_status"].str.startswith("error:").all()
    assert (articles["body"] == articles["body_original"]).all()


def test_under_auto_a_configured_server_that_fails_is_asked_once_per_run(tmp_path: Path):
    """The run finds out once (a server that accepts and never answers costs the request timeout each time):
    its workers get the offline backend instead of each asking the server again."""
    _store_demo_pages(tmp_path)
    with FakeLanguageTool(broken=True) as fake:
        clean_run(tmp_path, RUN, CleanOptions(grammar_backend="auto", languagetool_url=fake.url, workers=2))
        asked = len(fake.requests)
    articles = pd.read_parquet(tmp_path / "articles")
    assert len(articles) == 4 and articles["grammar_backend"].str.startswith("offline").all()
    assert asked == 1


def test_a_process_forked_from_one_that_used_the_step_asks_the_backend_itself(tmp_path: Path):
    """A helper forks a sibling for the crawl's backlog (cleaning/preparer.py): the inherited fixer's request
    thread does not exist in the copy, and its SQLite connection is the parent's; `after_fork` makes the copy
    build its own, so its warm-up reaches the backend instead of waiting on a thread that is gone."""
    import multiprocessing
    from types import SimpleNamespace

    from cleaning.flow import cleaning_steps
    from cleaning.steps import FixGrammar

    with FakeLanguageTool() as fake:
        options = CleanOptions(grammar_backend="languagetool", languagetool_url=fake.url,
                               grammar_cache_dir=str(tmp_path / "cache"))
        step = next(s for s in cleaning_steps(tmp_path, RUN, tmp_path / "stage", options) if isinstance(s, FixGrammar))
        step.warm(SimpleNamespace(body_original="This sentence are asked by the parent.", language="en"))
        asked = len(fake.checks)
        assert asked >= 1

        def child() -> None:
            step.after_fork()
            step.warm(SimpleNamespace(body_original="This other sentence are asked by the copy.", language="en"))
            step.close()

        proc = multiprocessing.get_context("fork").Process(target=child)
        proc.start()
        proc.join(timeout=30)
        alive = proc.is_alive()
        if alive:
            proc.kill()
        assert not alive and proc.exitcode == 0
        assert len(fake.checks) > asked and "copy" in str(fake.checks[-1])
        step.warm(SimpleNamespace(body_original="The parent still asks after the fork.", language="en"))
        assert "parent still" in str(fake.checks[-1])
        step.close()


@pytest.mark.parametrize("installed", [True, False])
def test_auto_is_warmed_elsewhere_as_the_run_will_resolve_it(tmp_path: Path, monkeypatch, installed: bool):
    """A crawl's helpers warm the cache before the run's cleaning opens the step: `auto` is the local LanguageTool
    once installed (`open` starts it: not warmed elsewhere, or two would run), else the offline backend, which a
    fresh install's helpers warm like `offline`."""
    from cleaning.flow import cleaning_steps
    from cleaning.steps import FixGrammar

    monkeypatch.setattr(grammar, "languagetool_status", lambda url, home=None: (installed, "test"))

    def step(backend: str, url: str | None = None) -> FixGrammar:
        options = CleanOptions(grammar_backend=backend, languagetool_url=url)
        return next(s for s in cleaning_steps(tmp_path, RUN, tmp_path / "stage", options) if isinstance(s, FixGrammar))

    assert step("auto").can_warm_elsewhere() is (not installed)
    assert step("offline").can_warm_elsewhere() is True
    assert step("languagetool").can_warm_elsewhere() is False
    assert step("languagetool", "http://127.0.0.1:8081").can_warm_elsewhere() is True
    assert step("auto", "http://127.0.0.1:8081").can_warm_elsewhere() is True
    assert step("none").can_warm_elsewhere() is False

"""Cleaning while crawling (crawler/prepare.py): which grammar backend the helpers warm the cache with."""

from __future__ import annotations

import pytest

import cleaning.grammar.lt_server as lt_server
from crawler.prepare import warms_here


@pytest.mark.parametrize("installed", [True, False])
def test_auto_is_warmed_as_the_cleaning_will_resolve_it(monkeypatch, installed: bool) -> None:
    """`auto` is the local LanguageTool once installed (the cleaning starts it: not warmed here, or two would run),
    else the offline backend, which a fresh install's helpers warm while crawling like `offline`."""
    monkeypatch.setattr(lt_server, "languagetool_status", lambda url, home=None: (installed, "test"))
    assert warms_here("auto", None) is (not installed)
    assert warms_here("offline", None) is True
    assert warms_here("languagetool", None) is False
    assert warms_here("languagetool", "http://127.0.0.1:8081") is True
    assert warms_here("auto", "http://127.0.0.1:8081") is True
    assert warms_here("none", None) is False

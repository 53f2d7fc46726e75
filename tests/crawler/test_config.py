"""The product settings: declared once, read with their declared defaults, documented from the declaration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.settings import Settings

from cleaning.config import SettingError
from crawler import settings as scrapy_settings_module
from crawler.config import DECLARED, PRODUCT_SETTINGS, check_settings, defaults, setting

REPO = Path(__file__).resolve().parents[2]
CODE = [p for d in ("crawler", "cleaning") for p in (REPO / d).rglob("*.py")]


def test_the_docs_table_is_the_declaration() -> None:
    from cleaning.config import markdown_table

    docs = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    assert markdown_table(PRODUCT_SETTINGS) in docs, "regenerate the table: python -m crawler.config"


def test_every_product_setting_used_in_code_is_declared() -> None:
    used = set()
    for path in CODE:
        used |= set(re.findall(r"[\"'](HEALTH_[A-Z0-9_]+)[\"']", path.read_text(encoding="utf-8")))
    assert used - set(DECLARED) == set()


def test_no_component_reads_a_product_setting_with_its_own_default() -> None:
    pattern = re.compile(r"settings\.get(?:int|float|bool|list)?\(\s*[\"'](?:HEALTH_|OUTPUT_DIR)")
    offenders = [str(p.relative_to(REPO)) for p in CODE if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_scrapy_project_settings_carry_the_declared_defaults() -> None:
    for name, default in defaults().items():
        assert getattr(scrapy_settings_module, name) == default


def test_values_are_typed_from_command_line_strings() -> None:
    s = Settings({"HEALTH_GENERIC_DEPTH": "5", "HEALTH_INCREMENTAL": "False", "HEALTH_KEEP_LANGUAGES": "en, fr",
                  "HEALTH_DEDUP_THRESHOLD": "0.9"})
    assert setting(s, "HEALTH_GENERIC_DEPTH") == 5
    assert setting(s, "HEALTH_INCREMENTAL") is False
    assert setting(s, "HEALTH_KEEP_LANGUAGES") == ("en", "fr")
    assert setting(s, "HEALTH_DEDUP_THRESHOLD") == 0.9
    assert setting(Settings(), "HEALTH_GENERIC_DEPTH") == 3  # unset: the declared default


@pytest.mark.parametrize("name, bad", [("HEALTH_GENERIC_DEPTH", "-1"), ("HEALTH_CLEAN_WORKERS", "-1"),
                                       ("HEALTH_DEDUP_THRESHOLD", "1.5"), ("HEALTH_GRAMMAR_BACKEND", "magic"),
                                       ("HEALTH_INCREMENTAL", "maybe"), ("HEALTH_RETRY_BACKOFF", "-2"),
                                       ("HEALTH_PROGRESS_INTERVAL", "nan")])
def test_bad_values_are_refused_naming_the_setting(name: str, bad: str) -> None:
    with pytest.raises(SettingError, match=name):
        check_settings(Settings({name: bad}))


def test_secrets_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTH_LANGUAGETOOL_API_KEY", "k3y")
    assert setting(Settings(), "HEALTH_LANGUAGETOOL_API_KEY") == "k3y"
    assert DECLARED["HEALTH_LANGUAGETOOL_API_KEY"].secret

"""The written fixture pages of tests/fixtures/pages/, for the extraction tests that read them."""

from __future__ import annotations

from pathlib import Path

from cleaning.document import Extraction
from cleaning.extract import extract
from cleaning.extract.core import _parse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
URL = "https://stride.example.net/a/x"


def run_fixture(name: str, url: str = URL) -> Extraction:
    return extract((FIXTURES / f"{name}.html").read_bytes(), url)


def fixture_tree(name: str):  # type: ignore[no-untyped-def]
    return _parse((FIXTURES / f"{name}.html").read_text(encoding="utf-8"))

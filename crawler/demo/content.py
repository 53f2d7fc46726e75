"""Loads the demo articles: TOML front matter between `+++` lines, then the body."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Artifact:
    kind: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class DemoArticle:
    slug: str
    title: str
    category: str
    lang: str
    body: str  # paragraphs separated by a blank line; "## " marks a subheading
    published: date | None = None
    near_duplicate_of: str | None = None
    artifacts: tuple[Artifact, ...] = field(default_factory=tuple)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def plain_body(self) -> str:
        """The body as the product should extract it: subheadings as plain paragraphs."""
        return "\n\n".join(p.removeprefix("## ") for p in self.paragraphs)


def parse_article(slug: str, text: str) -> DemoArticle:
    _, front, body = text.split("+++", 2)
    meta = tomllib.loads(front)
    published = meta.get("date")
    if published is not None and not isinstance(published, date):
        raise ValueError(f"{slug}: date must be a TOML date, got {published!r}")
    return DemoArticle(
        slug=slug,
        title=meta["title"],
        category=meta["category"],
        lang=meta.get("lang", "en"),
        body=body.strip(),
        published=published,
        near_duplicate_of=meta.get("near_duplicate_of"),
        artifacts=tuple(Artifact(**a) for a in meta.get("artifacts", [])),
    )


@lru_cache(maxsize=1)
def load_articles() -> tuple[DemoArticle, ...]:
    """All demo articles, ordered by file name (which starts with a number)."""
    folder = resources.files("crawler.demo") / "content"
    articles = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            articles.append(parse_article(entry.name[:-3], entry.read_text(encoding="utf-8")))
    return tuple(articles)

"""The datasets' Arrow schemas: the product's public interface (see docs/datasets.md).

Change a column only on purpose, and bump SCHEMA_VERSION when you do.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "2"  # 2: pages keep the raw response bytes and their encodings, and the profile used
# (docs/datasets.md, "Schema versions"; cleaning/storage/migrate.py reads and upgrades version 1 files)
PARTITION = "crawl_date"  # Hive partition column (a directory level, not stored in files)

_ts = pa.timestamp("us", tz="UTC")

PAGES = pa.schema([
    pa.field("url", pa.string(), nullable=False),
    pa.field("status", pa.int32(), nullable=False),
    pa.field("fetched_at", _ts, nullable=False),
    pa.field("site", pa.string()),
    pa.field("kind", pa.string()),  # article, listing, unknown
    pa.field("content_type", pa.string()),
    pa.field("etag", pa.string()),
    pa.field("last_modified", pa.string()),
    pa.field("body", pa.large_binary()),  # the response body, raw; decoded by cleaning
    pa.field("declared_encoding", pa.string()),  # charset of the Content-Type header or the page's <meta>
    pa.field("detected_encoding", pa.string()),  # what the crawler decoded it as (Scrapy's inference)
    pa.field("profile", pa.string()),  # site profile name; "" for generic crawls (null: schema version 1)
    pa.field("profile_hash", pa.string()),  # sha256 of the profile's TOML (OUTPUT_DIR/_profiles/)
    pa.field("run_id", pa.string(), nullable=False),
])

ARTICLES = pa.schema([
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("version", pa.int32(), nullable=False),
    pa.field("url", pa.string(), nullable=False),
    pa.field("site", pa.string()),
    pa.field("title", pa.string()),
    pa.field("published_date", pa.date32()),
    pa.field("updated_date", pa.date32()),
    pa.field("date_source", pa.string()),
    pa.field("body", pa.large_string()),
    pa.field("body_original", pa.large_string()),
    pa.field("language", pa.string()),
    pa.field("language_score", pa.float32()),
    pa.field("languages", pa.list_(pa.string())),
    pa.field("mixed_language", pa.bool_()),
    pa.field("word_count", pa.int32()),
    pa.field("body_source", pa.string()),
    pa.field("flags", pa.list_(pa.string())),
    pa.field("content_hash", pa.string()),
    pa.field("grammar_backend", pa.string()),
    pa.field("grammar_status", pa.string()),
    pa.field("grammar_edit_count", pa.int32()),
    pa.field("crawled_at", _ts),
    pa.field("run_id", pa.string(), nullable=False),
])

HOT_PICKS = pa.schema([
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("version", pa.int32()),
    pa.field("block", pa.string()),
    pa.field("rank", pa.int32(), nullable=False),
    pa.field("title", pa.string()),
    pa.field("url", pa.string()),
    pa.field("teaser", pa.string()),
    pa.field("published_date", pa.date32()),
    pa.field("run_id", pa.string(), nullable=False),
])

DUPLICATES = pa.schema([
    pa.field("url", pa.string(), nullable=False),
    pa.field("article_id", pa.string()),  # the dropped copy's own id
    pa.field("duplicate_of", pa.string(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),  # url, exact, near
    pa.field("similarity", pa.float32()),
    pa.field("run_id", pa.string(), nullable=False),
])

GRAMMAR_EDITS = pa.schema([
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("version", pa.int32()),
    pa.field("offset", pa.int32(), nullable=False),
    pa.field("length", pa.int32()),
    pa.field("original", pa.string()),
    pa.field("replacement", pa.string()),
    pa.field("rule_id", pa.string()),
    pa.field("category", pa.string()),
    pa.field("backend", pa.string()),
    pa.field("run_id", pa.string(), nullable=False),
])

DATASETS: dict[str, pa.Schema] = {
    "pages": PAGES,
    "articles": ARTICLES,
    "hot_picks": HOT_PICKS,
    "duplicates": DUPLICATES,
    "grammar_edits": GRAMMAR_EDITS,
}
DERIVED = ("articles", "hot_picks", "duplicates", "grammar_edits")  # rebuilt from pages by cleaning


def with_metadata(name: str) -> pa.Schema:
    return DATASETS[name].with_metadata({"schema_version": SCHEMA_VERSION, "dataset": name})

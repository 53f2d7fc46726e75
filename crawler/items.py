"""Items: plain, serialisable records (no live objects)."""

import base64

import scrapy


def _base64(raw: bytes) -> str:
    """A page's raw bytes as text, for feeds that write text (JSON, CSV, XML): base64, so no byte is lost
    or guessed; `declared_encoding` and `detected_encoding` say how to read them once decoded."""
    return base64.b64encode(raw).decode("ascii") if isinstance(raw, (bytes, bytearray)) else raw


class PageItem(scrapy.Item):
    """One fetched page, raw, as it goes to the `pages` dataset."""

    url = scrapy.Field()
    status = scrapy.Field()
    fetched_at = scrapy.Field()  # timezone-aware UTC datetime
    site = scrapy.Field()
    kind = scrapy.Field()  # article, listing, unknown
    content_type = scrapy.Field()
    etag = scrapy.Field()
    last_modified = scrapy.Field()
    body = scrapy.Field(serializer=_base64)  # the response body, raw bytes (base64 in a feed)
    declared_encoding = scrapy.Field()  # Content-Type or <meta> charset
    detected_encoding = scrapy.Field()  # what Scrapy decoded it as
    profile = scrapy.Field()  # site profile name ("" for generic crawls)
    profile_hash = scrapy.Field()  # sha256 of the profile's TOML, saved under OUTPUT_DIR/_profiles/


class ArticleItem(scrapy.Item):
    """One committed `articles` row (docs/datasets.md), as feed exports (`-o`, FEEDS) receive it once the
    run's cleaning has committed (crawler/feeds.py). Its fields are the dataset's columns."""

    # The dataset's schema is the contract: the item has exactly its columns, never a hand-kept copy.
    from cleaning.storage.schemas import ARTICLES as _schema

    locals().update({_name: scrapy.Field() for _name in _schema.names})
    del _schema

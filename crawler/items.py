"""Items: plain, serialisable records (no live objects)."""

import scrapy


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
    html = scrapy.Field()

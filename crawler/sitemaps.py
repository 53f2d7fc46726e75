"""Sitemaps read as a stream, and fed to the scheduler a batch at a time.

A 200,000-URL sitemap parsed whole and yielded at once stalled the crawl while 200,000 requests went
through the spider middlewares into the scheduler (75 s, 984 MB). Here the sitemap is parsed
iteratively (`SitemapEntries`: lxml iterparse, each entry freed once read, no entity expansion, no
network) and the spider yields SITEMAP_BATCH requests, then one low-priority *batch request*. The
scheduler hands that out only after the requests queued before it at normal priority, so the next
batch is read when the crawl has taken up the last one: the queue holds about one batch of sitemap
URLs at a time. `SitemapBatchMiddleware` answers batch requests itself (nothing is downloaded).

The rest of a sitemap is kept in the spider's process. A batch request that finds nothing kept (a
resumed crawl, another worker of a distributed crawl) fetches the sitemap again and skips the entries
already read, so nothing is lost.

`start_kind` tells a start URL that answered with a sitemap or a feed (by its content type and its XML
root element) from a page, so that the spider reads it as one (crawler/spiders/health.py).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from io import BytesIO

from lxml import etree
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

SITEMAP_BATCH = 1000
BATCH_PRIORITY = -100  # after everything queued at normal priority


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class SitemapEntries:
    """The (loc, lastmod) entries of a sitemap body, read one at a time.

    `type` is "urlset" or "sitemapindex" once the root is read; `position` counts entries read (skipped
    ones included); `error` says why reading stopped early (invalid XML), if it did.
    """

    def __init__(self, body: bytes, skip: int = 0) -> None:
        self.type: str | None = None
        self.position = 0
        body, self.error = xml_of(body)
        self._entries = self._read(body, skip) if self.error is None else iter(())

    def __iter__(self) -> Iterator[tuple[str, str | None]]:
        return self._entries

    def _read(self, body: bytes, skip: int) -> Iterator[tuple[str, str | None]]:
        events = etree.iterparse(BytesIO(body), events=("start", "end"), resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=False, recover=True, remove_comments=True)
        depth = 0
        try:
            for event, elem in events:
                if event == "start":
                    depth += 1
                    if depth == 1:
                        self.type = _local(elem.tag)
                        if self.type not in ("urlset", "sitemapindex"):
                            self.error = f"not a sitemap (root element {self.type!r})"
                            return
                    continue
                depth -= 1
                if depth != 1 or _local(elem.tag) not in ("url", "sitemap"):
                    continue
                loc = lastmod = None
                for child in elem:
                    name = _local(child.tag)
                    if name == "loc":
                        loc = (child.text or "").strip()
                    elif name == "lastmod":
                        lastmod = (child.text or "").strip() or None
                # Read entries are dropped from the tree: memory stays flat however long the sitemap.
                elem.clear()
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
                self.position += 1
                if self.position > skip and loc:
                    yield loc, lastmod
        except etree.LxmlError as exc:  # lxml raises many types on hostile XML
            self.error = str(exc) or type(exc).__name__
        if self.error is None:
            # recover=True reads on past broken XML (a sitemap cut short in transfer): what it could not read
            # is lost, and must be said, not passed over
            fatal = [e for e in events.error_log if e.level_name == "FATAL"]
            if fatal:
                self.error = f"broken XML, read up to line {fatal[0].line}: {fatal[0].message}"
        if self.type is None and self.error is None:
            self.error = "empty document"


GZIP_MAGIC = b"\x1f\x8b"
MAX_XML_BYTES = 100 * 1024 * 1024  # a gzipped sitemap's size once decompressed (the protocol allows 50 MB)


def xml_of(body: bytes) -> tuple[bytes, str | None]:
    """The XML of a sitemap or feed body, and why there is none: a gzip file (`sitemap.xml.gz`, served
    as a file, not with Content-Encoding, so nothing decompressed it on the way) is decompressed, up to
    MAX_XML_BYTES (a bomb stops there)."""
    if not body.startswith(GZIP_MAGIC):
        return body, None
    from scrapy.utils.gz import gunzip

    try:
        return gunzip(body, max_size=MAX_XML_BYTES), None
    except Exception as exc:  # noqa: BLE001 - zlib, EOF, and Scrapy's own size error: all say "unreadable"
        return b"", f"gzip that does not decompress ({type(exc).__name__}: {exc})"


SITEMAP_ROOTS = ("urlset", "sitemapindex")
FEED_ROOTS = ("rss", "feed")  # RSS 2.0 and Atom: what the spider's feed reading understands
FEED_TYPES = (b"application/rss+xml", b"application/atom+xml")


def root_element(body: bytes) -> str | None:
    """The local name (lowercased) of an XML body's root element, or None when the body is no XML.
    Only the start of the body is parsed, as safely as sitemaps are (no entities, no network)."""
    try:
        for _event, elem in etree.iterparse(BytesIO(body), events=("start",), resolve_entities=False,
                                            no_network=True, load_dtd=False, huge_tree=False, recover=True):
            return _local(elem.tag) or None
    except etree.LxmlError:
        return None
    return None


def start_kind(content_type: bytes | None, body: bytes) -> tuple[str | None, str | None]:
    """("sitemap" | "feed" | None, root element or None) of a start URL's 200 response.

    A body that may be XML (an XML content type, or a body opening with `<`) is read up to its root
    element: <urlset> or <sitemapindex> is a sitemap, <rss> or Atom's <feed> a feed. An RSS or Atom
    content type is a feed whatever its root says. Anything else (HTML pages included) is neither.
    """
    ctype = (content_type or b"").lower()
    if body.startswith(GZIP_MAGIC):  # sitemap.xml.gz: what its start holds decides, whatever the type says
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, 65536)
        except zlib.error:
            return None, None
        ctype = b"application/xml"
    if b"html" in ctype and not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        return None, None  # a page (an XHTML page opening with <?xml is read to its <html> root below)
    if b"xml" not in ctype and not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return None, None
    root = root_element(body)
    if root in SITEMAP_ROOTS:
        return "sitemap", root
    if root in FEED_ROOTS or any(t in ctype for t in FEED_TYPES):
        return "feed", root
    return None, root


class SitemapBatchMiddleware:
    """Downloader middleware: answers the spider's sitemap batch requests without a download."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SitemapBatchMiddleware":
        return cls()

    def process_request(self, request: Request, spider: Spider | None = None) -> Response | None:
        if request.meta.get("health_sitemap_batch") is None:
            return None
        return Response(request.url, status=200, request=request, flags=["sitemap_batch"])


__all__ = ["BATCH_PRIORITY", "FEED_ROOTS", "SITEMAP_BATCH", "SITEMAP_ROOTS", "SitemapBatchMiddleware",
           "SitemapEntries", "root_element", "start_kind"]

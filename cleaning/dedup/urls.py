"""URL canonicalisation, article ids and rel=canonical resolution.

Built on courlan (tracker list, default ports, punycode, path clean-up) and
w3lib (query sorting, percent-encoding, fragments); the only rules written
here are the session-id parameters, the trailing-slash choice and the
same-registered-domain check for rel=canonical.

Canonical form:

* scheme and host lower-cased, default port (80/443) dropped, fragment dropped;
* user info (``user:password@``) dropped: credentials never reach stored URLs;
* tracking parameters dropped (courlan's list: ``utm_*``, ``fbclid``, ``gclid``,
  ``mc_*``, ``*campaign*``, ``ref``, ``source``, ...) and session ids dropped
  (``jsessionid``, ``phpsessid``, ``sid``, ``sessionid``, ``aspsessionid*``,
  ``cfid``, ``cftoken``; also as ``;jsessionid=`` path parameters);
* remaining query parameters kept, sorted, percent-encoding normalised;
* no trailing slash, except the root path (``https://example.com/``): the form ids are made of.
  The form a crawl *fetches* keeps the path's final slash (``keep_trailing_slash=True``): ``/health/``
  and ``/health`` can be different pages to a server, and a page's relative links resolve against the
  address it was fetched from (``walking.html`` on ``/health/`` is ``/health/walking.html``).

Nothing here raises: input that is not an http(s) URL comes back stripped
but otherwise as it was (an http(s) URL that cannot be normalised still loses
its user info).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan
from w3lib.url import canonicalize_url as _w3lib_canonicalize
from w3lib.url import url_query_cleaner

__all__ = ["canonicalize_url", "article_id", "resolve_canonical", "registered_domain"]

SESSION_PARAMS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "cfid", "cftoken", "zenid", "oscsid"}
)
_SESSION_PREFIXES = ("aspsessionid",)
# ;jsessionid=ABC or ;phpsessid=... path parameters (Java servlet style)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#]*", re.IGNORECASE)
_SCHEMES = ("http", "https")


def join_url(base: str | None, href: str) -> str | None:
    """`href` made absolute against `base` (kept as it is without one); None for a malformed URL
    ("http://[bad/x": urljoin raises ValueError), which then costs only itself, never the rest of its
    page, sitemap or feed."""
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return None


def _is_session_param(name: str) -> bool:
    n = name.lower()
    return n in SESSION_PARAMS or n.startswith(_SESSION_PREFIXES)


def _drop_userinfo(url: str) -> str:
    """`url` without ``user:password@`` in its authority (unchanged if it has none)."""
    try:
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            return url
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    except Exception:
        return url


def canonicalize_url(url: str, *, keep_trailing_slash: bool = False) -> str:
    """Canonical form of an http(s) URL (see the module docstring); with `keep_trailing_slash`, the form
    to fetch, whose path keeps its final "/"."""
    if isinstance(url, str):
        # A pure function of the URL, asked again and again for the same URLs: every page links to the
        # site's navigation, and a page's URL is canonicalised by the crawl, by extraction and by dedup.
        # (A trap's kilobyte-long URLs are not kept.)
        return (_canonical_of if len(url) <= 512 else _canonical_of.__wrapped__)(url, keep_trailing_slash)
    try:
        raw = str(url).strip() if url is not None else ""
    except Exception:  # pragma: no cover - str() of a weird object
        return ""
    return _canonical_of(raw, keep_trailing_slash)


@lru_cache(maxsize=16_384)
def _canonical_of(url: str, keep_trailing_slash: bool) -> str:
    raw = url.strip()
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        if parts.scheme.lower() not in _SCHEMES or not parts.netloc:
            return raw
        raw = _PATH_SESSION.sub("", "".join(raw.split()))
        # courlan: lower-case scheme/host, drop default port, trackers, punycode
        url1 = courlan.normalize_url(raw, strict=False, trailing_slash=True)
        # w3lib: sort query, normalise percent-encoding, drop the fragment
        url2 = _w3lib_canonicalize(url1, keep_fragments=False)
        parts = urlsplit(url2)
        if parts.query:
            names = {kv.split("=", 1)[0] for kv in parts.query.split("&") if kv}
            drop = sorted(n for n in names if _is_session_param(n))
            if drop:
                url2 = url_query_cleaner(url2, drop, remove=True, keep_fragments=False)
                parts = urlsplit(url2)
        path = parts.path or "/"
        if len(path) > 1 and not keep_trailing_slash:
            path = path.rstrip("/") or "/"
        netloc = parts.netloc.rpartition("@")[2].lower()  # no user:password@
        return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))
    except Exception:
        return _drop_userinfo(raw)


def article_id(url: str) -> str:
    """Stable 16-hex id of the canonical URL (BLAKE2b, 8-byte digest)."""
    canon = canonicalize_url(url)
    return hashlib.blake2b(canon.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def registered_domain(url: str) -> str | None:
    """Registered domain (``bbc.co.uk`` for ``https://www.bbc.co.uk/x``).

    Uses courlan's public-suffix lookup; falls back to the bare host for IP
    addresses and hosts without a public suffix (``localhost``).
    """
    try:
        host = (urlsplit(url).hostname or "").lower()
    except Exception:
        return None
    if not host:
        return None
    try:
        dom = courlan.extract_domain(url)
    except Exception:
        dom = None
    if dom:
        return dom.lower()
    return host


def resolve_canonical(page_url: str, canonical_link: str | None, *, keep_trailing_slash: bool = False) -> str:
    """The canonical URL of a page, given its ``<link rel=canonical>`` (or None).

    The link is resolved against the page URL and accepted only if it is
    http(s) and on the same registered domain as the page; otherwise the page
    URL is used. Either way the result is canonicalised, so ``?print=1`` and
    ``/amp/`` variants that declare their article collapse onto it. With ``keep_trailing_slash`` the path
    keeps its final "/" (the address to fetch; ids are made of the form without it).
    """
    page = canonicalize_url(page_url, keep_trailing_slash=keep_trailing_slash)
    link = "".join(str(canonical_link).split()) if canonical_link else ""
    if not link:
        return page
    try:
        absolute = urljoin(page_url.strip() if isinstance(page_url, str) else "", link)
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
            return page
        page_dom = registered_domain(page)
        link_dom = registered_domain(absolute)
        if not page_dom or page_dom != link_dom:
            return page
        return canonicalize_url(absolute, keep_trailing_slash=keep_trailing_slash)
    except Exception:
        return page

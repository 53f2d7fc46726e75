"""What may be written down: settings and URLs without their secrets.

Settings are filtered to the product's and Scrapy's crawl settings, secret-named ones redacted; URLs
lose their user:password@ and the values of secret-looking query parameters. Every manifest, log line
and report that shows a setting or a URL goes through here.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import unquote_plus

_SECRET_KEY = re.compile(r"KEY|SECRET|PASSWORD|PASSWD|TOKEN|AUTH|CREDENTIAL|COOKIE", re.I)
_KEPT_PREFIXES = ("HEALTH_", "AUTOTHROTTLE_", "CONCURRENT_", "DOWNLOAD_", "RETRY_", "ROBOTSTXT_", "DEPTH_",
                  "CLOSESPIDER_", "REDIS_", "SCHEDULER")
_KEPT = {"OUTPUT_DIR", "JOBDIR", "USER_AGENT", "LOG_LEVEL", "DUPEFILTER_CLASS", "HTTPPROXY_ENABLED"}


# Query (or fragment) parameters whose values are secrets: names compared case-insensitively, '-' as '_'.
_SECRET_PARAMS = frozenset({"key", "apikey", "api_key", "token", "access_token", "password", "passwd", "pwd",
                            "secret", "sig", "signature", "auth"})
_SECRET_PARAM_SUFFIXES = ("token", "secret", "password", "passwd", "apikey", "api_key", "signature", "credential")
REDACTED = "<redacted>"
_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*:")
_URL_USERINFO = re.compile(r"^(?P<scheme>\s*[A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_BARE_USERINFO = re.compile(r"^\s*(?P<user>[^\s:/?#@]*):[^\s/?#@]*@(?=[^\s/?#@:]+)")


def _is_secret_param(name: str) -> bool:
    n = unquote_plus(name).strip().lower().replace("-", "_")
    return n in _SECRET_PARAMS or n.endswith(_SECRET_PARAM_SUFFIXES)


def _redact_params(query: str) -> str:
    """`a=1&apiKey=XYZ` -> `a=1&apiKey=<redacted>`; everything else is kept byte for byte."""
    out = []
    for pair in query.split("&"):
        name, eq, value = pair.partition("=")
        out.append(f"{name}={REDACTED}" if eq and value and _is_secret_param(name) else pair)
    return "&".join(out)


def strip_credentials(value: str) -> str:
    """A URL-looking string without secrets: user:password@ removed, secret query parameters redacted.

    Secret parameters (``token``, ``access_token``, ``key``, ``apiKey``, ``api_key``, ``password``,
    ``secret``, ``sig``, ``signature``, ... in any case) keep their name, their value becomes
    ``<redacted>``. Anything that does not look like a URL comes back unchanged.
    """
    if not isinstance(value, str):
        return value
    if "://" not in value and (m := _BARE_USERINFO.match(value)) and m.group("user").lower() != "mailto":
        value = value[m.end():]  # user:password@host:port/... written without a scheme
    elif not _SCHEME.match(value):
        return value
    # Split as urlsplit does (fragment at the first '#', then query at the first '?') but by hand, so that
    # URLs urlsplit rejects (bad port, unclosed IPv6 bracket) are cleaned too and nothing else is re-encoded.
    head, hash_, fragment = _URL_USERINFO.sub(r"\g<scheme>", value).partition("#")
    head, qmark, query = head.partition("?")
    if "=" in fragment:  # #access_token=... (OAuth implicit flow)
        fragment = _redact_params(fragment)
    return head + qmark + _redact_params(query) + hash_ + fragment


_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>()]+")


def scrub(text: str) -> str:
    """A message (an exception's, a library's) with every URL in it passed through `strip_credentials`:
    HTTP clients name the URL they failed on, credentials included."""
    return _URL_IN_TEXT.sub(lambda m: strip_credentials(m.group()), text) if isinstance(text, str) else text


class ScrubbingFilter(logging.Filter):
    """A logging filter that scrubs URLs in a record's message: set on the loggers of libraries that log the
    URLs they call (language_tool_python logs its server URL, credentials included, at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "://" in message:
            record.msg, record.args = scrub(message), None
        return True


def _redact_value(value: Any) -> Any:
    """JSON-able copy of a setting's value: strings via strip_credentials, secret-named keys redacted."""
    if isinstance(value, str):
        return strip_credentials(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): (REDACTED if v and _SECRET_KEY.search(str(k)) else _redact_value(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_redact_value(v) for v in items]
    return json.loads(json.dumps(value, default=str))


def redact_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings worth recording, with secrets removed."""
    out: dict[str, Any] = {}
    for key in sorted(settings):
        if key not in _KEPT and not key.startswith(_KEPT_PREFIXES):
            continue
        value = settings[key]
        if _SECRET_KEY.search(key):
            out[key] = REDACTED if value else value
        else:
            out[key] = _redact_value(value)
    return out

"""Site profiles: what the product knows about one site, as data (TOML), validated on load.

A profile only ever adds knowledge: start URLs, which URLs are articles or
listings, and CSS selectors that beat generic extraction on that site.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SAVED = "_profiles"  # OUTPUT_DIR/_profiles/NAME-HASH.toml: every profile a crawl used, as it was


class ProfileError(ValueError):
    """A site profile is missing, unreadable or invalid; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Selectors:
    """CSS selectors; every one is optional."""

    title: str | None = None
    date: str | None = None
    body: str | None = None
    remove: tuple[str, ...] = ()  # removed from the body before text is taken
    related_block: str | None = None  # one element per related-articles block
    related_heading: str | None = None  # inside the block
    related_item: str | None = None  # inside the block
    related_title: str | None = None  # inside an item
    related_link: str | None = None  # inside an item; its href
    related_teaser: str | None = None
    related_date: str | None = None
    related_rank: str | None = None


@dataclass(frozen=True, slots=True)
class SiteProfile:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...] = ()
    sitemap_urls: tuple[str, ...] = ()
    feed_urls: tuple[str, ...] = ()
    article_urls: tuple[str, ...] = ()  # regexes searched in the URL path+query
    listing_urls: tuple[str, ...] = ()
    deny_urls: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()  # strptime formats of the visible date line
    languages: tuple[str, ...] = ()
    description: str = ""
    selectors: Selectors = field(default_factory=Selectors)
    text: str = field(default="", repr=False, compare=False)  # the TOML it was parsed from

    @property
    def content_hash(self) -> str:
        """sha256 of the profile's TOML: which version of a profile a crawl used."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def url_kind(self, url: str) -> str:
        """'article', 'listing' or 'unknown' by the profile's URL patterns."""
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        if any(re.search(p, target) for p in self.article_urls):
            return "article"
        if any(re.search(p, target) for p in self.listing_urls):
            return "listing"
        return "unknown"

    def denies(self, url: str) -> bool:
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return any(re.search(p, target) for p in self.deny_urls)


_TOP_KEYS = {"name", "description", "start_urls", "allowed_domains", "sitemap_urls", "feed_urls",
             "urls", "selectors", "dates"}


def _check_css(where: str, selector: Any) -> str:
    from cssselect import GenericTranslator, SelectorError

    if not isinstance(selector, str) or not selector.strip():
        raise ProfileError(f"{where}: expected a CSS selector string, got {selector!r}")
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ProfileError(f"{where}: invalid CSS selector {selector!r}: {exc}") from None
    return selector


def _check_regexes(where: str, values: Any) -> tuple[str, ...]:
    values = _strings(where, values)
    for v in values:
        try:
            re.compile(v)
        except re.error as exc:
            raise ProfileError(f"{where}: invalid regular expression {v!r}: {exc}") from None
    return values


def _strings(where: str, values: Any) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProfileError(f"{where}: expected a list of strings, got {values!r}")
    return tuple(values)


def _http_urls(where: str, values: Any) -> tuple[str, ...]:
    urls = _strings(where, values)
    for u in urls:
        p = urlsplit(u)
        if p.scheme not in ("http", "https") or not p.hostname:
            raise ProfileError(f"{where}: {u!r} is not an absolute http(s) URL")
    return urls


def parse_profile(data: dict[str, Any], source: str = "<profile>") -> SiteProfile:
    """Validates a profile's TOML data; every error names the file and key."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ProfileError(f"{source}: unknown keys {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    name = data.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise ProfileError(f"{source}: 'name' must be a lowercase identifier, got {name!r}")
    if "start_urls" not in data:
        raise ProfileError(f"{source}: 'start_urls' is required")
    start_urls = _http_urls(f"{source}: start_urls", data["start_urls"])
    if not start_urls:
        raise ProfileError(f"{source}: 'start_urls' must not be empty")
    urls = data.get("urls", {})
    if set(urls) - {"article", "listing", "deny"}:
        raise ProfileError(f"{source}: [urls] allows only article, listing, deny; got {sorted(urls)}")
    sel_data = dict(data.get("selectors", {}))
    sel_names = {f.name for f in fields(Selectors)}
    if set(sel_data) - sel_names:
        raise ProfileError(f"{source}: unknown selectors {sorted(set(sel_data) - sel_names)}; allowed: {sorted(sel_names)}")
    for key, value in sel_data.items():
        if key == "remove":
            sel_data[key] = tuple(_check_css(f"{source}: selectors.remove", v) for v in _strings(f"{source}: selectors.remove", value))
        else:
            _check_css(f"{source}: selectors.{key}", value)
    dates = data.get("dates", {})
    if set(dates) - {"formats", "languages"}:
        raise ProfileError(f"{source}: [dates] allows only formats, languages; got {sorted(dates)}")
    domains = _strings(f"{source}: allowed_domains", data.get("allowed_domains", []))
    if not domains:
        domains = tuple(sorted({urlsplit(u).hostname or "" for u in start_urls}))
    return SiteProfile(
        name=name,
        description=str(data.get("description", "")),
        start_urls=start_urls,
        allowed_domains=domains,
        sitemap_urls=_http_urls(f"{source}: sitemap_urls", data.get("sitemap_urls", [])),
        feed_urls=_http_urls(f"{source}: feed_urls", data.get("feed_urls", [])),
        article_urls=_check_regexes(f"{source}: urls.article", urls.get("article", [])),
        listing_urls=_check_regexes(f"{source}: urls.listing", urls.get("listing", [])),
        deny_urls=_check_regexes(f"{source}: urls.deny", urls.get("deny", [])),
        date_formats=_strings(f"{source}: dates.formats", dates.get("formats", [])),
        languages=_strings(f"{source}: dates.languages", dates.get("languages", [])),
        selectors=Selectors(**sel_data),
    )


def profile_dirs(search: Sequence[str | Path] = ()) -> list[Traversable]:
    """Where profiles are looked up: the `search` folders (HEALTH_SITES_DIR) first, then the bundled ones.

    Bundled profiles are read as package resources, so they load from a zipped egg (Scrapyd) too.
    """
    dirs: list[Traversable] = [Path(p) for p in search if str(p)]
    dirs.append(resources.files("crawler").joinpath("sites"))
    return dirs


def available_profiles(search: Sequence[str | Path] = ()) -> list[str]:
    names = {e.name[:-5] for d in profile_dirs(search) if d.is_dir() for e in d.iterdir() if e.name.endswith(".toml")}
    return sorted(names)


def load_profile(name_or_path: str, search: Sequence[str | Path] = ()) -> SiteProfile:
    """Loads a profile by name (searched in `profile_dirs(search)`) or by path to a .toml file."""
    source: Traversable
    if name_or_path.endswith(".toml"):
        source = Path(name_or_path)
        if not source.is_file():
            raise ProfileError(f"site profile file {name_or_path!r} does not exist")
    else:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name_or_path):
            raise ProfileError(f"invalid site name {name_or_path!r}: use a lowercase name such as 'demo'")
        found = [d.joinpath(f"{name_or_path}.toml") for d in profile_dirs(search)
                 if d.joinpath(f"{name_or_path}.toml").is_file()]
        if not found:
            raise ProfileError(
                f"unknown site {name_or_path!r}; available: {', '.join(available_profiles(search)) or 'none'}"
                " (add NAME.toml to a folder in HEALTH_SITES_DIR, or give -a site=PATH.toml)"
            )
        source = found[0]
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{source}: cannot read site profile: {exc}") from None
    profile = profile_from_text(text, str(source))
    if not name_or_path.endswith(".toml") and profile.name != name_or_path:
        raise ProfileError(f"{source}: 'name' is {profile.name!r} but the file is named {name_or_path!r}")
    return profile


def profile_from_text(text: str, source: str = "<profile>") -> SiteProfile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: cannot read site profile: {exc}") from None
    return replace(parse_profile(data, source), text=text)


def saved_name(name: str, content_hash: str) -> str:
    """Where, under OUTPUT_DIR, `save_profile` keeps the profile NAME whose TOML has this sha256."""
    return f"{SAVED}/{name}-{content_hash[:16]}.toml"


def save_profile(root: Path, profile: SiteProfile) -> Path:
    """Keeps the profile a crawl uses beside its datasets, so cleaning (now or offline, later) uses the same one."""
    from cleaning.storage.atomic import write_text_atomic

    path = Path(root) / saved_name(profile.name, profile.content_hash)
    if not path.is_file():
        write_text_atomic(path, profile.text)
    return path


def saved_profile(root: Path, name: str, content_hash: str) -> SiteProfile:
    """The profile a crawl saved with `save_profile`; ProfileError if it is gone or was altered."""
    path = Path(root) / saved_name(name, content_hash)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: the site profile this crawl used cannot be read: {exc}") from None
    profile = profile_from_text(text, str(path))
    if profile.content_hash != content_hash:
        raise ProfileError(f"{path}: changed since the crawl used it (sha256 differs)")
    return profile

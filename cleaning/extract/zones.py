"""The publisher's likely time zone, from the page's language tag or the site's country domain.

Used only to turn a UTC instant ("2021-11-04T23:00Z") into the publisher's local day when the
page states no local value. A tag without a region whose language spans many zones (English,
Spanish, Portuguese, Arabic) gives none: the UTC day is kept.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import lru_cache
from urllib.parse import urlsplit

# language or language-REGION (lower case) -> IANA zone
ZONES = {
    "de": "Europe/Berlin", "de-de": "Europe/Berlin", "de-at": "Europe/Vienna", "de-ch": "Europe/Zurich",
    "fr": "Europe/Paris", "fr-fr": "Europe/Paris", "fr-ch": "Europe/Zurich", "fr-be": "Europe/Brussels",
    "fr-ca": "America/Toronto", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "nl-be": "Europe/Brussels",
    "pl": "Europe/Warsaw", "cs": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest",
    "da": "Europe/Copenhagen", "sv": "Europe/Stockholm", "nb": "Europe/Oslo", "no": "Europe/Oslo",
    "fi": "Europe/Helsinki", "el": "Europe/Athens", "ro": "Europe/Bucharest", "bg": "Europe/Sofia",
    "hr": "Europe/Zagreb", "sl": "Europe/Ljubljana", "sr": "Europe/Belgrade", "uk": "Europe/Kyiv",
    "tr": "Europe/Istanbul", "ru": "Europe/Moscow", "he": "Asia/Jerusalem", "fa": "Asia/Tehran",
    "hi": "Asia/Kolkata", "th": "Asia/Bangkok", "vi": "Asia/Ho_Chi_Minh", "id": "Asia/Jakarta",
    "ms": "Asia/Kuala_Lumpur", "zh": "Asia/Shanghai", "zh-cn": "Asia/Shanghai", "zh-tw": "Asia/Taipei",
    "zh-hk": "Asia/Hong_Kong", "ja": "Asia/Tokyo", "ko": "Asia/Seoul",
    "en-us": "America/New_York", "en-gb": "Europe/London", "en-ie": "Europe/Dublin", "en-au": "Australia/Sydney",
    "en-nz": "Pacific/Auckland", "en-in": "Asia/Kolkata", "en-sg": "Asia/Singapore", "en-za": "Africa/Johannesburg",
    "en-ca": "America/Toronto", "es-es": "Europe/Madrid", "es-mx": "America/Mexico_City", "es-ar": "America/Argentina/Buenos_Aires",
    "es-co": "America/Bogota", "pt-pt": "Europe/Lisbon", "pt-br": "America/Sao_Paulo",
}
# country domains -> zone (only where one zone covers the country)
TLD_ZONES = {
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "fr": "Europe/Paris", "it": "Europe/Rome",
    "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "pl": "Europe/Warsaw", "cz": "Europe/Prague",
    "uk": "Europe/London", "ie": "Europe/Dublin", "es": "Europe/Madrid", "dk": "Europe/Copenhagen",
    "se": "Europe/Stockholm", "no": "Europe/Oslo", "fi": "Europe/Helsinki", "jp": "Asia/Tokyo", "kr": "Asia/Seoul",
    "cn": "Asia/Shanghai", "tw": "Asia/Taipei", "hk": "Asia/Hong_Kong", "in": "Asia/Kolkata", "sg": "Asia/Singapore",
    # Spanish-speaking America, where a tag says only "es" (and Spain's zone would move an evening story a day on)
    "ar": "America/Argentina/Buenos_Aires", "uy": "America/Montevideo", "py": "America/Asuncion",
    "cl": "America/Santiago", "pe": "America/Lima", "co": "America/Bogota", "ve": "America/Caracas",
    "ec": "America/Guayaquil", "bo": "America/La_Paz", "cr": "America/Costa_Rica", "gt": "America/Guatemala",
    "hn": "America/Tegucigalpa", "ni": "America/Managua", "sv": "America/El_Salvador", "pa": "America/Panama",
    "do": "America/Santo_Domingo", "cu": "America/Havana", "pr": "America/Puerto_Rico",
}
_TAG = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{2}))?", re.I)


def zone_name(lang: str | None, url: str | None = None) -> str | None:
    m = _TAG.match((lang or "").strip())
    if m:
        language, region = m.group(1).lower(), (m.group(2) or "").lower()
        name = ZONES.get(f"{language}-{region}") if region else None
        if name or (name := ZONES.get(language)):
            return name
    host = urlsplit(url or "").hostname or ""
    return TLD_ZONES.get(host.rsplit(".", 1)[-1]) if "." in host else None


@lru_cache(maxsize=64)
def _zone(name: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_day(instant: datetime, lang: str | None, url: str | None = None) -> date | None:
    """The day of a UTC instant in the publisher's zone, or None when the zone is unknown."""
    name = zone_name(lang, url)
    zone = _zone(name) if name else None
    if zone is None:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return instant.astimezone(zone).date()

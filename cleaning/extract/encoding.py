"""Turning the bytes the crawl fetched into Unicode text.

    text, encoding, flags = decode(body, content_type, declared=None)
    encoding = detect_encoding(body, content_type)   # cheap, for the crawler to record per page

A byte-order mark wins. A declared charset (the caller's `declared`, the HTTP Content-Type, the
page's <meta charset>, an XML declaration `<?xml ... encoding="windows-1250"?>` opening the page) is
trusted only when the bytes decode under it. UTF-8 is judged segment by segment (lines): when most of the page is valid UTF-8, the few invalid bytes are replaced
(flag `invalid_bytes_replaced`) or, when a whole line is in a legacy single-byte encoding (a
Windows-1252 fragment pasted into a UTF-8 page), that line is decoded with it (flag
`mixed_encoding`) - one stray byte never sends the whole page to a guessed code page. A page that
is not UTF-8 at all is decoded with its declared charset or, if that fails or there is none,
with charset_normalizer's guess (flags `charset_mismatch`, `charset_guessed`). Mojibake in
extracted text (UTF-8 read as Windows-1252 upstream) is repaired with ftfy (`fix_text`).
"""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# only at the very start: an XHTML page's own declaration, never one quoted in its text
_XML_CHARSET = re.compile(rb"\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
# Magic numbers of formats that are certainly not HTML (only distinctive ones: a page may well start
# with "BM" or "ID3" as text; such formats are caught by their control bytes instead).
_BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"PK\x05\x06", b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"\x1f\x8b",
                 b"7z\xbc\xaf", b"Rar!\x1a", b"\x7fELF", b"\x28\xb5\x2f\xfd", b"\xfd7zXZ", b"wOFF", b"wOF2",
                 b"\xd0\xcf\x11\xe0", b"SQLite format", b"RIFF", b"OggS", b"\x1aE\xdf\xa3")
# Browsers read these labels as their supersets (WHATWG Encoding Standard).
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "iso-8859-1": "cp1252",
            "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254",
            "tis-620": "cp874", "iso-8859-11": "cp874", "ks_c_5601-1987": "euc_kr", "x-sjis": "shift_jis",
            "shift-jis": "shift_jis", "sjis": "shift_jis", "x-euc-jp": "euc_jp", "unicode": "utf-16-le",
            "utf8": "utf-8"}
_UTF16 = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
# A well-formed UTF-8 sequence (RFC 3629): 2-, 3- and 4-byte forms.
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|"
                       rb"\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|"
                       rb"\xf4[\x80-\x8f][\x80-\xbf]{2}")
_HIGH = re.compile(rb"[\x80-\xff]")


def normalize_charset(charset: str | None) -> str | None:
    """Python codec name for a charset label (browser aliases applied), or None when unknown."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charsets(data: bytes, content_type: str | None, declared: str | None = None) -> list[str]:
    """Known charsets the caller, the HTTP header, the page's own <meta> and its XML declaration declare, in
    that order (the XML declaration last: browsers read an XHTML page served as text/html by its <meta>)."""
    names = []
    if declared:
        names.append(normalize_charset(declared))
    if content_type:
        m = _CT_CHARSET.search(content_type)
        if m:
            names.append(normalize_charset(m.group(1)))
    m = _META_CHARSET.search(data[:4096])
    if m:
        names.append(normalize_charset(m.group(1).decode("ascii", "ignore")))
    m = _XML_CHARSET.match(data, 0, 1024)
    if m:
        names.append(normalize_charset(m.group(1).decode("ascii", "ignore")))
    return list(dict.fromkeys(n for n in names if n))


def looks_binary(data: bytes) -> bool:
    """True for bytes that are an image, archive, PDF, font, executable ... rather than text."""
    head = data[:2048]
    if any(head.startswith(m) for m in _BINARY_MAGIC):
        return True
    if head.startswith(tuple(b for b, _ in _BOMS)):
        return False
    # Control bytes other than whitespace (and NULs) are rare in any text encoding but UTF-16/32,
    # which carry a BOM (handled above) or are declared.
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return ctrl > len(head) * 0.05


_CONTROL_BYTES = bytes([*range(9), *range(14, 32), 127])


_BAD_CHARS = re.compile("[\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f]")


def looks_binary_text(text: str) -> bool:
    """The same test for text a caller already decoded (binary bytes become U+FFFD and controls)."""
    head = text[:2048]
    if not head:
        return False
    if head[:16].encode("latin-1", errors="replace").startswith(_BINARY_MAGIC) or head.startswith("\ufffdPNG"):
        return True
    return len(_BAD_CHARS.findall(head)) > len(head) * 0.1


def _strict(data: bytes, charset: str) -> str | None:
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_share(data: bytes) -> tuple[int, int]:
    """(bytes in well-formed UTF-8 sequences, all non-ASCII bytes)."""
    high = len(_HIGH.findall(data))
    good = sum(len(m) for m in _UTF8_SEQ.findall(data))
    return good, high


def _credible(names: list[str], data: bytes) -> list[str]:
    # A UTF-16/32 label on bytes without NULs is a copy-paste error (a <meta> written in ASCII).
    return [n for n in names if n not in _UTF16 or b"\x00" in data[:64]]


def _mostly_utf8(good: int, high: int) -> bool:
    """More non-ASCII bytes in well-formed UTF-8 sequences than outside them. Legacy text is valid
    UTF-8 only by chance (about one GBK or EUC-KR pair in ten, almost never Windows-1252)."""
    return high > 0 and good > high - good


def decode(data: bytes, content_type: str | None = None, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Decodes page bytes; returns (text, encoding used, flags). Never raises.

    Valid UTF-8 with non-ASCII bytes is UTF-8 whatever is declared (legacy text is almost never
    valid UTF-8 by chance, while UTF-8 pages served as ISO-8859-1 are common); otherwise a declared
    charset under which the bytes decode; otherwise mostly-UTF-8 pages segment by segment;
    otherwise detection."""
    flags: list[str] = []
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace"), name, flags
    names = _credible(declared_charsets(data, content_type, declared), data)
    first = names[0] if names else None
    if first in _UTF16:
        text = _strict(data, first)
        if text is not None:
            return text, first, flags
    text = _strict(data, "utf-8")
    if text is not None:
        if not _HIGH.search(data) and first and first not in _UTF16:
            return text, first, flags  # ASCII only: every ASCII-compatible charset reads it the same
        if first and first != "utf-8":
            flags.append("charset_mismatch")
        return text, "utf-8", flags
    good, high = _utf8_share(data)
    if _mostly_utf8(good, high):
        return _decode_segments(data, names, flags), "utf-8", flags
    for name in names:
        if name != "utf-8":
            text = _strict(data, name)
            if text is not None:
                return text, name, flags
    if names:
        flags.append("charset_mismatch")
    flags.append("charset_guessed")
    name = _guess(data)
    return data.decode(name, errors="replace"), name, flags


def _decode_segments(data: bytes, names: list[str], flags: list[str]) -> str:
    """A mostly-UTF-8 page: each line as UTF-8; a line with no UTF-8 in it but legacy bytes in a
    single-byte encoding; stray bytes replaced."""
    legacy = next((n for n in names if n != "utf-8" and n not in _UTF16), None) or "cp1252"
    out = []
    mixed = replaced = False
    for line in data.split(b"\n"):
        text = _strict(line, "utf-8")
        if text is None:
            good, high = _utf8_share(line)
            legacy_text = _strict(line, legacy) if good == 0 and high >= 2 else None
            if legacy_text is not None and _plausible_legacy(legacy_text):
                text, mixed = legacy_text, True
            else:
                text, replaced = line.decode("utf-8", errors="replace"), True
        out.append(text)
    if mixed:
        flags.append("mixed_encoding")
    if replaced:
        flags.append("invalid_bytes_replaced")
    return "\n".join(out)


# Letters of Western European languages and typographic punctuation in Windows-1252 (not ×, ÷,
# þ, ÿ: a stray 0xFE/0xFF, such as a torn byte-order mark, is not text).
_LEGACY_LETTERS = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00fd\u0152\u0153\u0160\u0161\u017d\u017e"
                             r"\u2018-\u201e\u2013\u2014\u2026]")


def _plausible_legacy(text: str) -> bool:
    """The Windows-1252 reading of a line reads as text: at least two non-ASCII characters, all of
    them letters or typographic punctuation."""
    odd = re.findall(r"[^\x00-\x7f]", text)
    return len(odd) >= 2 and all(_LEGACY_LETTERS.match(c) for c in odd)


_LATIN_SINGLE_BYTE = {"cp1250", "cp1257", "cp1254", "iso8859-2", "iso8859-15", "iso8859-9", "iso8859-13",
                      "iso8859-4", "iso8859-10", "mac-roman", "cp850", "cp437", "latin-1", "iso8859-1"}
_CENTRAL_EUROPEAN = {"cp1250", "iso8859-2"}
# Bytes that are Polish, Slovak or Czech letters in Windows-1250 / ISO-8859-2 (ł ą ż ź Ą Ż ľ Ľ ś ...) but
# symbols in Windows-1252 (³ ¹ ¿ Ÿ ¥ ¯ ¾ ¼ ±  ¶); Western text never has one between two letters ("obni¿y³am").
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[³¹¿Ÿ¥¯¾¼±¶](?=[^\W\d_])")
_MISREAD_MIN = 3  # one could be a typo or a stray byte; three in words are a code page
# ... of at least two kinds: a Spanish forum that glues "¿" to the word before ("tu¿has") has one kind only, and
# Polish or Czech text misread has several letters' worth (ł ż ą: ³ ¿ ¹)
_MISREAD_KINDS = 2


def _misread_central_european(western: str) -> bool:
    """The Windows-1252 reading of the page has code-page symbols of several kinds inside words, several times."""
    found = _SYMBOL_IN_WORD.findall(western, 0, 100_000)
    return len(found) >= _MISREAD_MIN and len(set(found)) >= _MISREAD_KINDS


_CANDIDATES = ["gb18030", "big5", "shift_jis", "euc_kr", "cp1252", "cp1251", "iso8859_2", "euc_jp", "cp1250", "koi8_r"]


def _guess(data: bytes) -> str:
    sample = data[:200_000]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample, cp_isolation=_CANDIDATES).best()
        if best is not None and best.encoding:
            name = normalize_charset(best.encoding) or "cp1252"
            # Among single-byte Latin code pages the guess is weak; Windows-1252 is by far the most
            # common on the web (and the browsers' default), so prefer it when it decodes cleanly,
            # unless its reading is plainly Central European text read wrong
            western = _strict(sample, "cp1252") if name in _LATIN_SINGLE_BYTE else None
            if western is not None and not (name in _CENTRAL_EUROPEAN and _misread_central_european(western)):
                return "cp1252"
            return name
    except Exception:  # noqa: BLE001 - detection is a best effort
        pass
    # Cheap fallback: GB18030 decodes almost anything, so only trust it when the result is mostly CJK.
    text = sample.decode("gb18030", errors="replace")
    high = [c for c in text if ord(c) > 127]
    if high and sum(1 for c in high if "\u4e00" <= c <= "\u9fff") > 0.7 * len(high):
        return "gb18030"
    return "cp1252"


def detect_encoding(data: bytes, content_type: str | None = None, declared: str | None = None) -> str:
    """The encoding `decode` would use, without building the text when it can: detection only
    runs on pages that are neither UTF-8 (or mostly so) nor valid in a declared charset. For the
    crawler to record per page."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    names = _credible(declared_charsets(data, content_type, declared), data)
    first = names[0] if names else None
    if first in _UTF16 and _strict(data, first) is not None:
        return first
    if _strict(data, "utf-8") is not None:
        return first if first and first not in _UTF16 and not _HIGH.search(data) else "utf-8"
    good, high = _utf8_share(data)
    if _mostly_utf8(good, high):
        return "utf-8"
    for name in names:
        if name != "utf-8" and _strict(data, name) is not None:
            return name
    return _guess(data)


_SUSPECT = re.compile("[\u00c2-\u00c3\u00e2\u00e5-\u00e9\u00ef][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]|\ufffd")


def fix_text(text: str) -> tuple[str, bool]:
    """Repairs mojibake (UTF-8 read as cp1252 and the like) with ftfy; returns (text, changed)."""
    if not text or not _SUSPECT.search(text):
        return text, False
    import ftfy

    fixed = ftfy.fix_text(text, unescape_html=False, fix_line_breaks=False, normalization="NFC",
                          uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False)
    return fixed, fixed != text

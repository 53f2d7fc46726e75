"""Turning whatever the crawl fetched into clean Unicode text.

One job: bytes (or a str) in, a decoded HTML string out, plus flags saying what was
repaired. Charset is taken, in order, from a byte-order mark, the HTTP Content-Type,
the page's own <meta charset>, strict UTF-8, and finally detection (charset_normalizer,
which trafilatura already depends on) so that a GBK or Windows-1252 page served
without a charset still decodes. Mojibake in extracted text is repaired with ftfy.
"""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# Magic numbers of formats that are certainly not HTML.
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"RIFF",
                 b"OggS", b"ID3", b"\x00\x00\x01\x00", b"BM", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ")
# Single-byte charsets that browsers treat as their superset.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "iso-8859-1": "cp1252",
            "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}


def _norm(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_binary(data: bytes) -> bool:
    head = data[:1024]
    if any(head.startswith(m) for m in _BINARY_MAGIC):
        return True
    # Control bytes other than whitespace are rare in any text encoding (UTF-16 has a BOM, handled before).
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > len(head) * 0.05


def _strict(data: bytes, charset: str) -> str | None:
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str, list[str]]:
    """Decodes page bytes; returns (text, charset used, flags)."""
    flags: list[str] = []
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace"), name, flags
    declared = []
    if content_type:
        m = _CT_CHARSET.search(content_type)
        if m:
            declared.append(_norm(m.group(1)))
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared.append(_norm(m.group(1).decode("ascii", "ignore")))
    for name in declared:
        if name and name not in ("utf-16", "utf-16-le", "utf-16-be"):
            text = _strict(data, name)
            if text is not None:
                return text, name, flags
    text = _strict(data, "utf-8")
    if text is not None:
        if declared and declared[0] and declared[0] != "utf-8":
            flags.append("charset_mismatch")
        return text, "utf-8", flags
    flags.append("charset_guessed")
    name = _guess(data)
    return data.decode(name, errors="replace"), name, flags


_LATIN_SINGLE_BYTE = {"cp1250", "cp1257", "cp1254", "iso8859-2", "iso8859-15", "iso8859-9", "iso8859-13",
                      "iso8859-4", "iso8859-10", "mac-roman", "cp850", "cp437", "latin-1", "iso8859-1"}


def _guess(data: bytes) -> str:
    sample = data[:200_000]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample, cp_isolation=["gb18030", "big5", "shift_jis", "euc_kr", "cp1252", "cp1251",
                                                "iso8859_2", "euc_jp", "cp1250", "koi8_r"]).best()
        if best is not None and best.encoding:
            name = _norm(best.encoding) or "cp1252"
            # Among single-byte Latin code pages the guess is weak; Windows-1252 is by far the most
            # common on the web (and the browsers' default), so prefer it when it decodes cleanly.
            if name in _LATIN_SINGLE_BYTE and _strict(sample, "cp1252") is not None:
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


_SUSPECT = re.compile("[\u00c2-\u00c3\u00e2\u00e5-\u00e9\u00ef][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]|\ufffd")


def fix_text(text: str) -> tuple[str, bool]:
    """Repairs mojibake (UTF-8 read as cp1252 and the like) with ftfy; returns (text, changed)."""
    if not text or not _SUSPECT.search(text):
        return text, False
    import ftfy

    fixed = ftfy.fix_text(text, unescape_html=False, fix_line_breaks=False, normalization="NFC",
                          uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False)
    return fixed, fixed != text

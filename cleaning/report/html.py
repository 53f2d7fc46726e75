"""HTML pieces shared by the run report and the runs index: one self-contained page, no scripts.

Every text that comes from a page, a URL or a manifest goes through `escape`. The pages carry a
Content-Security-Policy that forbids any load (no network, no scripts): a browser that opens them
logs a console error if anything tried, which the headless-browser test checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any
from urllib.parse import urlsplit

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1020px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
h3{font-size:1em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.4em 0}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee;
vertical-align:top}th{font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#17672e}.warn{color:#8a5a00}.bad{color:#a11}.muted{color:#666}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-weight:600}
.badge.ok{background:#17672e}.badge.warn{background:#a36b00}.badge.bad{background:#a11}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:1em 0}.card{border:1px solid #ddd;border-radius:6px;
padding:8px 14px;min-width:120px}.card b{display:block;font-size:1.35em}
.grid{display:flex;flex-wrap:wrap;gap:0 24px}.grid>div{flex:1 1 470px;min-width:0}
.scroll{overflow-x:auto;max-width:100%}svg{max-width:100%;height:auto}td svg{max-width:none}
.meter{display:inline-block;width:120px;height:10px;background:#eee;border-radius:3px;vertical-align:middle}
.meter i{display:block;height:10px;border-radius:3px;background:#4a7ab5}
.passage{font:13px/1.5 ui-monospace,monospace;background:#fafafa;border:1px solid #eee;padding:6px 8px;
margin:4px 0;white-space:pre-wrap;word-break:break-word}
del{background:#fdd;color:#900;text-decoration:line-through}ins{background:#dfd;color:#060;text-decoration:none}
.nowrap{white-space:nowrap}.wide{max-width:1280px}.wide td,.wide th{font-size:.93em}
.article{border-top:1px solid #ddd;padding-top:.4em}a{color:#1a4f8b}
svg text{font:12px system-ui,sans-serif;fill:#222}td svg{vertical-align:middle}"""


def page(title: str, body: str, wide: bool = False) -> str:
    wide_cls = " class='wide'" if wide else ""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body{wide_cls}>{body}</body></html>")


def status_class(status: str) -> str:
    return {"succeeded": "ok", "partial": "warn", "running": "warn"}.get(status, "bad")


def badge(status: str) -> str:
    return f"<span class='badge {status_class(status)}'>{escape(status)}</span>"


def number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) or digits else f"{value:,}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h {m:02d}m {s:02d}s" if h else (f"{m}m {s:02d}s" if m else f"{seconds:.1f}s")


def percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.1f} %"


def link(url: str, text: str | None = None) -> str:
    """A link for http(s) URLs only (a stored URL is page data: never a javascript: or data: link)."""
    label = escape(text if text is not None else url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https"):
        return f"<a href=\"{escape(url, quote=True)}\" rel='noreferrer noopener'>{label}</a>"
    return label


def link_local(href: str, text: str) -> str:
    """A link to a file beside this page (another report of OUTPUT_DIR/_runs)."""
    return f"<a href=\"{escape(href, quote=True)}\">{escape(text)}</a>"


def kv_table(rows: Iterable[tuple[str, str]]) -> str:
    """Rows of (label, already-escaped HTML)."""
    return scroll("<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>")


def table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = ()) -> str:
    """A table of already-escaped cells; columns in `numeric` align right."""
    num = set(numeric)
    cls = lambda i: " class='n'" if i in num else ""
    out = ["<table><tr>", *(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(head)), "</tr>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    return scroll("".join(out) + "</table>")


def scroll(html: str) -> str:
    """A box that scrolls sideways on its own: on a phone a wide table moves inside the page, not the page."""
    return f"<div class='scroll'>{html}</div>"


def meter(share: float) -> str:
    return f"<span class='meter' aria-hidden='true'><i style='width:{max(0, min(100, share * 100)):.0f}%'></i></span>"


def bar_chart(title: str, counts: Counter[Any] | list[tuple[str, int]], limit: int = 20,
              sort_by_key: bool = False) -> str:
    items = list(counts) if isinstance(counts, list) else (
        sorted(counts.items()) if sort_by_key else counts.most_common())
    items = items[-limit:] if sort_by_key else items[:limit]
    if not items:
        return f"<div><h3>{escape(title)}</h3><p class='muted'>none</p></div>"
    top = max(v for _, v in items) or 1
    row, label_w, bar_w = 20, 170, 230
    width, height = label_w + bar_w + 70, row * len(items) + 4
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        w = max(1, int(bar_w * value / top)) if value else 0
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(str(label)[:26])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row - 6}" fill="#4a7ab5"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 14}">{value:,}</text>')
    parts.append("</svg>")
    return f"<div><h3>{escape(title)}</h3>{''.join(parts)}</div>"


def column_chart(title: str, items: list[tuple[str, int]], height: int = 170) -> str:
    """Vertical bars (a histogram): one labelled bar per bin, in order."""
    width = 64 * len(items)
    if not items or not any(v for _, v in items):
        return f"<div><h3>{escape(title)}</h3><p class='muted'>none</p></div>"
    top = max(v for _, v in items) or 1
    slot = width / len(items)
    plot = height - 36
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(items):
        h = plot * value / top
        x = i * slot
        parts.append(f'<rect x="{x + 3:.1f}" y="{plot - h + 14:.1f}" width="{slot - 6:.1f}" height="{h:.1f}" '
                     f'fill="#4a7ab5"><title>{escape(label)}: {value}</title></rect>'
                     f'<text x="{x + slot / 2:.1f}" y="{plot - h + 11:.1f}" text-anchor="middle">{value:,}</text>'
                     f'<text x="{x + slot / 2:.1f}" y="{height - 8}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return f"<div><h3>{escape(title)}</h3>{''.join(parts)}</div>"


def sparkline(values: Sequence[float | None], width: int = 180, height: int = 36) -> str:
    """A small trend line, oldest to newest; the last point is marked."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return "<span class='muted'>–</span>"
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1
    step = (width - 8) / max(1, len(values) - 1)
    xy = [(4 + i * step, height - 4 - (height - 8) * (v - low) / span) for i, v in points]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    lx, ly = xy[-1]
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="trend">'
            f'<polyline points="{line}" fill="none" stroke="#4a7ab5" stroke-width="1.5"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.5" fill="#a11"/></svg>')

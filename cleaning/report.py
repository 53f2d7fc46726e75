"""The run report: OUTPUT_DIR/_runs/RUN_ID.html, one self-contained page (inline SVG, no scripts).

Figures come from the run manifest and from the datasets' rows of that run, read
column by column, so the report renders for any past run and any dataset size.
"""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.dataset as ds

from cleaning.storage.atomic import OutputError, write_text_atomic
from cleaning.storage.datasets import dataset_files

_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}
h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}
.ok{color:#17672e}.bad{color:#a11}.grid{display:flex;flex-wrap:wrap;gap:24px}.grid>div{flex:1 1 440px}
svg text{font:12px system-ui,sans-serif}"""


def _counts(root: Path, name: str, column: str, run_id: str) -> Counter[str]:
    files = dataset_files(root, name, run_id)
    if not files:
        return Counter()
    try:
        fmt = ds.ParquetFileFormat(default_fragment_scan_options=ds.ParquetFragmentScanOptions(
            page_checksum_verification=True))
        table = ds.dataset([str(f) for f in files], format=fmt).to_table(columns=[column])
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot read {name} for run {run_id}: {exc}") from None
    values = table.column(column)
    if values.type == "list<item: string>":
        values = pc.list_flatten(values)
    out: Counter[str] = Counter()
    for entry in pc.value_counts(values).to_pylist():
        out[str(entry["values"]) if entry["values"] is not None else "(none)"] += entry["counts"]
    return out


def _bar_chart(title: str, counts: Counter[str], limit: int = 20, sort_by_key: bool = False) -> str:
    items = sorted(counts.items()) if sort_by_key else counts.most_common()
    items = items[-limit:] if sort_by_key else items[:limit]
    if not items:
        return f"<div><h2>{escape(title)}</h2><p>none</p></div>"
    top = max(v for _, v in items) or 1
    row, label_w, bar_w = 20, 230, 300
    parts = [f'<svg width="{label_w + bar_w + 70}" height="{row * len(items) + 4}" role="img" '
             f'aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        w = max(1, int(bar_w * value / top))
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(str(label)[:34])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row - 6}" fill="#4a7ab5"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 14}">{value}</text>')
    parts.append("</svg>")
    return f"<div><h2>{escape(title)}</h2>{''.join(parts)}</div>"


def _table(rows: list[tuple[str, Any]]) -> str:
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows) + "</table>"


def report_data(root: Path, run_id: str) -> dict[str, Any]:
    path = Path(root) / "_runs" / f"{run_id}.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot read run manifest {path}: {exc}") from None
    cleaning = manifest.get("cleaning") or {}
    steps = cleaning.get("steps", {})
    return {
        "manifest": manifest,
        "pages_by_status": _counts(root, "pages", "status", run_id),
        "articles_per_site": _counts(root, "articles", "site", run_id),
        "articles_per_day": _counts(root, "articles", "published_date", run_id),
        "languages": _counts(root, "articles", "language", run_id),
        "duplicates_by_kind": _counts(root, "duplicates", "kind", run_id),
        "grammar_by_category": _counts(root, "grammar_edits", "category", run_id),
        "extraction_paths": Counter({k.split("/", 1)[1]: v for k, v in steps.get("extract", {}).items()
                                     if k.startswith("body_source/")}),
        "dropped": Counter(cleaning.get("dropped_reasons", {})),
        "failures": Counter({k.split("/", 2)[2]: v for k, v in (manifest.get("crawl_stats") or {}).items()
                             if k.startswith("health/failed/")}),
    }


def render_report(root: Path, run_id: str) -> Path:
    """Writes (or rewrites) the run's HTML report and returns its path."""
    data = report_data(Path(root), run_id)
    m = data["manifest"]
    counts = (m.get("cleaning") or {}).get("counts", {})
    status = m.get("status", "unknown")
    summary = _table([
        ("run", run_id), ("status", status), ("site", m.get("site", "")),
        ("started", m.get("started_at", "")), ("finished", m.get("finished_at", "")),
        ("pages stored", (m.get("crawl_stats") or {}).get("health/pages/stored", sum(data["pages_by_status"].values()))),
        ("articles written", counts.get("articles", 0)), ("duplicates", counts.get("duplicates", 0)),
        ("unchanged (incremental)", counts.get("unchanged", 0)), ("grammar edits", counts.get("grammar_edits", 0)),
        ("grammar backend", (m.get("cleaning") or {}).get("grammar_backend", "")),
        ("problems", "; ".join(m.get("problems", [])) or "none"),
    ])
    charts = "".join([
        _bar_chart("Pages by HTTP status", data["pages_by_status"]),
        _bar_chart("Articles per site", data["articles_per_site"]),
        _bar_chart("Articles per publication day (latest 20)", data["articles_per_day"], sort_by_key=True),
        _bar_chart("Languages", data["languages"]),
        _bar_chart("Duplicates by kind", data["duplicates_by_kind"]),
        _bar_chart("Grammar edits by category", data["grammar_by_category"]),
        _bar_chart("Extraction paths", data["extraction_paths"]),
        _bar_chart("Pages dropped, by reason", data["dropped"]),
        _bar_chart("Fetch failures, by reason", data["failures"]),
    ])
    failed = m.get("failed_urls") or {}
    failed_html = "".join(f"<tr><td>{escape(u)}</td><td>{escape(str(r))}</td></tr>" for u, r in list(failed.items())[:200])
    cls = "ok" if status == "succeeded" else "bad"
    html = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Run {escape(run_id)}</title>"
            f"<style>{_CSS}</style></head><body><h1>Run {escape(run_id)}: <span class='{cls}'>{escape(status)}</span></h1>"
            f"{summary}<div class='grid'>{charts}</div>"
            f"<h2>URLs that failed (retry them next run)</h2><table>{failed_html or '<tr><td>none</td></tr>'}</table>"
            "</body></html>")
    out = Path(root) / "_runs" / f"{run_id}.html"
    write_text_atomic(out, html)
    return out

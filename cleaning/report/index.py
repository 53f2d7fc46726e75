"""The runs index, OUTPUT_DIR/_runs/index.html: every run with its trends, from the run manifests only.

Nothing but the manifests is read (their counts are the cleaning flow's own), so the index costs the
same for a run of ten pages and one of a million, and renders for runs whose datasets were compacted.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from cleaning.report import html as h
from cleaning.report.manifest import run_duration, unchanged_articles
from cleaning.storage.atomic import write_text_atomic
from cleaning.storage.manifests import list_runs

TREND_RUNS = 60  # runs drawn in the trend lines (the table lists every run)
BASELINE_RUNS = 5  # a run is compared with the median of this many runs before it


@dataclass
class RunRow:
    run_id: str
    started: str
    status: str
    duration_s: float | None
    pages: int
    articles: int
    new_versions: int
    unchanged: int
    failures: int
    duplicates: int
    grammar_edits: int
    has_report: bool


# (attribute, heading, direction): "low" marks a run far below its baseline, "high" one far above
METRICS = (("pages", "pages", "low"), ("articles", "articles", "low"), ("new_versions", "new versions", "none"),
           ("unchanged", "unchanged", "none"),
           ("failures", "failures", "high"), ("duplicates", "duplicates", "high"),
           ("grammar_edits", "grammar edits", "both"))


def run_row(manifest: dict[str, Any], runs_dir: Path) -> RunRow:
    counts = (manifest.get("cleaning") or {}).get("counts") or {}
    stats = manifest.get("crawl_stats") or {}
    failed = manifest.get("failed_urls") or {}
    failures = len(failed) if failed else sum(int(v or 0) for k, v in stats.items()
                                              if k.startswith("health/failed/") and isinstance(v, (int, float)))
    run_id = str(manifest.get("run_id", ""))

    def count(key: str) -> int:
        try:
            return int(counts.get(key) or 0)
        except (TypeError, ValueError):
            return 0

    # the run's pages as its cleaning read them: every attempt's (a resumed run's last attempt stored only the rest)
    pages = count("pages") or int(stats.get("health/pages/stored") or 0)
    return RunRow(run_id=run_id, started=str(manifest.get("started_at", "")), status=str(manifest.get("status", "unknown")),
                  duration_s=run_duration(manifest),
                  pages=pages, articles=count("articles"), new_versions=count("new_versions"),
                  unchanged=unchanged_articles(manifest), failures=failures,
                  duplicates=count("duplicates"), grammar_edits=count("grammar_edits"),
                  has_report=bool(run_id) and (runs_dir / f"{run_id}.html").is_file())


def index_rows(root: Path) -> list[RunRow]:
    """One row per readable run manifest, oldest first."""
    runs_dir = Path(root) / "_runs"
    return [run_row(m, runs_dir) for m in list_runs(root) if isinstance(m, dict) and m.get("run_id")]


MIN_ARTICLES_FOR_RATE = 10


def _compared(row: RunRow, attr: str) -> float | None:
    # An incremental week fetches and writes little because little changed: pages and articles compare what
    # was seen (unchanged ones added), grammar edits their rate per article written (None: nothing written).
    if attr in ("pages", "articles"):
        return getattr(row, attr) + row.unchanged
    if attr == "grammar_edits":  # (a rate over a handful of articles says nothing)
        return 100.0 * row.grammar_edits / row.articles if row.articles >= MIN_ARTICLES_FOR_RATE else None
    return getattr(row, attr)


def unusual(rows: list[RunRow], i: int, attr: str, direction: str) -> bool:
    """Whether row i's value is far from the median of the finished runs before it (half or double)."""
    if direction == "none":
        return False
    before = [v for r in rows[:i] if r.status in ("succeeded", "partial")
              if (v := _compared(r, attr)) is not None][-BASELINE_RUNS:]
    value = _compared(rows[i], attr)
    if len(before) < 2 or value is None:
        return False
    base = statistics.median(before)
    low = value < 0.5 * base
    high = value > 2 * base + 5  # + 5: a handful of failures on a quiet week is not news
    return {"low": low, "high": high, "both": low or high}[direction]


def render_index_html(rows: list[RunRow]) -> str:
    recent = rows[-TREND_RUNS:]
    trend_rows = []
    for attr, label, _ in METRICS:
        values = [getattr(r, attr) for r in recent]
        last = values[-1] if values else None
        trend_rows.append((escape(label), h.sparkline(values), h.number(last),
                           h.number(min(values) if values else None), h.number(max(values) if values else None)))
    trends = h.table(("per run", f"trend (last {len(recent)} runs, oldest to newest)", "latest", "min", "max"),
                     trend_rows, numeric=(2, 3, 4))
    body_rows = []
    for i in range(len(rows) - 1, -1, -1):
        r = rows[i]
        run = h.link_local(f"{r.run_id}.html", r.run_id) if r.has_report else escape(r.run_id)
        cells = [run, f"<span class='nowrap'>{escape(r.started[:16].replace('T', ' '))}</span>", h.badge(r.status), h.duration(r.duration_s)]
        for attr, _, direction in METRICS:
            flag = unusual(rows, i, attr, direction)
            value = h.number(getattr(r, attr))
            cells.append(f"<span class='warn' title='far from the median of the runs before'>⚠ {value}</span>"
                         if flag else value)
        body_rows.append(cells)
    table = h.table(("run", "started (UTC)", "status", "duration", *(label for _, label, _ in METRICS)), body_rows,
                    numeric=range(4, 4 + len(METRICS)))
    body = (f"<h1>Runs</h1><p class='muted'>{len(rows)} runs, newest first. ⚠ marks a figure below half "
            f"or above twice the median of the {BASELINE_RUNS} finished runs before it (pages and articles "
            "with the unchanged ones added, grammar edits per article written, so a quiet incremental week "
            "is not marked).</p>"
            f"<h2>Trends</h2>{trends}<h2>Every run</h2>"
            + (table if rows else "<p class='muted'>no run yet</p>"))
    return h.page("Runs", body, wide=True)


def render_index(root: Path) -> Path:
    """Writes (or rewrites) OUTPUT_DIR/_runs/index.html and returns its path."""
    out = Path(root) / "_runs" / "index.html"
    write_text_atomic(out, render_index_html(index_rows(root)))
    return out

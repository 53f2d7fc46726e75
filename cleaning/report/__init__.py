"""The run report and the runs index: self-contained HTML under OUTPUT_DIR/_runs/.

    data.py   the figures of one run, gathered from its manifest and datasets (bounded memory)
    run.py    RUN_ID.html: is this run's data good?
    index.py  index.html: every run, with its trends (manifests only)
    html.py   the shared pieces: page, tables, SVG charts, escaping, links
"""

from __future__ import annotations

from pathlib import Path

from cleaning.report.data import RunFigures, gather
from cleaning.report.index import render_index
from cleaning.report.run import render_report

__all__ = ["RunFigures", "gather", "render_all", "render_index", "render_report"]


def render_all(root: Path, run_id: str) -> tuple[Path, Path]:
    """The run's report, then the index (which links to it): their paths."""
    return render_report(root, run_id), render_index(root)

"""pyarrow's pandas probe answered without importing pandas in the product's own processes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pandas") is None,
                                reason="pandas is not installed: pyarrow's probe has nothing to import")


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=False, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_rows_are_written_and_read_without_importing_pandas(tmp_path):
    out = _run(f"""
        import sys
        from datetime import datetime, timezone
        from cleaning.storage.pandas_probe import answer_pandas_probe
        answer_pandas_probe()
        from cleaning.storage.datasets import PartitionedWriter
        w = PartitionedWriter(__import__("pathlib").Path({str(tmp_path)!r}), "pages", "20260101T000000Z_probe")
        w.write({{"url": "https://example.org/a", "status": 200, "body": b"<p>x</p>", "site": "s",
                  "fetched_at": datetime(2026, 1, 1, tzinfo=timezone.utc),
                  "run_id": "20260101T000000Z_probe"}}, "2026-01-01")
        w.flush()
        print("pandas" in sys.modules)
        import pyarrow.parquet as pq
        table = pq.read_table(w.root / w.files[0])
        print(table.column("url").to_pylist()[0], "pandas" in sys.modules)
        print(type(table.to_pandas()).__name__)  # an explicit conversion still imports pandas when asked
    """)
    assert out == ["False", "https://example.org/a", "False", "DataFrame"]


def test_the_probe_is_left_alone_when_pandas_is_imported_already():
    out = _run("""
        import pandas as pd
        import pyarrow as pa
        from cleaning.storage.pandas_probe import answer_pandas_probe
        answer_pandas_probe()
        print(pa.array(pd.Series([1, None], dtype="Int64")).null_count)
    """)
    assert out == ["1"]


def test_without_the_probe_pyarrow_imports_pandas():
    """What the probe saves: the first array pyarrow builds imports pandas (if this starts failing, pyarrow
    stopped asking and `answer_pandas_probe` can go)."""
    out = _run("""
        import sys
        import pyarrow as pa
        pa.array([1])
        print("pandas" in sys.modules)
    """)
    assert out == ["True"]


def test_a_cleaning_run_and_its_helper_never_import_pandas(tmp_path):
    """`python -m cleaning run` with two workers (a helper process besides its own) reads pages and writes
    datasets without importing pandas anywhere (`-X importtime` is passed on to the helper)."""
    from datetime import datetime, timezone

    from cleaning.storage.datasets import PartitionedWriter

    run = "20260101T000000Z_probe"
    writer = PartitionedWriter(tmp_path, "pages", run, rows_per_file=2)
    words = "Regular walking improves sleep and mood in older adults, a small study reports this week."
    for i in range(24):  # enough that the helper is up before this process has cleaned them all itself
        body = f"<html><body><article><h1>Walking {i}</h1><p>{words} Case {i}. {words}</p></article></body></html>"
        writer.write({"url": f"https://example.org/a{i}", "status": 200, "fetched_at": datetime(2026, 1, 1, tzinfo=timezone.utc),
                      "site": "example.org", "run_id": run, "body": body.encode()}, "2026-01-01")
    writer.flush()
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "cleaning", "run", "--output-dir", str(tmp_path),
                          "--workers", "2", "--grammar-backend", "none", "--min-words", "5"],
                         check=False, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")]
    # the log is there, from this process and its helper (which imports the workers' module to run, whether or not
    # this process, quicker, cleaned every page before the helper was up)
    assert imported.count("cleaning.workers") >= 2
    assert not [m for m in imported if m.startswith("pandas.")]

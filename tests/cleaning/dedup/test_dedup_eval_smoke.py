"""The evaluation script runs and meets its bar on a small labelled set."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_eval_small(capsys):
    ev = load("dedup_eval")
    rc = ev.main(["--source", "synthetic", "--bases", "24", "--seed", "3"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "precision" in out and "recall" in out and "PASS" in out


def test_eval_reads_demo_front_matter(tmp_path):
    ev = load("dedup_eval")
    (tmp_path / "a.md").write_text('+++\ntitle = "T"\ncategory = "sleep"\n+++\nBody text here.\n', encoding="utf-8")
    (tmp_path / "b.md").write_text("no front matter body", encoding="utf-8")
    assert ev.read_demo(tmp_path) == [("a", "sleep", "Body text here."), ("b", "heart", "no front matter body")]


def test_bench_small():
    bench = load("dedup_bench")

    class A:
        docs, size, seed, dup_rate, tracemalloc = 60, 2000, 1, 0.3, False

    for phase in ("hash", "dedup"):
        args = A()
        args.phase = phase
        r = bench.run_phase(args)
        assert r["docs"] == 60 and r["peak_rss_mb"] > 0
    assert sum(r["actions"].values()) == 60

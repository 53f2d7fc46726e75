import os
from datetime import date

import numpy as np
import pytest

from cleaning.storage.atomic import OutputError

from cleaning.dedup import DedupOptions, DedupState, Deduplicator, StateError


def kept_rows(corpus, decisions):
    recs = {r.doc_id: r for r in corpus}
    return [(d.article_id, recs[d.doc_id].url, recs[d.doc_id].text, d.version, recs[d.doc_id].published_date)
            for d in decisions if d.action in ("keep", "new_version")]


def test_save_load_rebuild_equal(tmp_path, corpus):
    opts = DedupOptions()
    dd = Deduplicator(opts, DedupState(opts))
    decisions = dd.decide(corpus)
    dd.commit()
    path = tmp_path / "dedup_state.parquet"
    dd.state.save(path)
    loaded = DedupState.load(path, opts)
    assert loaded == dd.state
    rows = kept_rows(corpus, decisions)
    rebuilt = DedupState.rebuild(reversed(rows), opts)
    assert rebuilt == loaded
    # rebuilt and saved files are the same table
    rebuilt.save(tmp_path / "rebuilt.parquet")
    assert DedupState.load(tmp_path / "rebuilt.parquet", opts).to_table().equals(loaded.to_table())


def test_rebuild_keeps_highest_version():
    opts = DedupOptions()
    body1 = "first version of the article about salt and blood pressure in older adults today"
    body2 = body1 + " with an added paragraph on potassium"
    rows = [("a1", "https://s/a", body2, 2, date(2024, 1, 1)), ("a1", "https://s/a", body1, 1, date(2024, 1, 1))]
    st = DedupState.rebuild(rows, opts)
    assert len(st) == 1 and st.get("a1").version == 2
    assert st == DedupState.rebuild(list(reversed(rows)), opts)


def test_missing_file_is_empty_and_a_saved_state_loads_equal(tmp_path):
    path = tmp_path / "nope.parquet"
    assert len(DedupState.load(path)) == 0
    rows = [("a1", "https://s/a", "some body text long enough to have a few shingles in it", 1, None)]
    st = DedupState.rebuild(rows)
    st.save(path)
    assert DedupState.load(path) == st


def test_parameter_mismatch_and_corrupt_file(tmp_path):
    path = tmp_path / "s.parquet"
    DedupState.rebuild([("a", "u", "a b c d e f g h i j k l m n o p", 1, None)]).save(path)
    with pytest.raises(StateError):
        DedupState.load(path, DedupOptions(shingle_size=5))
    path.write_bytes(b"not parquet")
    with pytest.raises(StateError):
        DedupState.load(path)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "s.parquet"
    good = DedupState.rebuild([("a", "u", "a b c d e f g h i j k l m n o p", 1, None)])
    good.save(path)
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    bigger = DedupState.rebuild([("a", "u", "x", 1, None), ("b", "v", "y z w", 1, None)])
    with pytest.raises(OutputError, match="disk full"):
        bigger.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.parquet"]


def test_compact_on_disk(tmp_path):
    rng = np.random.default_rng(0)
    rows = [(f"id{i:05d}", f"https://s/{i}", " ".join(f"w{x}" for x in rng.integers(0, 5000, 200)), 1, None)
            for i in range(500)]
    st = DedupState.rebuild(rows)
    st.save(tmp_path / "s.parquet")
    size = (tmp_path / "s.parquet").stat().st_size
    assert size < 500 * (128 * 4 + 200)  # about the signatures and little else


def test_queries():
    body = " ".join(f"word{i}" for i in range(100))
    st = DedupState.rebuild([("a", "https://s/a", body, 1, None)])
    from cleaning.dedup.options import fingerprint

    fp = fingerprint(body, st.options)
    assert st.match_exact(fp.content_hash) == ["a"]
    assert st.match_near(fp.signature)[0] == ("a", 1.0)
    fp2 = fingerprint(" ".join(f"other{i}" for i in range(100)), st.options)
    assert st.match_near(fp2.signature) == []

"""Empty, one-word, binary-garbage and 1 MB bodies: no crash, no mass matching."""

import os
import random

from cleaning.dedup import DedupOptions, DedupState, Deduplicator
from cleaning.steps.drop_repeated_paragraphs import drop_repeated_paragraphs
from tests.support.dedup_synthetic import record


def garbage(seed: int, n: int) -> str:
    return random.Random(seed).randbytes(n).decode("utf-8", errors="replace")


def test_bad_bodies_are_not_duplicates_of_each_other():
    rng = random.Random(0)
    words = ["Loading", "Subscribe", "Advertisement", "404", "…", "Error"]
    recs = []
    recs += [record(f"empty{i}", f"https://e.example/{i}", "", True) for i in range(20)]
    recs += [record(f"ws{i}", f"https://w.example/{i}", " \n\t " * i, True) for i in range(5)]
    recs += [record(f"one{i}", f"https://o.example/{i}", rng.choice(words), True) for i in range(20)]
    recs += [record(f"bin{i}", f"https://b.example/{i}", garbage(i, 5000), True) for i in range(20)]
    recs += [record(f"nul{i}", f"https://n.example/{i}", "\x00" * 3000, True) for i in range(3)]
    opts = DedupOptions()
    out = Deduplicator(opts, DedupState(opts)).decide(recs)
    assert len(out) == len(recs)
    assert all(d.action == "keep" for d in out), [d for d in out if d.action != "keep"]


def test_identical_binary_garbage_is_an_exact_copy_only():
    g = garbage(1, 4000)
    recs = [record("g1", "https://b.example/1", g), record("g2", "https://b.example/2", g),
            record("g3", "https://b.example/3", garbage(2, 4000))]
    out = {d.doc_id: d for d in Deduplicator().decide(recs)}
    assert out["g2"].kind == "exact" and out["g3"].action == "keep"


def test_one_megabyte_bodies(tmp_path):
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(20000)]
    big1 = " ".join(rng.choice(vocab) for _ in range(180_000))  # ~1 MB
    big2 = " ".join(rng.choice(vocab) for _ in range(180_000))
    assert len(big1) > 1_000_000
    recs = [record("big1", "https://l.example/1", big1), record("big2", "https://l.example/2", big2),
            record("big1copy", "https://l.example/3", big1 + "\n\nFooter.")]
    opts = DedupOptions(spool_dir=str(tmp_path))
    out = {d.doc_id: d for d in Deduplicator(opts).decide(recs)}
    assert out["big2"].action == "keep"
    # the longer body is the representative (same date, both canonical)
    assert out["big1copy"].action == "keep"
    assert out["big1"].kind == "near" and out["big1"].duplicate_of == recs[2].article_id
    assert os.listdir(tmp_path) == []  # spool removed
    assert drop_repeated_paragraphs(big1) == (big1, 0)


def test_odd_record_fields_do_not_crash():
    from cleaning.dedup import DedupRecord

    recs = [DedupRecord("x", "a1", "", False, None, None), DedupRecord("y", "a2", None, True, "2024-01-01", b"bytes body")]
    out = Deduplicator().decide(recs)
    assert [d.action for d in out] == ["keep", "keep"]
    assert Deduplicator().decide([]) == []

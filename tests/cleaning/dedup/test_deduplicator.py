import random
from datetime import date

import pytest

from cleaning.dedup import Decision, DedupOptions, DedupState, Deduplicator, StateError
from tests.support import dedup_synthetic as syn

from tests.support.dedup_synthetic import record as make_record


def by_doc(decisions):
    return {d.doc_id: d for d in decisions}


def test_kinds_and_targets(corpus):
    dd = Deduplicator(DedupOptions(), DedupState())
    out = by_doc(dd.decide(corpus))
    aid = {r.doc_id: r.article_id for r in corpus}
    for i in range(8):
        assert out[f"b{i}"].action == "keep" and out[f"b{i}"].version == 1
    assert out["url0"] == Decision("url0", "duplicate", aid["b0"], aid["b0"], "url", 1.0, 1)
    assert out["url0amp"].kind == "url" and out["url0amp"].duplicate_of == aid["b0"]
    assert 0.8 < out["url0amp"].similarity < 1.0
    for d in ("exact1", "exact1b"):
        assert (out[d].action, out[d].kind, out[d].duplicate_of, out[d].similarity) == ("duplicate", "exact", aid["b1"], 1.0)
    assert out["near2"].kind == "near" and out["near2"].duplicate_of == aid["b2"] and out["near2"].similarity >= 0.8
    assert out["near3"].kind == "near" and out["near3"].duplicate_of == aid["b3"]
    assert out["near3b"].kind == "near" and out["near3b"].duplicate_of == aid["b3"]
    # empty and one-word bodies: never content-matched
    for d in ("empty1", "empty2", "short1", "short2"):
        assert out[d].action == "keep"
    # every duplicate points at a kept article
    kept = {d.article_id for d in out.values() if d.action == "keep"}
    assert all(d.duplicate_of in kept for d in out.values() if d.action == "duplicate")


def test_order_independent(corpus):
    opts = DedupOptions()
    ref = by_doc(Deduplicator(opts, DedupState(opts)).decide(corpus))
    rng = random.Random(3)
    for _ in range(5):
        shuffled = corpus[:]
        rng.shuffle(shuffled)
        assert by_doc(Deduplicator(opts, DedupState(opts)).decide(shuffled)) == ref
        assert by_doc(Deduplicator(opts, DedupState(opts)).decide(iter(shuffled))) == ref


def test_representative_rule():
    rng = random.Random(5)
    text = syn.article(rng, "heart")
    recs = [
        make_record("late_long", "https://x.example/1", text + "\n\nExtra words at the end here.", True, date(2024, 5, 1)),
        make_record("early", "https://y.example/1", text, True, date(2024, 1, 1)),
        make_record("nodate", "https://z.example/1", text + " more", True, None),
    ]
    out = by_doc(Deduplicator().decide(recs))
    assert out["early"].action == "keep"
    assert out["late_long"].duplicate_of == recs[1].article_id
    # canonical beats date
    recs2 = [recs[0], make_record("early", "https://y.example/1", text, False, date(2024, 1, 1))]
    assert by_doc(Deduplicator().decide(recs2))["late_long"].action == "keep"
    # same date: longest body wins; then smallest URL
    recs3 = [make_record("a", "https://b.example/x", text, True, None),
             make_record("b", "https://a.example/x", text + " tail words", True, None)]
    assert by_doc(Deduplicator().decide(recs3))["b"].action == "keep"
    recs4 = [make_record("a", "https://b.example/x", text, True, None),
             make_record("b", "https://a.example/x", text, True, None)]
    assert by_doc(Deduplicator().decide(recs4))["b"].action == "keep"


def test_a_stated_day_beats_a_fallback_month_or_year():
    """A copy dated only by a copyright year (January 1st, `date_uncertain`) or a URL month is no earlier
    than a copy whose page states its day: the stated day decides, the fallback ranks before no date."""
    from dataclasses import replace

    text = syn.article(random.Random(7), "sleep")
    stated = make_record("stated", "https://news.example/a", text, True, date(2024, 5, 4))
    year = replace(make_record("year", "https://copy.example/a", text + " more", True, date(2024, 1, 1)),
                   date_uncertain=True)
    out = by_doc(Deduplicator().decide([year, stated]))
    assert out["stated"].action == "keep" and out["year"].duplicate_of == stated.article_id
    undated = make_record("undated", "https://other.example/a", text + " tail words", True, None)
    out = by_doc(Deduplicator().decide([undated, year]))
    assert out["year"].action == "keep" and out["undated"].duplicate_of == year.article_id


def test_url_group_representative():
    text = syn.article(random.Random(1), "sleep")
    recs = [
        make_record("amp", "https://s.example/a?utm_source=t", text + "\n\nAMP footer", False, None),
        make_record("main", "https://s.example/a", text, True, date(2024, 2, 2)),
    ]
    out = by_doc(Deduplicator().decide(recs))
    assert out["main"].action == "keep"
    assert out["amp"].kind == "url"


def test_no_chaining_far_apart():
    """A~B and B~C above threshold but A, C far apart: C is not a copy of A."""
    words = [f"w{i}" for i in range(300)]
    a = " ".join(words)
    b = " ".join(words[40:] + [f"b{i}" for i in range(40)])
    c = " ".join(words[80:] + [f"b{i}" for i in range(40)] + [f"c{i}" for i in range(40)])
    recs = [make_record("A", "https://q.example/a", a, True, date(2024, 1, 1)),
            make_record("B", "https://q.example/b", b, True, date(2024, 1, 2)),
            make_record("C", "https://q.example/c", c, True, date(2024, 1, 3))]
    opts = DedupOptions(threshold=0.7, cluster_floor=0.7)
    out = by_doc(Deduplicator(opts).decide(recs))
    assert out["A"].action == "keep"
    assert out["B"].duplicate_of == recs[0].article_id
    assert out["C"].action == "keep"


def test_across_runs_unchanged_new_version_and_near(tmp_path, corpus):
    path = tmp_path / "state" / "dedup_state.parquet"
    opts = DedupOptions()
    st = DedupState.load(path, opts)
    assert len(st) == 0
    dd = Deduplicator(opts, st)
    first = by_doc(dd.decide(corpus))
    assert dd.commit() == sum(d.action == "keep" for d in first.values())
    dd.state.save(path)
    assert path.exists() and not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]

    st2 = DedupState.load(path, opts)
    assert st2 == dd.state
    rng = random.Random(9)
    second = corpus[:]
    b4 = second[4]
    second[4] = make_record("b4v2", b4.url, b4.text + "\n\nUpdated: new guidance added.", True, b4.published_date)
    second.append(make_record("late_copy", "https://d.example/5", syn.add_boilerplate(rng, corpus[5].text), True, None))
    out = by_doc(Deduplicator(opts, st2).decide(second))
    assert out["b0"].action == "unchanged" and out["b0"].version == 1
    assert out["b4v2"].action == "new_version" and out["b4v2"].version == 2
    assert out["late_copy"].kind == "near" and out["late_copy"].duplicate_of == corpus[5].article_id
    assert out["exact1"].kind == "exact"
    assert not [d for d in out.values() if d.action == "keep" and d.doc_id.startswith("b")]


def test_decide_without_commit_leaves_state(corpus):
    st = DedupState()
    dd = Deduplicator(DedupOptions(), st)
    dd.decide(corpus)
    assert len(st) == 0
    dd.decide(corpus)
    dd.commit()
    assert len(st) == sum(1 for r in corpus if r.doc_id.startswith("b")) + 4  # + empty/short bodies


def test_stored_text_confirms_on_true_jaccard(corpus):
    st = DedupState()
    dd = Deduplicator(DedupOptions(), st)
    dd.decide(corpus)
    dd.commit()
    texts = {r.article_id: r.text for r in corpus}
    rng = random.Random(2)
    later = [make_record("copy", "https://e.example/x", syn.add_sentences(rng, corpus[6].text, "heart", 1), True, None)]
    dd2 = Deduplicator(DedupOptions(), st, stored_text=texts.get)
    out = dd2.decide(later)[0]
    assert out.kind == "near" and out.duplicate_of == corpus[6].article_id
    assert dd2.stats["estimated_similarity"] == 0


def test_incompatible_state_refused():
    with pytest.raises(StateError):
        Deduplicator(DedupOptions(num_perm=64), DedupState(DedupOptions()))


def test_threshold_configurable(corpus):
    strict = by_doc(Deduplicator(DedupOptions(threshold=0.999)).decide(corpus))
    assert strict["near2"].action == "keep"
    assert strict["exact1"].kind == "exact"

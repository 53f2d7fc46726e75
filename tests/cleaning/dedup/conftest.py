import random
from datetime import date, timedelta

import pytest

from tests.support import dedup_synthetic as syn
from tests.support.dedup_synthetic import record as make_record


@pytest.fixture
def corpus():
    """A small mixed batch: originals, URL/exact/near copies, short and empty bodies."""
    rng = random.Random(11)
    topics = sorted(syn.TOPICS)
    bases = [syn.article(rng, topics[i % len(topics)], paragraphs=6) for i in range(8)]
    recs = []
    for i, t in enumerate(bases):
        recs.append(make_record(f"b{i}", f"https://a.example/{i}", t, True, date(2024, 1, 1) + timedelta(days=i)))
    recs.append(make_record("url0", "https://a.example/0/?utm_source=x", bases[0], False, None))
    recs.append(make_record("url0amp", "https://a.example/0#amp", bases[0] + "\n\nShare this.", False, None))
    recs.append(make_record("exact1", "https://b.example/1", bases[1].upper(), True, date(2024, 3, 1)))
    recs.append(make_record("exact1b", "https://c.example/1", "  " + bases[1], True, date(2024, 3, 2)))
    recs.append(make_record("near2", "https://b.example/2", syn.add_boilerplate(rng, bases[2]), True, date(2024, 3, 1)))
    recs.append(make_record("near3", "https://b.example/3", syn.remove_sentences(rng, bases[3], 1), True, None))
    recs.append(make_record("near3b", "https://c.example/3", syn.reorder_paragraphs(rng, bases[3]), True, None))
    recs.append(make_record("empty1", "https://b.example/e1", "", True, None))
    recs.append(make_record("empty2", "https://b.example/e2", "", True, None))
    recs.append(make_record("short1", "https://b.example/s1", "Loading", True, None))
    recs.append(make_record("short2", "https://b.example/s2", "Loading", True, None))
    return recs

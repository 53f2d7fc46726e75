import numpy as np
from datasketch import MinHash

from cleaning.dedup.minhash import LSHIndex, MinHasher, estimate_jaccard, jaccard, lsh_params, shingle_hashes

TEXT = "regular exercise helps lower blood pressure and improves heart health in adults of every age group"


def test_signature_equals_datasketch_update_batch():
    mh = MinHasher(num_perm=64, shingle_size=3, seed=7)
    sh = mh.shingles(TEXT)
    ref = MinHash(num_perm=64, seed=7, scheme="affine32", hashfunc=lambda x: x)
    ref.update_batch([int(v) & 0xFFFFFFFF for v in sh])
    assert np.array_equal(mh.signature(TEXT), ref.hashvalues)
    assert mh.signature(TEXT).dtype == np.uint32


def test_fixed_seed_is_deterministic_and_seed_matters():
    a = MinHasher(seed=1).signature(TEXT)
    assert np.array_equal(a, MinHasher(seed=1).signature(TEXT))
    assert not np.array_equal(a, MinHasher(seed=2).signature(TEXT))


def test_shingles_and_jaccard():
    assert shingle_hashes("", 3).size == 0
    assert shingle_hashes("one two", 3).size == 1  # shorter than k: one shingle
    assert shingle_hashes("a b c d", 3).size == 2
    a = shingle_hashes(TEXT, 3)
    b = shingle_hashes(TEXT.replace("heart", "lung"), 3)
    assert jaccard(a, a) == 1.0
    expected = len(set(a.tolist()) & set(b.tolist())) / len(set(a.tolist()) | set(b.tolist()))
    assert jaccard(a, b) == expected


def test_estimate_close_to_true_jaccard():
    mh = MinHasher(num_perm=256, shingle_size=2)
    words = [f"w{i}" for i in range(400)]
    t1 = " ".join(words)
    t2 = " ".join(words[:300] + [f"x{i}" for i in range(100)])
    true = jaccard(mh.shingles(t1), mh.shingles(t2))
    est = estimate_jaccard(mh.signature(t1), mh.signature(t2))
    assert abs(true - est) < 0.1


def test_large_text_chunked():
    big = " ".join(f"w{i % 9973}" for i in range(150_000))
    sig = MinHasher().signature(big)
    assert sig.shape == (128,)


def test_lsh_index_frozen_and_added():
    mh = MinHasher()
    texts = [f"{TEXT} number {i} " + " ".join(f"t{i}x{j}" for j in range(30)) for i in range(20)]
    sigs = np.array([mh.signature(t) for t in texts])
    idx = LSHIndex(0.6, 128)
    assert (idx.bands, idx.rows) == lsh_params(0.6, 128)
    idx.freeze(np.arange(10), sigs[:10])
    for i in range(10, 20):
        idx.add(i, sigs[i])
    assert len(idx) == 20
    for i in range(20):
        assert i in idx.query(sigs[i])
    assert idx.query(mh.signature("completely different words here about eyes and vision care")) == []

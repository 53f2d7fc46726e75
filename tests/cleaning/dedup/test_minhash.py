import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given
from hypothesis import strategies as st

from cleaning.dedup.minhash import (
    LSHIndex,
    MinHasher,
    estimate_jaccard,
    jaccard,
    lsh_params,
    shingle_hashes,
)

TEXT = "regular exercise helps lower blood pressure and improves heart health in adults of every age group"


def test_signature_equals_datasketch_update_batch():
    mh = MinHasher(num_perm=64, shingle_size=3, seed=7)
    sh = mh.shingles(TEXT)
    ref = MinHash(num_perm=64, seed=7, scheme="affine32", hashfunc=lambda x: x)
    ref.update_batch([int(v) & 0xFFFFFFFF for v in sh])
    assert np.array_equal(mh.signature(TEXT), ref.hashvalues)
    assert mh.signature(TEXT).dtype == np.uint32


@pytest.mark.parametrize("seed", [1, 7, 42])
@pytest.mark.parametrize("num_perm", [2, 128, 256])
def test_signatures_equal_datasketch_minhash_bit_for_bit(seed, num_perm):
    rng = np.random.default_rng(seed)
    mh = MinHasher(num_perm=num_perm, seed=seed)
    for size in (0, 1, 7, 20_000):  # 20,000 shingles: more than one chunk
        shingles = np.unique(rng.integers(0, 2**63, size, dtype=np.uint64))
        ref = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=lambda x: x)
        ref.update_batch([int(v) & 0xFFFFFFFF for v in shingles])
        assert np.array_equal(mh.signature_of_shingles(shingles), ref.hashvalues)
    assert np.array_equal(mh.minhash(mh.signature_of_shingles(shingles)).permutations,
                          MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations)


@pytest.mark.parametrize("num_perm", [16, 64, 128])
def test_lsh_params_are_datasketchs_choice(num_perm):
    for threshold in (0.3, 0.45, 0.6, 0.75, 0.8):
        ref = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.5, 0.5))
        assert lsh_params(threshold, num_perm) == (ref.b, ref.r)


@pytest.mark.parametrize("threshold,num_perm", [(1.5, 128), (-0.1, 128), (0.6, 1)])
def test_lsh_params_refuse_what_datasketch_refuses(threshold, num_perm):
    with pytest.raises(ValueError):
        MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.5, 0.5))
    with pytest.raises(ValueError):
        lsh_params(threshold, num_perm)


def test_fingerprints_and_bands_without_importing_scipy():
    # datasketch's package imports scipy (half a second per process): a crawl's helpers and its end must not pay it.
    code = ("import sys; from cleaning.dedup.minhash import MinHasher, lsh_params; "
            "MinHasher().signature('some words to fingerprint here'); lsh_params(0.6, 128); "
            "print(sorted(m for m in ('scipy', 'datasketch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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


@given(st.sets(st.integers(0, 2**64 - 1), max_size=60), st.sets(st.integers(0, 2**64 - 1), max_size=60),
       st.sets(st.integers(0, 2**64 - 1), max_size=30))
def test_jaccard_is_the_set_definition(only_a, only_b, shared) -> None:
    a = np.array(sorted(only_a | shared), dtype=np.uint64)
    b = np.array(sorted(only_b | shared), dtype=np.uint64)
    union = (only_a | shared) | (only_b | shared)
    expected = 1.0 if not union else len((only_a | shared) & (only_b | shared)) / len(union)
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

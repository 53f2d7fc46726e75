"""The crawl's preparing helpers, once its part files are done, stand by warm for the run's cleaning."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from cleaning.workers import ProcessMapper
from tests.cleaning.steps.helpers import Numbered, WhereCleaned
from tests.cleaning.test_prepared import _all_files_submitted, _store
from tests.cleaning.test_workers import _docs


def _pids(out) -> Counter[str]:
    seen: Counter[str] = Counter()
    for _, stats in out:
        seen.update({k: v for k, v in stats.get("where", {}).items() if k.startswith("pid/")})
    return seen


def _standing_by(tmp_path: Path):
    """(preparer, standby): one helper that prepared every part file of a stored run, then kept."""
    _store(tmp_path)
    _, _, prepared, parts, preparer = _all_files_submitted(tmp_path)
    deadline = time.monotonic() + 60
    while not all(prepared.done(p) for p in parts) and time.monotonic() < deadline:
        time.sleep(0.05)
    preparer.finish(timeout=120, keep=True)
    assert preparer.errors == [] and preparer.standby is not None
    return preparer, preparer.standby


def test_helpers_that_answered_stand_by_and_are_lent_to_later_passes_until_closed(tmp_path: Path) -> None:
    preparer, standby = _standing_by(tmp_path)
    (helper,) = preparer._procs
    assert helper.is_alive() and helper.pid in preparer.processes

    mapper = ProcessMapper(2, per_helper=16, lender=standby)
    for _ in range(2):  # lent again for the next pass: the same process, not a new one
        out = list(mapper.map([Numbered(drop="3"), WhereCleaned()], _docs(300)))
        assert [d.page.url.rsplit("/", 1)[1] for d, _ in out if d is not None] == \
            [str(i) for i in range(300) if i % 10 != 3]  # in input order, drops dropped
        pids = _pids(out)
        assert set(pids) <= {f"pid/{os.getpid()}", f"pid/{helper.pid}"} and pids[f"pid/{helper.pid}"] > 0
        assert helper.is_alive()
    standby.close()
    assert not helper.is_alive()
    assert standby.lend([Numbered()]) is None  # closed: a later map spawns its own helpers


def test_a_pass_stopped_half_way_does_not_lend_its_helpers_again(tmp_path: Path) -> None:
    """A helper may still answer for a stopped pass: those answers must never reach a later one."""
    preparer, standby = _standing_by(tmp_path)
    mapper = ProcessMapper(2, per_helper=16, lender=standby)
    results = mapper.map([Numbered()], _docs(500))
    next(results)
    results.close()  # the consumer is gone
    assert not any(p.is_alive() for p in preparer._procs)
    assert standby.lend([Numbered()]) is None
    out = list(mapper.map([Numbered(drop="3")], _docs(20)))  # spawned helpers instead
    assert len([d for d, _ in out if d is not None]) == 18


def test_without_keep_the_helpers_end_with_the_files(tmp_path: Path) -> None:
    _store(tmp_path)
    _, _, prepared, parts, preparer = _all_files_submitted(tmp_path)
    preparer.finish(timeout=120)
    assert all(prepared.done(p) for p in parts)
    assert preparer.standby is None and not any(p.is_alive() for p in preparer._procs)


def test_a_helper_looks_at_its_memory_after_each_part_file_answered_or_failed(monkeypatch) -> None:
    import cleaning.preparer as preparer

    class Trimmer:
        asked = 0

        def maybe(self) -> bool:
            Trimmer.asked += 1
            return False

    class Prepared:
        def __init__(self, fail: bool) -> None:
            self.fail = fail

        def prepare(self, part, read, segment, warm):
            if self.fail:
                raise OSError("disk gone")
            return 7

    answers: list = []

    class Results:
        def put(self, answer) -> None:
            answers.append(answer)

    monkeypatch.setattr(preparer, "process_trimmer", Trimmer)
    preparer._prepare_one("p-00000.parquet", Prepared(False), None, [], None, Results())
    preparer._prepare_one("p-00001.parquet", Prepared(True), None, [], None, Results())
    assert Trimmer.asked == 2
    assert [(a[0], a[1], a[2]) for a in answers] == [("p-00000.parquet", 7, None),
                                                    ("p-00001.parquet", 0, "OSError: disk gone")]

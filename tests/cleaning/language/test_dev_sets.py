"""Real text from the shared dev sets (skipped when ../shared is absent): Chinese source sentences and
English machine translations of mt-mqm-dev, and the true article bodies of extraction-dev."""

import csv
import json
import re

import pytest

from cleaning.language import detect_language
from tests.conftest import shared_path

_MARK = re.compile(r"</?v>")


@pytest.fixture(scope="module")
def talks() -> list[list[tuple[str, str]]]:
    """Per talk, (Chinese source, English MT) segments in order, one MT system per talk."""
    segs: dict[str, dict[int, tuple[str, str]]] = {}
    system_of: dict[str, str] = {}
    with open(shared_path("eval", "mt-mqm-dev", "mqm_ted_zhen.tsv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["system"] in ("ref", "refB") or system_of.setdefault(row["doc"], row["system"]) != row["system"]:
                continue
            segs.setdefault(row["doc"], {}).setdefault(int(row["seg_id"]),
                                                       (row["source"].strip(), _MARK.sub("", row["target"]).strip()))
    return [[segs[d][i] for i in sorted(segs[d])] for d in sorted(segs)]


def test_chinese_passages_are_chinese(talks):
    for talk in talks:
        for start in range(0, len(talk) - 8, 8):
            r = detect_language("\n\n".join(zh for zh, _ in talk[start:start + 8]))
            assert r.language == "zh" and not r.mixed, r


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _take(parts: list[str], letters: int) -> list[str]:
    out: list[str] = []
    while parts and sum(map(_letters, out)) < letters:
        out.append(parts.pop(0))
    return out


def test_english_and_chinese_pages_are_mixed_either_way_round(talks):
    """60 % English, 40 % Chinese letters (the two from different parts of the talk)."""
    for talk in talks:
        en = _take([e for _, e in talk[: len(talk) // 2]], 600)
        zh = _take([z for z, _ in talk[len(talk) // 2:]], 400)
        for page in ("\n\n".join(en + zh), "\n\n".join(zh + en)):
            r = detect_language(page)
            assert r.mixed and r.languages == ["en", "zh"] and r.language == "en", r


def test_a_few_chinese_lines_do_not_make_an_english_page_mixed(talks):
    for talk in talks:
        en = _take([e for _, e in talk[: len(talk) // 2]], 1500)
        zh = _take([z for z, _ in talk[len(talk) // 2:]], 60)
        r = detect_language("\n\n".join(en[:5] + zh + en[5:]))
        assert r.language == "en" and not r.mixed, r


def test_every_dev_body_gets_a_language():
    truth = json.loads(shared_path("eval", "extraction-dev", "ground-truth.json").read_text(encoding="utf-8"))
    for page, item in truth.items():
        r = detect_language(item["articleBody"])
        assert re.fullmatch(r"[a-z]{2}", r.language), (page, r)

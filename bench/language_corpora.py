"""Texts for bench/language_eval.py, read from the shared dev sets at run time (nothing is copied).

* ``extraction``: the true article bodies of extraction-dev (88 pages, mostly English).
* ``dates``: dates-dev pages (386, many sites and languages) through the product's extractor,
  i.e. the bodies the language step really reads.
* ``short``: the first paragraphs (40+ letters, cut to 300 characters) of both: short pages.
* ``zh_passages``: Chinese passages (source side of mt-mqm-dev, consecutive TED segments).
* ``mixtures``: documents made of two real monolingual texts in known letter shares: English MT
  output with its Chinese source (mt-mqm-dev), and dev bodies of two languages (same script).
* ``garbage``: non-text made here with a fixed seed (random letter strings, base64, hex, code-like
  symbol soup, keyboard mashing): the right answer is "und".
"""

from __future__ import annotations

import base64
import csv
import gzip
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_PARA = re.compile(r"\n\s*\n")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_MARK = re.compile(r"</?v>")

# minority shares of letters the mixtures are built at; the product lists a language from 15 %
RATIOS = (0.05, 0.10, 0.25, 0.40, 0.50)


def letters(text: str) -> int:
    return len(_NON_LETTERS.sub("", text))


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARA.split(text) if p.strip()]


def extraction(root: Path) -> list[str]:
    truth = json.loads((root / "extraction-dev" / "ground-truth.json").read_text(encoding="utf-8"))
    return [truth[k]["articleBody"] for k in sorted(truth)]


def dates(root: Path) -> list[str]:
    from cleaning.extract import extract

    folder = root / "dates-dev"
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [extract(gzip.decompress((folder / "html" / name).read_bytes()), truth[name]["url"]).body or ""
            for name in sorted(truth)]


def short(bodies: list[str], per_body: int = 3) -> list[str]:
    out = []
    for body in bodies:
        paras = [p for p in paragraphs(body) if letters(p) >= 40][:per_body]
        for p in paras:
            if len(p) > 300:
                p = p[: p.rfind(" ", 0, 300)] if " " in p[:300] else p[:300]
            out.append(p)
    return out


def _mqm_docs(root: Path) -> list[list[tuple[str, str]]]:
    """Per TED talk, its segments in order as (Chinese source, English MT of one system)."""
    segs: dict[str, dict[int, tuple[str, str]]] = {}
    system_of: dict[str, str] = {}
    with open(root / "mt-mqm-dev" / "mqm_ted_zhen.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["system"] in ("ref", "refB"):
                continue
            doc = row["doc"]
            system = system_of.setdefault(doc, row["system"])  # one system per talk, the first seen
            if row["system"] != system:
                continue
            segs.setdefault(doc, {}).setdefault(int(row["seg_id"]), (row["source"].strip(),
                                                                    _MARK.sub("", row["target"]).strip()))
    return [[segs[d][i] for i in sorted(segs[d])] for d in sorted(segs)]


def zh_passages(root: Path, size: int = 600) -> list[str]:
    out = []
    for doc in _mqm_docs(root):
        current: list[str] = []
        for zh, _ in doc:
            current.append(zh)
            if sum(map(len, current)) >= size:
                out.append("\n\n".join(current))
                current = []
    return out


@dataclass(frozen=True)
class Mixture:
    kind: str  # "en/zh blocks", "en/zh alternating", "en/zh inline", "same script"
    pair: tuple[str, str]  # (majority, minority) languages
    ratio: float  # minority share of letters, as built
    text: str

    @property
    def expect_mixed(self) -> bool | None:
        """Mixed from 20 % of letters on, not mixed up to 10 %; None between (too close to 15 % to judge)."""
        if self.ratio >= 0.20:
            return True
        if self.ratio <= 0.10:
            return False
        return None


def _take(parts: list[str], n_letters: int) -> list[str]:
    out, got = [], 0
    for p in parts:
        if got >= n_letters:
            break
        out.append(p)
        got += letters(p)
    return out


def _measured(a: list[str], b: list[str]) -> float:
    la, lb = sum(map(letters, a)), sum(map(letters, b))
    return lb / (la + lb) if la + lb else 0.0


def mixtures(root: Path, bodies: dict[str, list[str]], total: int = 1500) -> list[Mixture]:
    """Two-language documents of about ``total`` letters with the minority at each ratio of RATIOS."""
    out = []
    docs = [d for d in _mqm_docs(root) if len(d) >= 40]
    for n, doc in enumerate(docs):
        half = len(doc) // 2
        en = [e for _, e in doc[:half]]  # English from one half of the talk, Chinese from the other:
        zh = [z for z, _ in doc[half:]]  # two texts, not a sentence and its translation side by side
        for ratio in RATIOS:
            a, b = _take(en, int(total * (1 - ratio))), _take(zh, int(total * ratio))
            r = _measured(a, b)
            out.append(Mixture("en/zh blocks", ("en", "zh"), r, "\n\n".join(a + b) if n % 2 else "\n\n".join(b + a)))
            alt = [x for pair in zip(a, b) for x in pair] + a[len(b):] + b[len(a):]
            out.append(Mixture("en/zh alternating", ("en", "zh"), r, "\n\n".join(alt)))
        pairs = [f"{e} {z}" for z, e in doc[:12]]  # bilingual lines: a sentence and its translation
        out.append(Mixture("en/zh inline", ("en", "zh"), _measured([e for _, e in doc[:12]], [z for z, _ in doc[:12]]),
                           "\n\n".join(pairs)))
    langs = sorted(k for k in bodies if k != "en")
    for n, other in enumerate(langs):
        for m, (major, minor) in enumerate([("en", other), (other, "en")]):
            for ratio in RATIOS:
                a_src = paragraphs(bodies[major][(n + m) % len(bodies[major])])
                b_src = paragraphs(bodies[minor][(n + 2 * m + 1) % len(bodies[minor])])
                a, b = _take(a_src, int(total * (1 - ratio))), _take(b_src, int(total * ratio))
                if not a or not b:
                    continue
                out.append(Mixture("same script" if _latin(major) and _latin(minor) else "other script",
                                   (major, minor), _measured(a, b), "\n\n".join(a + b)))
    return out


def _latin(lang: str) -> bool:
    return lang not in {"ru", "uk", "bg", "sr", "mk", "zh", "ja", "ko", "ar", "fa", "he", "el", "hi", "bn", "th"}


def by_reference_language(texts: list[str], reference: Callable[[str], str], min_chars: int = 1500) -> dict[str, list[str]]:
    """Long texts by the reference's language, for building mixtures: only languages with two texts
    or more (one mislabelled text would stand for its language), and only texts written in one
    kind of letters (a Chinese page quoting English names is already mixed)."""
    out: dict[str, list[str]] = {}
    for t in texts:
        if len(t) >= min_chars and _one_script(t):
            out.setdefault(reference(t), []).append(t)
    out.pop("und", None)
    return {k: v for k, v in out.items() if len(v) >= 2}


_OTHER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _one_script(text: str, purity: float = 0.97) -> bool:
    other = len(_OTHER.findall(text)) / max(1, letters(text))
    return other <= 1 - purity or other >= purity


def garbage(n: int = 300, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        size = rng.randint(30, 400)
        kind = i % 5
        if kind == 0:
            out.append(" ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 8)))
                                for _ in range(size // 8)))
        elif kind == 1:
            out.append(base64.b64encode(rng.randbytes(size)).decode())
        elif kind == 2:
            out.append(rng.randbytes(size).hex())
        elif kind == 3:
            out.append("".join(rng.choice(string.ascii_letters + string.digits + "{}();=<>/._-") for _ in range(size)))
        else:
            out.append(" ".join(rng.choice(["asdf", "qwer", "zxcv", "hjkl", "uiop", "bnm", "ghj", "tyu"])
                                for _ in range(size // 8)))
    return out

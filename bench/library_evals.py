"""htmldate's and trafilatura's own evaluation sets, asked of the product beside the libraries, in one run.

    python bench/library_evals.py               # both sets (downloads the Go modules on the first run)
    python bench/library_evals.py --show 20     # and list the first 20 pages where the product is behind

The two libraries evaluate themselves on pages saved from the web with hand-checked answers; their Go ports
keep those sets in their module sources (Apache-2.0), served by the Go module proxy, a package registry reachable
here: `go mod download` puts them in Go's module cache, nothing of them enters this repository.

* htmldate's comparison set (go-htmldate, HTMLDATE_SET): ~950 pages (European blogs and news, and Media
  Cloud's multilingual news) with their publication day: days right for the product and for htmldate's
  `find_date(html, url=url, original_date=True, extensive_search=True)` (issue 14's reference call), pages with no
  date, days off by one.
* trafilatura's evaluation set (go-trafilatura, TRAFILATURA_SET): ~980 pages with snippets the text must and must
  not hold, and the title and day where known: snippet precision, recall and F1 of the product's body and of
  `trafilatura.extract` (its defaults); titles exact (normalised as bench/extract_eval.py does) for the product
  and trafilatura's `extract_metadata`; days for the product, htmldate and trafilatura.

Pages also in ../shared/eval/dates-dev (most of that set comes from here) are counted apart as well: the rest
is what the product was not tuned on.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HTMLDATE_SET = "github.com/markusmobius/go-htmldate@v1.10.1"
TRAFILATURA_SET = "github.com/markusmobius/go-trafilatura@v1.12.2"
DATES_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dates-dev" / "truth.json"


def module_dir(module: str) -> Path:
    """The module's source in Go's module cache, downloaded if it is not there."""
    env = {**os.environ, "GOFLAGS": "-mod=mod"}
    out = subprocess.run(["go", "mod", "download", "-json", module], capture_output=True, text=True, env=env,
                         check=True, timeout=600)
    return Path(json.loads(out.stdout)["Dir"])


def _go_string(value: str) -> str:
    return json.loads(f'"{value}"')


def htmldate_pages(root: Path) -> list[tuple[str, Path, str]]:
    """(url, page file, true day) of htmldate's comparison set."""
    out = []
    for data, folder in (("data-default.go", "comparison"), ("data-mediacloud.go", "mediacloud")):
        source = (root / "scripts" / "comparison" / data).read_text(encoding="utf-8")
        for m in re.finditer(r'URL:\s*"((?:[^"\\]|\\.)*)",\s*File:\s*"((?:[^"\\]|\\.)*)",\s*Date:\s*"([^"]*)"', source):
            page = root / "test-files" / folder / _go_string(m.group(2))
            if m.group(3) and page.is_file():
                out.append((_go_string(m.group(1)), page, m.group(3)))
    return out


def trafilatura_pages(root: Path) -> list[dict]:
    """url, file, title, date, with (snippets the text must hold) and without of trafilatura's evaluation set."""
    source = (root / "scripts" / "comparison" / "data.go").read_text(encoding="utf-8")

    def field(block: str, name: str) -> str:
        m = re.search(name + r':\s*"((?:[^"\\]|\\.)*)"', block)
        return _go_string(m.group(1)) if m else ""

    def strings(block: str, name: str) -> list[str]:
        m = re.search(name + r":\s*\[\]string\{(.*?)\},?\n", block, re.S)
        return [_go_string(s) for s in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))] if m else []

    out = []
    for m in re.finditer(r'\n\t"((?:[^"\\]|\\.)*)": \{(.*?)\n\t\},', source, re.S):
        block = m.group(2)
        page = root / "test-files" / "comparison" / field(block, "File")
        if page.is_file():
            out.append({"url": _go_string(m.group(1)), "page": page, "title": field(block, "Title"),
                        "date": field(block, "Date"), "with": strings(block, "With"),
                        "without": strings(block, "Without")})
    return out


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _off_by_one(found: str | None, truth: str) -> bool:
    try:
        return found is not None and abs((date.fromisoformat(found) - date.fromisoformat(truth)).days) == 1
    except ValueError:
        return False


class Days:
    """Days right, no date, off by one, per system; over all pages and over those not in dates-dev."""

    def __init__(self, systems: tuple[str, ...]) -> None:
        self.systems = systems
        self.counts = {part: {s: [0, 0, 0] for s in systems} for part in ("all", "not in dates-dev")}
        self.pages = {"all": 0, "not in dates-dev": 0}

    def add(self, truth: str, answers: dict[str, str | None], in_dev: bool) -> None:
        for part in ("all", *(() if in_dev else ("not in dates-dev",))):
            self.pages[part] += 1
            for name, found in answers.items():
                c = self.counts[part][name]
                c[0] += found == truth
                c[1] += found is None
                c[2] += _off_by_one(found, truth)

    def print(self, title: str) -> None:
        print(f"\n{title}\n| pages | system | days right | share | no date | off by one |\n|---|---|---:|---:|---:|---:|")
        for part, by in self.counts.items():
            n = self.pages[part]
            for name, (right, none, off) in by.items():
                print(f"| {part} ({n}) | {name} | {right} | {right / max(n, 1):.3f} | {none} | {off} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=0, help="list this many pages where the product is behind")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    import trafilatura
    from htmldate import find_date
    from trafilatura.metadata import extract_metadata

    from cleaning.extract import extract
    from extract_eval import norm_title

    dev_urls = {t["url"] for t in json.loads(DATES_DEV.read_text()).values()} if DATES_DEV.is_file() else set()
    behind: list[dict] = []

    days = Days(("product", "htmldate"))
    for url, page, truth in htmldate_pages(module_dir(HTMLDATE_SET)):
        raw = page.read_bytes()
        ours = _iso(extract(raw, url=url).published_date)
        theirs = find_date(raw.decode("utf-8", "replace"), url=url, original_date=True, extensive_search=True)
        days.add(truth, {"product": ours, "htmldate": theirs}, url in dev_urls)
        if ours != truth and theirs == truth:
            behind.append({"set": "htmldate", "url": url, "truth": truth, "ours": ours})
    days.print(f"htmldate's comparison set ({HTMLDATE_SET}): publication day")

    snippets = {"product": [0, 0, 0, 0], "trafilatura": [0, 0, 0, 0]}  # with found, with, without kept, without
    titles = {"product": 0, "trafilatura": 0}
    titled = 0
    tdays = Days(("product", "htmldate", "trafilatura"))
    for case in trafilatura_pages(module_dir(TRAFILATURA_SET)):
        raw, url = case["page"].read_bytes(), case["url"]
        html = raw.decode("utf-8", "replace")
        ex = extract(raw, url=url)
        texts = {"product": ex.body, "trafilatura": trafilatura.extract(html, url=url) or ""}
        for name, text in texts.items():
            c = snippets[name]
            c[0] += sum(s in text for s in case["with"])
            c[1] += len(case["with"])
            c[2] += sum(s in text for s in case["without"])
            c[3] += len(case["without"])
        lost = [s for s in case["with"] if s not in ex.body and s in texts["trafilatura"]]
        kept = [s for s in case["without"] if s in ex.body and s not in texts["trafilatura"]]
        if lost or kept:
            behind.append({"set": "trafilatura", "url": url, "missing": lost, "kept": kept})
        meta = extract_metadata(html, url) if case["title"] or case["date"] else None
        if case["title"]:
            titled += 1
            titles["product"] += norm_title(ex.title or "") == norm_title(case["title"])
            titles["trafilatura"] += norm_title(meta.title or "") == norm_title(case["title"])
        if case["date"]:
            theirs = find_date(html, url=url, original_date=True, extensive_search=True)
            tdays.add(case["date"], {"product": _iso(ex.published_date), "htmldate": theirs,
                                     "trafilatura": meta.date or None}, url in dev_urls)
    print(f"\ntrafilatura's evaluation set ({TRAFILATURA_SET}): body snippets, titles, days")
    print("| system | snippets found (with) | kept (without) | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|")
    for name, (found, must, kept, must_not) in snippets.items():
        p, r = found / max(found + kept, 1), found / max(must, 1)
        print(f"| {name} | {found} / {must} | {kept} / {must_not} | {p:.3f} | {r:.3f} | {2 * p * r / (p + r):.3f} |")
    for name, right in titles.items():
        print(f"titles exact, {name}: {right} of {titled} ({right / max(titled, 1):.3f})")
    tdays.print("days")
    for case in behind[: args.show]:
        print("behind", json.dumps(case, ensure_ascii=False)[:400])


if __name__ == "__main__":
    main()

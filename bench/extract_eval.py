"""Body, title and date quality on both dev sets: the product next to trafilatura and htmldate, one run.

    python bench/extract_eval.py [--extraction-dir DIR] [--dates-dir DIR] [--per-page]

Sets (read-only, under ../shared/eval): extraction-dev (88 pages with true bodies) and dates-dev
(386 pages with true publication days). Every system decodes the page itself (the product and
trafilatura/htmldate get the same str for extraction-dev, the same gzip-decoded bytes for dates-dev).

Body (extraction-dev, the set's README): word tokens are runs of \\w (Unicode, case kept); 4-token
shingles of the true and the predicted body are compared as multisets; per page tp/fp/fn are
normalised to sum to 1; precision and recall are the means over pages of tp/(tp+fp) and tp/(tp+fn)
(a page where both texts are empty scores 1); F1 is the harmonic mean of the two means.

Dates (dates-dev, the set's README): share of pages whose day equals the reference; also the share
with no date and the share off by one day. htmldate is called as
`find_date(html, url=url, original_date=True, extensive_search=True)`; trafilatura's date is
`extract_metadata(html, default_url=url).date`.

Titles (both sets; neither has title truth, so the reference is built from the page, see
`title_reference`): the string at least two independent places of the page agree on (og:title or
twitter:title; JSON-LD headline; any <h1>; <title> or one of its parts), never the site's name.
Pages where no two agree are left out (counted). A system's title is right when it equals the
reference after normalisation (NFKC, case, quotes/dashes, outer punctuation). `site name` counts
titles that are the site's name (og:site_name, application-name, the host's name) on pages that
have a reference. The reference favours no system's rule: the product prefers a visible <h1>
agreeing with the stated title, trafilatura prefers og:title, both are counted right when the
page agrees with itself.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
import warnings
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEFAULT_DIR = SHARED / "extraction-dev"
DATES_DIR = SHARED / "dates-dev"
_TOKEN = re.compile(r"\w+")


# --- body metric ----------------------------------------------------------------------------------

def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def page_scores(true: str, pred: str) -> tuple[float, float]:
    """(precision, recall) of one page."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0  # both empty
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def summary(scores: list[tuple[float, float]]) -> tuple[float, float, float]:
    precision = sum(s[0] for s in scores) / len(scores)
    recall = sum(s[1] for s in scores) / len(scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


# --- title reference --------------------------------------------------------------------------------

_SEP = re.compile(r"\s+[|\-–—_:·•»›‹/]\s+|\s*[|｜»›]\s*")


def norm_title(text: str) -> str:
    """Comparison form of a title: its words (NFKC, case folded), punctuation and separators dropped."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text or "").casefold()))


def _alnum(text: str) -> str:
    return re.sub(r"\W+", "", text)


def _site_names(tree, url: str | None) -> set[str]:
    names = set()
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in ("og:site_name", "application-name"):
            names.add(norm_title(meta.get("content")))
    host = (urlsplit(url or "").hostname or "").lower()
    labels = [p for p in host.split(".") if p not in ("www", "m")]
    names.update(labels[:-1])
    if len(labels) >= 2:
        names.add(".".join(labels[-2:]))
    names.discard("")
    return names


def _is_site(part: str, sites: set[str]) -> bool:
    """A <title>/og:title part that names the site: a known name, or the host's name written out
    ("Newsnet.scot", "mediale pfade.de")."""
    key = _alnum(part)
    return part in sites or any(len(_alnum(s)) >= 4 and (_alnum(s) == key or key.startswith(_alnum(s)) and
                                                         len(part.split()) <= 3) for s in sites)


def _without_site_parts(text: str, sites: set[str]) -> str:
    kept = [p for p in (norm_title(x) for x in _SEP.split(text)) if p and not _is_site(p, sites)]
    return " ".join(kept)


def _decode(html: str | bytes) -> str:
    """Bytes as a browser would read them: UTF-8 if valid, else the declared charset, else Windows-1252."""
    if isinstance(html, str):
        return html
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = re.search(rb"charset\s*=\s*[\"']?([\w.:-]+)", html[:4096], re.I)
    if m:
        try:
            return html.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return html.decode("cp1252", errors="replace")


def title_reference(html: str | bytes, url: str | None) -> tuple[str | None, set[str]]:
    """(normalised reference title or None, normalised site names) of one page.

    Places: og:title (else twitter:title) and <title>, each minus the parts that name the site;
    each part of <title>; the JSON-LD headline; each <h1>. The reference is the string found in
    most places (at least two); ties go to a string the <h1> or JSON-LD carries, then to the longest;
    site names never. Titles compare as their words (case, punctuation and separators ignored)."""
    from lxml.html import HTMLParser, document_fromstring

    try:
        tree = document_fromstring(_decode(html).replace("\x00", ""), parser=HTMLParser(remove_comments=True))
    except Exception:  # noqa: BLE001 - an unparsable page has no reference
        return None, set()
    sites = _site_names(tree, url)
    sources: dict[str, set[str]] = {"meta": set(), "jsonld": set(), "h1": set(), "title": set()}
    for key, attr in (("og:title", "property"), ("twitter:title", "name")):
        node = tree.find(f".//meta[@{attr}='{key}']")
        if node is not None and node.get("content"):
            sources["meta"].add(_without_site_parts(node.get("content"), sites))
            break
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(obj)
            elif isinstance(obj, dict):
                if isinstance(obj.get("headline"), str):
                    sources["jsonld"].add(norm_title(obj["headline"]))
                stack.extend(v for v in obj.values() if isinstance(v, (list, dict)))
    for h in tree.iter("h1"):
        sources["h1"].add(norm_title(h.text_content()))
    node = tree.find(".//title")
    if node is not None:
        whole = " ".join(node.text_content().split())
        sources["title"].add(_without_site_parts(whole, sites))
        sources["title"].update(norm_title(p) for p in _SEP.split(whole))
    votes: Counter = Counter()
    for strings in sources.values():
        for s in strings:
            if s and not _is_site(s, sites):
                votes[s] += 1
    # most places first; on a tie, a string the visible <h1> or the JSON-LD headline carries (og:title
    # and <title> often share a decoration), then the longer
    agreed = [(n, s in sources["h1"] or s in sources["jsonld"], len(s), s) for s, n in votes.items() if n >= 2]
    return (max(agreed)[3] if agreed else None), sites


# --- loading ------------------------------------------------------------------------------------------

def load(folder: Path) -> list[tuple[str, str, str, str]]:
    """extraction-dev: (id, url, html str, true body)."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    rows = []
    for pid in sorted(truth):
        html = gzip.decompress((folder / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8")
        rows.append((pid, truth[pid].get("url"), html, truth[pid]["articleBody"]))
    return rows


def load_dates(folder: Path) -> list[tuple[str, str, bytes, date]]:
    """dates-dev: (name, url, raw bytes, true day)."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [(name, truth[name]["url"], gzip.decompress((folder / "html" / name).read_bytes()),
             date.fromisoformat(truth[name]["date"])) for name in sorted(truth)]


def _day(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --- systems --------------------------------------------------------------------------------------------

def systems():
    """name -> callable(html, url) -> {"body", "title", "date"} (keys it does not produce are absent)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import htmldate
        import trafilatura

    from cleaning.extract import extract

    def product(html, url):
        ex = extract(html, url)
        return {"body": ex.body, "title": ex.title, "date": ex.published_date}

    def traf_body(html, url):
        return {"body": trafilatura.extract(html, url=url) or ""}

    def traf_meta(html, url):
        meta = trafilatura.extract_metadata(html, default_url=url)
        return {"title": meta.title if meta else None, "date": meta.date if meta else None}

    def hd(html, url):
        return {"date": htmldate.find_date(html, url=url, original_date=True, extensive_search=True)}

    return {"cleaning.extract": product, "trafilatura.extract": traf_body,
            "trafilatura.extract_metadata": traf_meta, "htmldate.find_date": hd}


def run(rows, fns) -> dict:
    """Runs every system over the rows; returns {system: {"out": [..], "seconds": s}}."""
    results = {}
    for name, fn in fns.items():
        out, start = [], time.perf_counter()
        for row in rows:
            try:
                out.append(fn(row[2], row[1]))
            except Exception as exc:  # noqa: BLE001 - a crashing baseline scores nothing on that page
                out.append({"error": repr(exc)})
        results[name] = {"out": out, "seconds": time.perf_counter() - start}
    return results


def title_scores(rows, results) -> tuple[int, dict]:
    refs = [title_reference(row[2], row[1]) for row in rows]
    n = sum(1 for r, _ in refs if r)
    table = {}
    for name, res in results.items():
        outs = res["out"]
        if not any("title" in o for o in outs):
            continue
        exact = sites = 0
        for (ref, names), o in zip(refs, outs):
            if not ref:
                continue
            got = norm_title(o.get("title") or "")
            exact += got == ref
            sites += bool(got) and _is_site(got, names)
        table[name] = (exact, sites)
    return n, table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extraction-dir", "--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--dates-dir", type=Path, default=DATES_DIR)
    ap.add_argument("--per-page", action="store_true", help="print per-page body F1 and wrong dates")
    args = ap.parse_args(argv)
    fns = systems()

    rows = load(args.extraction_dir)
    res = run(rows, fns)
    print(f"== extraction-dev: {len(rows)} pages ({args.extraction_dir})")
    n_ref, titles = title_scores(rows, res)
    print(f"{'system':<30}{'body F1':>9}{'P':>8}{'R':>8}{'title':>9}{'site':>6}{'dated':>7}{'seconds':>9}")
    per_page = {}
    for name, r in res.items():
        outs = r["out"]
        body = title = site = dated = "-"
        if any("body" in o for o in outs):
            scores = [page_scores(row[3], o.get("body") or "") for row, o in zip(rows, outs)]
            f1, p, rc = summary(scores)
            body = f"{f1:>9.4f}{p:>8.4f}{rc:>8.4f}"
            per_page[name] = scores
        else:
            body = f"{'-':>9}{'-':>8}{'-':>8}"
        if name in titles:
            title, site = f"{titles[name][0] / n_ref:.3f}", str(titles[name][1])
        if any("date" in o for o in outs):
            dated = str(sum(1 for o in outs if _day(o.get("date"))))
        print(f"{name:<30}{body}{title:>9}{site:>6}{dated:>7}{r['seconds']:>9.1f}")
    print(f"(title: exact share of the {n_ref} pages with a reference; dated: pages with a date, no truth here)")
    if args.per_page and len(per_page) >= 2:
        a_name, b_name = list(per_page)[:2]
        print(f"\nper page (precision/recall): {a_name} | {b_name}")
        for row, a, b in zip(rows, per_page[a_name], per_page[b_name]):
            mark = "  <" if sum(a) < sum(b) - 0.02 else ("  >" if sum(a) > sum(b) + 0.02 else "")
            print(f"{row[0]}  {a[0]:.3f}/{a[1]:.3f} | {b[0]:.3f}/{b[1]:.3f}{mark}")

    drows = load_dates(args.dates_dir)
    fns_dates = {k: v for k, v in fns.items() if k != "trafilatura.extract"}
    res = run(drows, fns_dates)
    print(f"\n== dates-dev: {len(drows)} pages ({args.dates_dir})")
    n_ref, titles = title_scores(drows, res)
    print(f"{'system':<30}{'day right':>10}{'share':>7}{'no date':>9}{'off by 1':>9}{'title':>8}{'site':>6}{'seconds':>9}")
    for name, r in res.items():
        outs = r["out"]
        right = none = off = 0
        wrong = []
        for row, o in zip(drows, outs):
            d = _day(o.get("date"))
            if d is None:
                none += 1
            elif d == row[3]:
                right += 1
            else:
                off += abs((d - row[3]).days) == 1
                wrong.append((row[0], d, row[3]))
        title = f"{titles[name][0] / n_ref:.3f}" if name in titles else "-"
        site = str(titles[name][1]) if name in titles else "-"
        print(f"{name:<30}{right:>10}{right / len(drows):>7.3f}{none:>9}{off:>9}{title:>8}{site:>6}{r['seconds']:>9.1f}")
        if args.per_page and name == "cleaning.extract":
            for page, got, true in wrong:
                print(f"   wrong: {page} {got} (true {true})")
    print(f"(title: exact share of the {n_ref} pages with a reference)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

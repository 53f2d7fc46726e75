"""The cases of htmldate's and trafilatura's own unit tests, asked of the product: where do they disagree?

    python bench/library_cases.py               # the installed versions' source distributions, from PyPI
    python bench/library_cases.py --show 20     # and print the first 20 disagreements

Each library's tests hold small pages written to pin one behaviour each (a date in `<time datetime>`, a title
part that is a domain, JSON-LD with a broken quote ...). Their source distributions are downloaded with `pip
download` (a package registry, reachable here) into a cache directory and unpacked; nothing of them enters this
repository. The tests run with the library's function replaced by a spy that records every HTML string it is
given and answers as the library does, so the tests' own assertions still hold; then each distinct page is given
to `cleaning.extract.extract` and the answers compared:

* htmldate's `tests/unit_tests.py`: every `find_date` page, the product's publication day against
  `find_date(html, url=url, original_date=True, extensive_search=True)` (issue 14's reference call);
* trafilatura's `tests/metadata_tests.py` and `tests/json_metadata_tests.py`: every `extract_metadata` page,
  title and date against trafilatura's;
* htmldate 0.9.1's (HTMLDATE_PAGES; later versions ship no pages) `tests/cache`: 68 real pages saved from the web,
  the product's day against today's htmldate (the reference call above) on each, and against the day its tests
  expect where they ask for the publication day (`original_date=True`; the others expect the latest date);
* trafilatura 1.0.0's (TRAFILATURA_PAGES, the last release that shipped them) `tests/realworld_tests.py`: ~80 real
  pages saved from the web, each with snippets its extraction must hold and must not hold: how many the product
  keeps, and `trafilatura.extract` (comments off, as the product; some snippets are readers' comments, which the
  tests expected with trafilatura's comments on);
* newspaper4k's (NEWSPAPER4K, not a dependency) `tests/data`: ~20 whole news pages in eight languages with the
  text, title and day newspaper4k gives for them (its own output, not hand-checked): body token F1 of the product
  and of `trafilatura.extract`, and titles and days as newspaper4k gives them.

A disagreement is not always the product's error (htmldate reads dates inside HTML comments; trafilatura takes a
JSON-LD `name` over its `headline`): the list is for reading, the counts for following a change.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import re
import subprocess
import sys
import tarfile
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

CACHE = Path.home() / ".cache" / "health-crawl" / "library-cases"


def sdist(name: str, ver: str | None = None) -> Path:
    """The unpacked source distribution of `name` (the installed version unless `ver`)."""
    ver = ver or version(name)
    root = CACHE / f"{name}-{ver}"
    if not root.is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--dest", str(CACHE), f"{name}=={ver}"], check=True)
        with tarfile.open(next(CACHE.glob(f"{name}-{ver}.tar.gz"))) as tar:
            tar.extractall(CACHE, filter="data")
    return root


def recorded(tests_dir: Path, module: str, function: str, real: Callable[..., Any],
             skip: tuple[str, ...] = ()) -> list[tuple[str, str | None]]:
    """(html, url) of every call of `function` with an HTML string that the test module's tests make."""
    calls: list[tuple[str, str | None]] = []

    def spy(page: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(page, str) and "<" in page:
            url = kwargs.get("url") or kwargs.get("default_url")
            if url is None and function == "extract_metadata" and args and isinstance(args[0], str):
                url = args[0]
            calls.append((page, url))
        return real(page, *args, **kwargs)

    sys.path.insert(0, str(tests_dir))
    try:
        tests = importlib.import_module(module)
    finally:
        sys.path.remove(str(tests_dir))
    setattr(tests, function, spy)
    for name in sorted(dir(tests)):
        test = getattr(tests, name)
        if not name.startswith("test_") or name in skip or not callable(test) or test.__code__.co_argcount:
            continue
        try:
            test()
        except Exception as exc:  # noqa: BLE001 - a test that needs the network or a file the sdist lacks
            print(f"  ({module}.{name} stopped: {type(exc).__name__})", file=sys.stderr)
    return list(dict.fromkeys(calls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=0, help="print this many disagreements of each kind")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the libraries' tests feed them broken pages on purpose
    import trafilatura
    from htmldate import find_date
    from trafilatura.metadata import extract_metadata

    from cleaning.extract import extract

    differ: dict[str, list[dict]] = {"date (htmldate)": [], "title (trafilatura)": [], "date (trafilatura)": []}
    totals: dict[str, int] = {}
    pages = recorded(sdist("htmldate") / "tests", "unit_tests", "find_date", find_date,
                     skip=("test_download", "test_fetch_url_errors", "test_cli", "test_input"))
    totals["date (htmldate)"] = len(pages)
    for html, url in pages:
        theirs = find_date(html, url=url, original_date=True, extensive_search=True)
        ex = extract(html, url=url)
        ours = ex.published_date.isoformat() if ex.published_date else None
        if theirs != ours:
            differ["date (htmldate)"].append({"theirs": theirs, "ours": ours, "source": ex.date_source, "url": url,
                                              "html": " ".join(html.split())[:300]})
    tests_dir = sdist("trafilatura") / "tests"
    pages = [*recorded(tests_dir, "metadata_tests", "extract_metadata", extract_metadata),
             *recorded(tests_dir, "json_metadata_tests", "extract_metadata", extract_metadata)]
    pages = list(dict.fromkeys(pages))
    totals["title (trafilatura)"] = totals["date (trafilatura)"] = len(pages)
    for html, url in pages:
        meta = extract_metadata(html, url)
        ex = extract(html, url=url)
        for kind, theirs, ours in (("title (trafilatura)", meta.title or None, ex.title or None),
                                   ("date (trafilatura)", meta.date or None,
                                    ex.published_date.isoformat() if ex.published_date else None)):
            if theirs != ours:
                differ[kind].append({"theirs": theirs, "ours": ours, "html": " ".join(html.split())[:300]})
    real, expected_kind = f"date (htmldate), htmldate {HTMLDATE_PAGES}'s real pages", "date (expected by its tests)"
    for kind in (real, expected_kind):
        differ[kind], totals[kind] = [], 0
    right = 0
    for url, expected, html in htmldate_pages():
        ex = extract(html, url=url)
        ours = ex.published_date.isoformat() if ex.published_date else None
        theirs = find_date(html.decode("utf-8", "replace"), url=url, original_date=True, extensive_search=True)
        totals[real] += 1
        if ours != theirs:
            differ[real].append({"url": url, "theirs": theirs, "ours": ours, "source": ex.date_source})
        if expected != "":
            totals[expected_kind] += 1
            right += theirs == expected
            if ours != expected:
                differ[expected_kind].append({"url": url, "expected": expected, "ours": ours, "htmldate": theirs})
    snippets = {"product": [0, 0, 0, 0], "trafilatura": [0, 0, 0, 0]}  # must found, must, must-not kept, must-not
    missed: list[dict] = []
    for url, must, must_not, raw in realworld_pages():
        ours = extract(raw, url=url).body
        theirs = trafilatura.extract(raw.decode("utf-8", "replace"), url=url, include_comments=False) or ""
        for name, text in (("product", ours), ("trafilatura", theirs)):
            counts = snippets[name]
            counts[0] += sum(m in text for m in must)
            counts[1] += len(must)
            counts[2] += sum(m in text for m in must_not)
            counts[3] += len(must_not)
        lost, kept = [m for m in must if m not in ours], [m for m in must_not if m in ours]
        if lost or kept:
            missed.append({"url": url, "missing": lost, "kept": kept})
    f1 = {"product": 0.0, "trafilatura": 0.0}
    pages = newspaper_pages()
    for kind in ("title (newspaper4k)", "date (newspaper4k)"):
        differ[kind], totals[kind] = [], 0
    for name, html, meta in pages:
        ex = extract(html, url=meta.get("url"))
        f1["product"] += token_f1(ex.body, meta.get("text") or "")
        f1["trafilatura"] += token_f1(trafilatura.extract(html, url=meta.get("url")) or "", meta.get("text") or "")
        day = (meta.get("publish_date") or "")[:10] or None
        for kind, theirs, ours in (("title (newspaper4k)", meta.get("title") or None, ex.title or None),
                                   ("date (newspaper4k)", day, ex.published_date.isoformat() if ex.published_date
                                    else None)):
            if theirs is None:
                continue  # newspaper4k found none: nothing to compare
            totals[kind] += 1
            if theirs != ours:
                differ[kind].append({"page": name, "theirs": theirs, "ours": ours})
    print(f"htmldate {version('htmldate')}, trafilatura {version('trafilatura')}: distinct pages of their unit tests; "
          f"newspaper4k {NEWSPAPER4K}: its test pages")
    print("| compared | pages | agree | differ |\n| --- | ---: | ---: | ---: |")
    for kind, found in differ.items():
        print(f"| {kind} | {totals[kind]} | {totals[kind] - len(found)} | {len(found)} |")
    print(f"htmldate {version('htmldate')}'s own answer on the {totals[expected_kind]} pages its tests expect a "
          f"publication day of: {right} as expected")
    for name, (found, must, kept, must_not) in snippets.items():
        print(f"trafilatura {TRAFILATURA_PAGES}'s real-world pages, {name}: {found} of {must} snippets that must be "
              f"in the text found, {kept} of {must_not} that must not be kept")
    n = max(1, len(pages))
    print(f"newspaper4k's {len(pages)} pages, mean body token F1 against its text: product "
          f"{f1['product'] / n:.3f}, trafilatura.extract {f1['trafilatura'] / n:.3f}")
    for kind, found in differ.items():
        for case in found[: args.show]:
            shown = {k: v[:300] if isinstance(v, str) else v for k, v in case.items()}  # a test's 5,000-letter title
            print(kind, json.dumps(shown, ensure_ascii=False))
    for case in missed[: args.show]:
        print("snippets", json.dumps(case, ensure_ascii=False))


NEWSPAPER4K = "0.9.6"
HTMLDATE_PAGES = "0.9.1"
TRAFILATURA_PAGES = "1.0.0"


def realworld_pages() -> list[tuple[str, set[str], set[str], bytes]]:
    """(url, snippets that must be in, snippets that must not be in, page bytes) of trafilatura 1.0.0's
    real-world tests: each `result = load_mock_page(URL)` and the `'...' in result` / `not in result` of the
    asserts after it."""
    import ast

    tests = sdist("trafilatura", TRAFILATURA_PAGES) / "tests"
    source = (tests / "realworld_tests.py").read_text(encoding="utf-8")
    pages = ast.literal_eval(re.search(r"MOCK_PAGES = (\{.*?\})", source, re.S).group(1))
    wanted: dict[str, tuple[set[str], set[str]]] = {}

    def walk(statements: list, url: list) -> None:
        for st in statements:
            call = st.value if isinstance(st, ast.Assign) else None
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "load_mock_page":
                first = call.args[0] if call.args else None
                url[0] = first.value if isinstance(first, ast.Constant) else None
            elif isinstance(st, ast.Assert) and url[0]:
                for node in ast.walk(st.test):
                    if (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Constant)
                            and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id == "result"
                            and isinstance(node.ops[0], (ast.In, ast.NotIn))):
                        must, must_not = wanted.setdefault(url[0], (set(), set()))
                        (must if isinstance(node.ops[0], ast.In) else must_not).add(node.left.value)
            elif isinstance(st, (ast.If, ast.For, ast.With)):
                walk(st.body, url)

    for fn in ast.parse(source).body:
        if isinstance(fn, ast.FunctionDef) and fn.name.startswith("test"):
            walk(fn.body, [None])
    return [(url, must, must_not, (tests / "cache" / pages[url]).read_bytes()) for url, (must, must_not)
            in wanted.items() if url in pages and (tests / "cache" / pages[url]).is_file()]
_EXPECTED_DAY = re.compile(r"assert find_date\(load_mock_page\('([^']+)'\)((?:, *\w+=\w+)*)\) == ('[^']*'|None)")


def htmldate_pages() -> list[tuple[str, str | None, bytes]]:
    """(url, expected day, page bytes) of each page htmldate 0.9.1's tests call `find_date` on; the expected day
    (None: no date) of the call with `original_date=True`, "" when no call asks for the publication day."""
    import ast

    tests = sdist("htmldate", HTMLDATE_PAGES) / "tests"
    source = (tests / "unit_tests.py").read_text(encoding="utf-8")
    pages = ast.literal_eval(re.search(r"MOCK_PAGES = (\{.*?\})", source, re.S).group(1))
    expected: dict[str, str | None] = {}
    for m in _EXPECTED_DAY.finditer(source):
        url, options, day = m.group(1), dict(re.findall(r"(\w+)=(\w+)", m.group(2))), m.group(3)
        if url in pages and (tests / "cache" / pages[url]).is_file():
            asked = options.get("original_date") == "True" and options.get("extensive_search") != "False"
            if asked or url not in expected:
                expected[url] = (None if day == "None" else day.strip("'")) if asked else ""
    return [(url, day, (tests / "cache" / pages[url]).read_bytes()) for url, day in expected.items()]


def newspaper_pages() -> list[tuple[str, str, dict]]:
    """(name, html, newspaper4k's answers) of each page of its tests/data that has both."""
    data = sdist("newspaper4k", NEWSPAPER4K) / "tests" / "data"
    out = []
    for meta in sorted((data / "metadata").glob("*.json")):
        page = data / "html" / f"{meta.stem}.html"
        if page.is_file():
            out.append((meta.stem, page.read_text(encoding="utf-8", errors="replace"), json.loads(meta.read_text())))
    return out


def token_f1(found: str, truth: str) -> float:
    """Token F1 of two texts (words, lower case, counted with repeats): 0 when either is empty."""
    a, b = Counter(re.findall(r"\w+", found.lower())), Counter(re.findall(r"\w+", truth.lower()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


if __name__ == "__main__":
    main()

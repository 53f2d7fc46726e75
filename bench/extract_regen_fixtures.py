"""Regenerates the expected output of the extraction fixtures (fundus-style), for review as a diff.

    python bench/extract_regen_fixtures.py [NAME ...] [--check]

Each fixture is tests/fixtures/pages/<name>.html (raw bytes, as fetched) plus <name>.json:
{"input": {"url", "now", "profile"?, "content_type"?, "html_from"?, "note"?}, "expected": {...}}.
The script rewrites only "expected"; `git diff tests/fixtures/pages` then shows what changed.
With --check it writes nothing and exits 1 when any fixture's output differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "pages"

from cleaning.document import to_plain  # noqa: E402 (after the sys.path line)



def run_fixture(name: str) -> tuple[dict, dict]:
    """(fixture data, actual output as plain JSON-able dict)."""
    from cleaning.extract import extract
    from cleaning.profiles import load_profile

    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    meta = data["input"]
    html = (FIXTURES / f"{meta.get('html_from', name)}.html").read_bytes()
    profile = load_profile(meta["profile"]) if meta.get("profile") else None
    now = datetime.fromisoformat(meta["now"]) if meta.get("now") else None
    ex = extract(html, meta.get("url"), profile, content_type=meta.get("content_type"), now=now)
    return data, to_plain(ex)


def names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    changed = 0
    for name in args.names or names():
        data, actual = run_fixture(name)
        if data.get("expected") != actual:
            changed += 1
            print(f"{'differs' if args.check else 'updated'}: {name}")
            if not args.check:
                data["expected"] = actual
                (FIXTURES / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                                                       encoding="utf-8")
    print(f"{changed} of {len(args.names or names())} fixtures {'differ' if args.check else 'updated'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())

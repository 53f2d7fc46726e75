"""`python -m cleaning fix-grammar`: fix plain-text lines from stdin.

Exactly one output line per input line (so the stage can be evaluated alone);
which backend runs, and any problem, goes to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys

from .fixer import open_fixer
from .options import BACKENDS, GrammarOptions


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cleaning fix-grammar", description=__doc__)
    p.add_argument("--backend", choices=BACKENDS, default="auto")
    p.add_argument("--languagetool-url", default=None, help="LanguageTool server (default: $HEALTH_LANGUAGETOOL_URL)")
    p.add_argument("--language", default="en", help="language of the lines; 'auto' detects each line")
    p.add_argument("--cache-dir", default=None, help="persistent sentence cache")
    p.add_argument("--protect", action="append", default=[], help="a word never to change (repeatable)")
    p.add_argument("--batch-lines", type=int, default=256, help="lines fixed per batch")
    p.add_argument("--no-artifact-rules", action="store_true", help="backend suggestions only")
    p.add_argument("--edits", action="store_true", help="also log every applied edit to stderr")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    kwargs = {}
    if args.languagetool_url:
        kwargs["languagetool_url"] = args.languagetool_url
    options = GrammarOptions(
        backend=args.backend,
        cache_dir=args.cache_dir,
        protected_words=frozenset(args.protect),
        artifact_rules=not args.no_artifact_rules,
        **kwargs,
    )
    language = None if args.language == "auto" else args.language
    out = sys.stdout
    with open_fixer(options) as fixer:
        print(f"fix-grammar: backend {fixer.backend_name}", file=sys.stderr)
        batch: list[str] = []

        def flush() -> None:
            results = fixer.fix_many(batch, [language] * len(batch))
            for line, r in zip(batch, results):
                fixed = r.text.replace("\r", " ").replace("\n", " ")
                out.write(fixed + "\n")
                if args.edits:
                    for e in r.edits:
                        print(f"edit\t{e.rule_id}\t{e.original!r}\t{e.replacement!r}", file=sys.stderr)
                if r.status.startswith("error"):
                    print(f"fix-grammar: {r.status}", file=sys.stderr)
            out.flush()
            batch.clear()

        for raw in sys.stdin:
            batch.append(raw.rstrip("\n").rstrip("\r"))
            if len(batch) >= args.batch_lines:
                flush()
        if batch:
            flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

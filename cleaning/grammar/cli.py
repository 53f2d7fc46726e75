"""Command lines of the grammar stage (hooked into ``python -m cleaning``).

    python -m cleaning fix-grammar [--backend ...] [--edits] < in.txt > out.txt
    python -m cleaning languagetool install [--source auto|language-tool-python|maven] [--version 6.6]
    python -m cleaning languagetool serve [--port N]
    python -m cleaning languagetool status

These are entry points: they alone read the environment (``HEALTH_LANGUAGETOOL_URL``,
``HEALTH_LANGUAGETOOL_USERNAME``, ``HEALTH_LANGUAGETOOL_API_KEY``) and pass the values on.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections import Counter
from collections.abc import Mapping

from cleaning.cli import EXIT_PARTIAL

from .options import BACKENDS, GrammarOptions

FIX_DESCRIPTION = """Fix the grammar of plain-text lines from stdin: exactly one output line per input line
(so the stage can be evaluated alone); which backend runs, and any problem, go to stderr."""

ENV_URL = "HEALTH_LANGUAGETOOL_URL"


def languagetool_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """GrammarOptions fields for the LanguageTool server the product settings name (URL and credentials,
    declared in cleaning/config.py and read from the environment); `environ` stands in for it in tests."""
    from cleaning.config import value

    out = {}
    for key, name in (("languagetool_url", ENV_URL), ("languagetool_username", "HEALTH_LANGUAGETOOL_USERNAME"),
                      ("languagetool_api_key", "HEALTH_LANGUAGETOOL_API_KEY")):
        if found := value(environ, name):
            out[key] = found
    return out


def add_fix_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=BACKENDS, default="auto",
                   help="grammar backend (default: auto = LanguageTool when installed or given, else offline)")
    p.add_argument("--languagetool-url", default=None, help=f"LanguageTool server (default: ${ENV_URL})")
    p.add_argument("--language", default="en", help="language of the lines; 'auto' detects each line")
    p.add_argument("--cache-dir", default=None, help="persistent sentence cache")
    p.add_argument("--protect", action="append", default=[], help="a word never to change (repeatable)")
    p.add_argument("--batch-lines", type=int, default=256, help="lines fixed per batch")
    p.add_argument("--no-artifact-rules", action="store_true", help="backend suggestions only")
    p.add_argument("--run-budget", type=float, default=None, metavar="SECONDS",
                   help="stop asking the backend after this many seconds in all (lines come back unfixed)")
    p.add_argument("--edits", action="store_true", help="also write every applied edit to stderr")
    p.add_argument("-v", "--verbose", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cleaning fix-grammar", description=FIX_DESCRIPTION)
    add_fix_arguments(p)
    return p


def run_fix(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    from .fixer import open_fixer

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    settings = languagetool_settings(environ)
    if args.languagetool_url:
        settings["languagetool_url"] = args.languagetool_url
    extra = {"run_budget_seconds": args.run_budget} if args.run_budget is not None else {}
    options = GrammarOptions(backend=args.backend, cache_dir=args.cache_dir, protected_words=frozenset(args.protect),
                             artifact_rules=not args.no_artifact_rules, **settings, **extra)
    language = args.language
    out = sys.stdout
    errors: Counter[str] = Counter()  # each distinct failure once, with how many lines it left unfixed
    with open_fixer(options) as fixer:
        print(f"fix-grammar: backend {fixer.backend_name}", file=sys.stderr)
        batch: list[str] = []

        def flush() -> None:
            results = fixer.fix_many(batch, [language] * len(batch))
            for line, r in zip(batch, results):
                out.write(r.text.replace("\r", " ").replace("\n", " ") + "\n")
                if args.edits:
                    for e in r.edits:
                        print(f"edit\t{e.rule_id}\t{e.category}\t{e.original!r}\t{e.replacement!r}", file=sys.stderr)
                if r.status.startswith("error"):
                    if not errors[r.status]:
                        print(f"fix-grammar: {r.status}", file=sys.stderr)
                    errors[r.status] += 1
            out.flush()
            batch.clear()

        for raw in sys.stdin:
            batch.append(raw.rstrip("\n").rstrip("\r"))
            if len(batch) >= args.batch_lines:
                flush()
        if batch:
            flush()
    if errors:
        # As `python -m cleaning run` and the crawl: written, but not all of it fixed (docs/operations.md)
        print(f"fix-grammar: partial: {sum(errors.values())} lines written unfixed (the grammar backend failed); "
              "check the backend (`python -m cleaning languagetool status`, --languagetool-url) and run again",
              file=sys.stderr)
        return EXIT_PARTIAL
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_fix(build_parser().parse_args(argv))


# -- python -m cleaning languagetool ... ------------------------------------------------------

def add_languagetool_arguments(p: argparse.ArgumentParser) -> None:
    from .lt_install import DEFAULT_VERSION, default_home

    sub = p.add_subparsers(dest="lt_command", required=True)
    ins = sub.add_parser("install", help="obtain LanguageTool (language-tool-python's download, else Maven Central)")
    ins.add_argument("--source", choices=("auto", "language-tool-python", "maven"), default="auto")
    ins.add_argument("--version", default=DEFAULT_VERSION, help="LanguageTool version (default: %(default)s)")
    ins.add_argument("--home", default=None, help=f"install folder (default: {default_home()})")
    ins.add_argument("--no-verify", action="store_true", help="do not start the server once to check it")
    srv = sub.add_parser("serve", help="run the installed LanguageTool server until Ctrl-C")
    srv.add_argument("--port", type=int, default=8081)
    srv.add_argument("--home", default=None)
    st = sub.add_parser("status", help="say whether LanguageTool is installed (exit 1 if not)")
    st.add_argument("--home", default=None)
    p.set_defaults(func=run_languagetool)


def run_languagetool(args: argparse.Namespace) -> int:
    from .lt_install import InstallError, find_install, install, verify
    from .lt_server import languagetool_status, local_languagetool_server

    if args.lt_command == "install":
        def say(msg: str) -> None:
            print(msg, file=sys.stderr)

        try:
            found = install(args.home, args.version, args.source, say=say)
            say(f"LanguageTool {found.version} installed from {found.source} in {found.directory}")
            if not args.no_verify:
                say(f"checked: LanguageTool {verify(found)} answers")
        except (InstallError, RuntimeError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        return 0
    if args.lt_command == "status":
        ok, how = languagetool_status(None, args.home)
        found = find_install(args.home)
        print(f"{'installed' if ok else 'not available'}: {how}"
              + (f" (LanguageTool {found.version}, {found.source})" if found else ""))
        return 0 if ok else 1
    # serve
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with local_languagetool_server(port=args.port, home=args.home) as url:
            print(f"LanguageTool serving at {url} (Ctrl-C stops it)", file=sys.stderr, flush=True)
            try:
                while not stop.wait(1.0):
                    pass
            except KeyboardInterrupt:
                pass
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Command line of the cleaning stage.

    python -m cleaning run [--output-dir DIR] [--run-id ID] [--workers N]   rebuild datasets from pages/
    python -m cleaning extract FILE_OR_URL_PATH [--url URL] [--site NAME]   one page -> JSON
    python -m cleaning fix-grammar [--backend auto|languagetool|offline]    stdin lines -> stdout lines
    python -m cleaning languagetool install|serve [--port N]|status         the LanguageTool backend
    python -m cleaning report [RUN_ID] [--output-dir DIR]                   (re)render a run's report and the index
    python -m cleaning compact [--output-dir DIR] [--dataset NAME]          merge small part files
    python -m cleaning migrate [--output-dir DIR]                          rewrite files of older schema versions
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

from cleaning.cli import EXIT_PARTIAL, OneLineParser, skip_final_collection, tune_collector
from cleaning.storage.pandas_probe import answer_pandas_probe


def _cmd_run(args: argparse.Namespace) -> int:
    from cleaning.runner import CleanOptions, clean_from, rebuild_all
    from cleaning.storage.datasets import OutputError, check_run_id

    root = Path(args.output_dir)
    if not (root / "pages").is_dir():
        print(f"error: no pages dataset under {root} (crawl first: scrapy crawl health -s OUTPUT_DIR={root})",
              file=sys.stderr)
        return 2
    # These flags mirror the crawl's HEALTH_* settings: give the values the crawl used (its manifest
    # lists them) to get the rows the crawl wrote. Unset ones take the declared defaults.
    given = {"HEALTH_KEEP_LANGUAGES": args.keep_languages, "HEALTH_GRAMMAR_BACKEND": args.grammar_backend,
             "HEALTH_MIN_WORDS": args.min_words, "HEALTH_DEDUP_THRESHOLD": args.dedup_threshold,
             "HEALTH_CLEAN_WORKERS": args.workers or os.cpu_count() or 1,
             "HEALTH_GRAMMAR_TIMEOUT": args.grammar_timeout, "HEALTH_GRAMMAR_BUDGET": args.grammar_budget}
    try:
        options = CleanOptions.from_settings({k: v for k, v in given.items() if v is not None})
        if args.run_id:
            check_run_id(args.run_id)
            reports = clean_from(root, args.run_id, options)
        else:
            reports = rebuild_all(root, options)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    partial = []
    for r in reports:
        print(f"run {r.run_id}: {dict(r.counts)} dropped={dict(r.dropped_reasons)} "
              f"grammar={r.grammar_backend or '-'} in {r.seconds:.1f}s")
        if r.counts.get("grammar_unfixed"):
            from cleaning.steps.fix_grammar import grammar_error

            cause = grammar_error(r.steps.get("grammar", {})) or "the backend failed or its deadline passed"
            partial.append(f"run {r.run_id}: {r.counts['grammar_unfixed']} articles written without their grammar "
                           f"fixes ({cause}); run again to fix them")
    for line in partial:
        print(f"partial: {line}", file=sys.stderr)
    if not reports:
        print(f"error: no stored run to clean under {root} (pages/ holds no part files)", file=sys.stderr)
        return 1
    return EXIT_PARTIAL if partial else 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from cleaning.storage.migrate import migrate

    lines = list(migrate(Path(args.output_dir)))
    for line in lines:
        print(line)
    if not lines:
        print(f"{args.output_dir}: every file is in the current schema version")
    return 0


def _fetch_time(text: str) -> datetime:
    """An ISO 8601 time; one without an offset is UTC."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _cmd_extract(args: argparse.Namespace) -> int:
    from cleaning.extract import extract
    from cleaning.config import value
    from cleaning.profiles import ProfileError, load_profile

    try:
        profile = load_profile(args.site, value(None, "HEALTH_SITES_DIR")) if args.site else None
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:  # a missing or unreadable input is a bad argument, not a crash
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    result = extract(data, args.url, profile, now=args.fetched_at)
    from cleaning.document import to_plain

    print(json.dumps(to_plain(result), ensure_ascii=False, indent=2))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from cleaning.report import render_all, render_index
    from cleaning.storage.datasets import OutputError, check_run_id

    root = Path(args.output_dir)
    try:
        if args.run_id:
            check_run_id(args.run_id)
        paths = render_all(root, args.run_id) if args.run_id else (render_index(root),)
    except (OutputError, ValueError) as exc:  # no such run, a damaged file, a bad run id: one line
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def _cmd_compact(args: argparse.Namespace) -> int:
    from cleaning.storage.compact import compact

    for line in compact(Path(args.output_dir), args.dataset):
        print(line)
    return 0


def program_name(argv0: str | None = None) -> str:
    """How the user called this command line: `python -m cleaning` or the installed `health-clean`."""
    name = Path(argv0 if argv0 is not None else sys.argv[0]).name
    return "python -m cleaning" if name in ("__main__.py", "-m", "-c", "") else name


def build_parser(prog: str = "python -m cleaning") -> argparse.ArgumentParser:
    from cleaning.config import GRAMMAR_BACKENDS

    doc = (__doc__ or "").replace("python -m cleaning ", f"{prog} ")
    parser = OneLineParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="rebuild the derived datasets from pages/ (offline)")
    run.add_argument("--output-dir", default="outputs")
    run.add_argument("--run-id", help="clean this run and every later one (default: every stored run, oldest first)")
    run.add_argument("--min-words", type=int, help="HEALTH_MIN_WORDS (default: 40)")
    run.add_argument("--dedup-threshold", type=float, help="HEALTH_DEDUP_THRESHOLD (default: 0.8)")
    run.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")
    run.add_argument("--keep-languages", help="HEALTH_KEEP_LANGUAGES (default: en)")
    run.add_argument("--grammar-backend", choices=GRAMMAR_BACKENDS, help="HEALTH_GRAMMAR_BACKEND (default: auto)")
    run.add_argument("--grammar-timeout", type=float, help="HEALTH_GRAMMAR_TIMEOUT: seconds per grammar request "
                     "(default: 30)")
    run.add_argument("--grammar-budget", type=float, help="HEALTH_GRAMMAR_BUDGET: seconds each process may wait for "
                     "the grammar backend in all, 0 for no limit (default: 3600)")
    run.set_defaults(func=_cmd_run)

    mig = sub.add_parser("migrate", help="rewrite dataset files of an older schema version in the current one")
    mig.add_argument("--output-dir", default="outputs")
    mig.set_defaults(func=_cmd_migrate)

    ex = sub.add_parser("extract", help="extract one stored page and print JSON")
    ex.add_argument("file", help="an HTML file, or - for stdin")
    ex.add_argument("--url")
    ex.add_argument("--site", help="a site profile name")
    ex.add_argument("--fetched-at", type=_fetch_time, metavar="ISO",
                    help="when the page was fetched, e.g. 2024-05-10T12:00:00Z: the base of relative dates "
                         "(\"3 hours ago\"), which are not read without it")
    ex.set_defaults(func=_cmd_extract)

    from cleaning.grammar import cli as grammar_cli

    fix = sub.add_parser("fix-grammar", help="fix grammar of stdin lines, one output line per input line",
                         description=grammar_cli.FIX_DESCRIPTION)
    grammar_cli.add_fix_arguments(fix)
    fix.set_defaults(func=grammar_cli.run_fix)
    grammar_cli.add_languagetool_arguments(sub.add_parser("languagetool", help="install or serve LanguageTool"))

    rep = sub.add_parser("report", help="render the HTML report of a run and the runs index")
    rep.add_argument("run_id", nargs="?", help="the run; without it, only OUTPUT_DIR/_runs/index.html")
    rep.add_argument("--output-dir", default="outputs")
    rep.set_defaults(func=_cmd_report)

    comp = sub.add_parser("compact", help="merge small part files of each partition")
    comp.add_argument("--output-dir", default="outputs")
    from cleaning.storage.schemas import DATASETS

    comp.add_argument("--dataset", choices=sorted(DATASETS), help="one dataset (default: all)")
    comp.set_defaults(func=_cmd_compact)
    return parser


WRITERS = {"run", "compact", "migrate"}  # commands that write OUTPUT_DIR: one at a time (cleaning.storage.lock)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    prog = prog or program_name()
    args = build_parser(prog).parse_args(argv)
    skip_final_collection()
    tune_collector()
    answer_pandas_probe()
    try:
        return _main(args, prog)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # one line for the user; the traceback with -v
        if args.verbose:
            raise
        print(f"{prog}: error: {type(exc).__name__}: {exc} (run with -v for the traceback)", file=sys.stderr)
        return 1


ON_OUTPUT_DIR = {"compact", "migrate", "report"}  # commands on an existing OUTPUT_DIR (`run` checks for pages/ itself)


def _not_an_output_dir(root: Path) -> str | None:
    """Why `root` is no output folder of the product, or None: a mistyped --output-dir must not "succeed" on
    an empty folder (or create one)."""
    if not root.is_dir():
        return f"{root} does not exist (check --output-dir)"
    if not any((root / name).is_dir() for name in ("pages", "articles", "_runs")):
        return f"{root} holds no datasets (no pages/, articles/ or _runs/; check --output-dir)"
    return None


def _main(args: argparse.Namespace, prog: str) -> int:
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command in ON_OUTPUT_DIR:
        why = _not_an_output_dir(Path(args.output_dir))
        if why is not None:
            print(f"error: {why}", file=sys.stderr)
            return 2
    if args.command not in WRITERS:
        return int(args.func(args) or 0)
    from cleaning.config import value
    from cleaning.storage.lock import OutputLock, OutputLocked, mark_crashed_runs

    try:
        lock = OutputLock(Path(args.output_dir), command=f"{prog} {args.command}")
        lock.acquire(wait=value(None, "HEALTH_LOCK_WAIT"))
    except OutputLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a read-only or vanished folder: the lock file cannot be made
        why = "is not a directory" if Path(args.output_dir).exists() and not Path(args.output_dir).is_dir() else \
            f"is not writable ({exc.strerror or exc})"
        print(f"error: {args.output_dir} {why}: {args.command} writes there", file=sys.stderr)
        return 2
    stopped_by = _stop_on_sigterm()
    try:
        with lock:
            for run_id in mark_crashed_runs(Path(args.output_dir), found_by=f"{prog} {args.command}"):
                logging.getLogger("cleaning").warning("run %s was left running by a process that died: marked "
                                                      "crashed", run_id)
            from cleaning.storage.datasets import OutputError, check_readable
            from cleaning.storage.schemas import DATASETS

            try:  # as a crawl does before it starts: a damaged or foreign file is named and set aside
                check_readable(Path(args.output_dir), DATASETS)
            except OutputError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        signame = stopped_by[0] or "SIGINT"
        print(f"interrupted by {signame}: the run being cleaned was not committed (its manifest says "
              f"`interrupted`); runs committed before are intact; run the same command again to finish",
              file=sys.stderr)
        # Exit now: a grammar request abandoned in a hung backend would otherwise hold the interpreter's exit
        # until its own timeout. Every file is either committed or staged; the lock dies with the process.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + (signal.SIGTERM if signame == "SIGTERM" else signal.SIGINT))


def _stop_on_sigterm() -> list[str]:
    """SIGTERM (a service manager, `kill`) stops a run the way Ctrl-C does, so it ends recorded; the list
    names the signal that stopped it."""
    stopped_by: list[str] = [""]

    def handler(signum: int, frame: object) -> None:
        stopped_by[0] = signal.Signals(signum).name
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    return stopped_by


if __name__ == "__main__":
    sys.exit(main())

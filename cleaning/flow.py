"""The data flow of cleaning one run, in one place: the steps, in order.

    pages of a run -> extract -> repeated paragraphs -> language -> hash -> rare words
                                                                         per page, in worker processes
                   -> date order (whole run: ambiguous 12/03/2024 settled by the site's other pages)
                   -> dedup (whole run, against earlier runs)            duplicates -> `duplicates`
                   -> site vocabulary (whole run)
                   -> grammar -> rows                                    per article, in worker processes
                   -> write (staged, then committed together)            -> articles, hot_picks, grammar_edits

`cleaning.runner` runs this list (for `scrapy crawl health` when the crawl ends, and for
`python -m cleaning run` offline): it holds no step logic, only processes, spools and the commit.
"""

from __future__ import annotations

from pathlib import Path

from cleaning.dedup.options import DedupOptions
from cleaning.options import CleanOptions
from cleaning.steps import (CollectSiteVocabulary, Deduplicate, DetectLanguage, DropRepeatedParagraphs, ExtractArticle,
                            FixGrammar, HashContent, ListRareWords, MakeRows, ReadPages, SettleDateOrder, Step,
                            WriteDatasets)
from cleaning.steps.fix_grammar import GrammarSettings


def cleaning_steps(root: Path, run_id: str, stage: Path, options: CleanOptions) -> list[Step]:
    """The steps that clean run `run_id` of the datasets under `root`, staging files in `stage`."""
    write = WriteDatasets(root, run_id, stage / "out")
    dedup = DedupOptions(threshold=options.dedup_threshold)
    grammar = GrammarSettings(
        backend=options.grammar_backend, languagetool_url=options.languagetool_url,
        languagetool_username=options.languagetool_username, languagetool_api_key=options.languagetool_api_key,
        languagetool_heap_mb=options.languagetool_heap_mb,
        keep_languages=options.keep_languages,
        request_timeout=options.grammar_timeout, run_budget_seconds=options.grammar_budget,
        cache_dir=options.grammar_cache_dir or str(Path(root) / "_state" / "grammar-cache"))
    return [
        ReadPages(root, run_id, sites_dirs=options.sites_dirs),
        ExtractArticle(min_words=options.min_words),
        DropRepeatedParagraphs(),
        DetectLanguage(),
        HashContent(dedup),
        ListRareWords(),  # each body's rare words, for the site vocabulary below
        # whole run, after the per-page segment: dedup prefers the earliest date, so dates are settled first
        SettleDateOrder(),
        Deduplicate(root, run_id, duplicates=write.staged_writer("duplicates", "dedup"), options=dedup),
        CollectSiteVocabulary(stage / "site-vocabulary.txt", min_docs=options.recurring_min_docs),
        FixGrammar(grammar, vocabulary=stage / "site-vocabulary.txt"),
        MakeRows(run_id),
        write,
    ]


def summary_counts(steps: list[Step]) -> dict[str, int]:
    """The run's headline counts (manifest, summary line, report) from the steps' own counts."""
    by_name = {s.name: s.stats for s in steps}
    dedup, rows = by_name.get("dedup", {}), by_name.get("rows", {})
    counts = {"pages": by_name.get("read_pages", {}).get("pages", 0)}
    counts.update({k: rows.get(k, 0) for k in ("articles", "hot_picks", "grammar_edits")})
    counts.update({k: v for k, v in dedup.items() if k.startswith("duplicates") or k in ("unchanged", "new_versions")})
    counts["dropped"] = sum(v for s in steps for k, v in s.stats.items() if k.startswith("dropped/"))
    # Written, but without the grammar fixes they were due (the backend failed or its deadline passed):
    # the run is `partial`, and a re-clean with a working backend fixes them.
    unfixed = by_name.get("grammar", {}).get("status/error", 0)
    if unfixed:
        counts["grammar_unfixed"] = unfixed
    return counts

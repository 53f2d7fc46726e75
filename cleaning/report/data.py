"""The figures of one run's report, gathered from its manifest and its datasets' rows.

Memory stays bounded whatever the run's size: each dataset is scanned a record batch at a time, reading
only the columns a figure needs, and what is kept between batches is bounded too (value counts, the
word counts' distinct values, a fixed number of sample candidates, a distinct-id counter that turns
approximate past a cap). The sampled articles' bodies are read from their own row groups only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaning.document import GrammarEdit
from cleaning.report.manifest import (
    end_reason,
    number_or_none,
    read_manifest,
    run_duration,
    unchanged_articles,
)
from cleaning.report.scan import (
    DistinctCounter,
    Smallest,
    batches,
    below,
    true_count,
    value_counts,
)
from cleaning.storage.atomic import OutputError
from cleaning.storage.migrate import columns_to_read, file_version, upgrade
from cleaning.storage.schemas import SCHEMA_VERSION

SAMPLE_BATCH_ROWS = 256  # rows read at a time where bodies are read
SAMPLE_EDITED = 4  # articles shown with their grammar edits
SAMPLE_DUPLICATED = 3  # articles shown with the copies dropped as their duplicates
SAMPLE_OTHER = 3  # articles drawn from the rest, so a run without edits or duplicates still shows text


@dataclass
class Completeness:
    """How many of a run's articles have a column filled (`filled` of `total`), with a breakdown."""

    column: str
    filled: int
    total: int
    meaning: str
    breakdown: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float | None:
        return self.filled / self.total if self.total else None


Edit = GrammarEdit  # a sampled article's edits, as the grammar stage made them (cleaning/document.py)


@dataclass
class DuplicateCopy:
    url: str
    article_id: str
    kind: str
    similarity: float | None


@dataclass
class SampleArticle:
    article_id: str
    version: int
    url: str
    title: str
    language: str
    word_count: int
    flags: list[str]
    grammar_status: str
    body_original: str
    why: str  # which part of the sample it was drawn for: edited, duplicated, other
    edits: list[Edit] = field(default_factory=list)
    duplicates: list[DuplicateCopy] = field(default_factory=list)


@dataclass
class RunFigures:
    run_id: str
    manifest: dict[str, Any]
    status: str
    reason: str  # why the run ended as it did: the crawl's close reason, cleaning's status, the problems
    problems: list[str]
    duration_s: float | None  # wall clock from the run's start to its end (the manifest's times)
    crawl_s: float | None  # the crawl's own elapsed time (Scrapy's stats)
    clean_s: float | None
    pages: int
    articles: int
    pages_by_status: Counter[str]
    articles_per_site: Counter[str]
    languages: Counter[str]
    completeness: list[Completeness]
    flags: Counter[str]
    flagged: int  # articles with at least one flag
    word_counts: Counter[int]  # word_count value -> articles (exact quantiles, bounded by distinct values)
    new_articles: int  # version 1
    new_versions: int  # version > 1: a changed text of an article an earlier run stored
    unchanged: int  # incremental: articles not re-fetched or fetched with the same text (no new row)
    duplicates_by_kind: Counter[str]
    similarity: Counter[str]  # duplicates by similarity band
    grammar_by_category: Counter[str]
    grammar_edits: int
    extraction_paths: Counter[str]
    step_seconds: dict[str, float]  # each cleaning step's own seconds in the run's cleaning, in flow order
    prepared_while_crawling: int  # pages whose first steps ran while the crawl fetched (not in step_seconds)
    dropped: Counter[str]
    failures: dict[str, list[str]]  # reason -> failed URLs
    sample: list[SampleArticle]

    @property
    def pages_per_s(self) -> float | None:
        return self.pages / self.crawl_s if self.crawl_s else None

    @property
    def articles_per_s(self) -> float | None:
        return self.articles / self.duration_s if self.duration_s else None


def _grammar_status(value: str) -> str:
    # "error:<message>" varies per article; the report groups by the kind of outcome
    return value.split(":", 1)[0] if value.startswith("error:") else value


_ARTICLE_SCAN = ["article_id", "version", "site", "title", "published_date", "updated_date", "date_source",
                 "language", "word_count", "flags", "grammar_status", "grammar_edit_count"]
_SAMPLE_COLUMNS = ["article_id", "version", "url", "title", "language", "word_count", "flags", "grammar_status",
                   "body_original"]
SIMILARITY_BANDS = ((1.0, "1.0 (identical)"), (0.95, "0.95-1.0"), (0.9, "0.90-0.95"), (0.8, "0.80-0.90"),
                    (0.0, "below 0.80"))


def _similarity_band(value: float | None) -> str:
    if value is None:
        return "(none)"
    for low, label in SIMILARITY_BANDS:
        if value >= low:
            return label
    return SIMILARITY_BANDS[-1][1]


def gather(root: Path, run_id: str) -> RunFigures:
    """Every figure of the run's report (see the module docstring for what is read)."""
    root = Path(root)
    manifest = read_manifest(root, run_id)
    cleaning = manifest.get("cleaning") or {}
    steps = cleaning.get("steps") or {}
    crawl_stats = manifest.get("crawl_stats") or {}

    pages_by_status: Counter[str] = Counter()
    for _, _, t in batches(root, "pages", run_id, ["status"]):
        value_counts(t.column("status"), pages_by_status)
    pages_by_status = Counter({str(k): v for k, v in pages_by_status.items()})

    # duplicates first: the representatives to show are chosen here, and located in the articles' scan
    duplicates_by_kind: Counter[str] = Counter()
    similarity: Counter[str] = Counter()
    duplicated = Smallest(SAMPLE_DUPLICATED)
    for _, _, t in batches(root, "duplicates", run_id, ["duplicate_of", "kind", "similarity"]):
        value_counts(t.column("kind"), duplicates_by_kind)
        for s in t.column("similarity").to_pylist():
            similarity[_similarity_band(s)] += 1
        for aid in pc.unique(t.column("duplicate_of")).to_pylist():
            duplicated.offer(aid, None)
    representatives = {a for a, _ in duplicated.items()}
    rep_ids = pa.array(sorted(representatives), pa.string())

    total = titled = dated = updated = known_lang = flagged = new_versions = 0
    sites: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    date_sources: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    word_counts: Counter[int] = Counter()
    edited, other = Smallest(SAMPLE_EDITED), Smallest(SAMPLE_EDITED + SAMPLE_DUPLICATED + SAMPLE_OTHER)
    where: dict[str, tuple[Path, int]] = {}
    for path, start, t in batches(root, "articles", run_id, _ARTICLE_SCAN):
        total += t.num_rows
        titled += true_count(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(t.column("title"))), 0))
        dated += t.num_rows - t.column("published_date").null_count
        updated += t.num_rows - t.column("updated_date").null_count
        lang = t.column("language")
        known_lang += true_count(pc.and_(pc.is_valid(lang), pc.not_equal(lang, "und")))
        value_counts(lang, langs)
        value_counts(t.column("site"), sites)
        has_date = pc.is_valid(t.column("published_date"))
        value_counts(t.column("date_source").filter(has_date), date_sources, none="(source not recorded)")
        date_sources["(no date)"] += t.num_rows - true_count(has_date)
        flag_lists = t.column("flags")
        flagged += true_count(pc.greater(pc.list_value_length(flag_lists), 0))
        value_counts(pc.list_flatten(flag_lists), flags)
        value_counts(t.column("grammar_status"), statuses)
        value_counts(t.column("word_count"), word_counts, none=-1)
        new_versions += true_count(pc.greater(t.column("version"), 1))
        # sample candidates: only ids are compared here; bodies are read for the chosen few at the end
        ids = t.column("article_id")
        has_edits = pc.fill_null(pc.greater(t.column("grammar_edit_count"), 0), False)
        for keep, mask in ((edited, has_edits), (other, None)):
            candidates = below(ids, keep, mask)
            for i in candidates:
                keep.offer(ids[i].as_py(), (path, start + i))
        if representatives:
            for i in pc.indices_nonzero(pc.fill_null(pc.is_in(ids, value_set=rep_ids), False)).to_pylist():
                where[ids[i].as_py()] = (path, start + i)
    word_counts.pop(-1, None)
    if not date_sources["(no date)"]:
        del date_sources["(no date)"]
    where.update(edited.items() + other.items())

    picks = DistinctCounter()
    hot_pick_rows = 0
    for _, _, t in batches(root, "hot_picks", run_id, ["article_id"]):
        hot_pick_rows += t.num_rows
        picks.update(pc.unique(t.column("article_id")).to_pylist())

    grammar_by_category: Counter[str] = Counter()
    grammar_edits = 0
    for _, _, t in batches(root, "grammar_edits", run_id, ["category"]):
        grammar_edits += t.num_rows
        value_counts(t.column("category"), grammar_by_category)

    chosen: list[tuple[str, str]] = [(a, "edited") for a, _ in edited.items()]
    chosen += [(a, "duplicated") for a, _ in duplicated.items() if a not in dict(chosen)]
    for a, _ in other.items():
        if len(chosen) >= SAMPLE_EDITED + SAMPLE_DUPLICATED + SAMPLE_OTHER:
            break
        if a not in dict(chosen):
            chosen.append((a, "other"))
    sample = _sample_articles(root, run_id, chosen, where)

    completeness = [
        Completeness("title", titled, total, "a non-empty title"),
        Completeness("published_date", dated, total, "a publication date, by where it came from", date_sources),
        Completeness("updated_date", updated, total, "an \"updated\" date (only pages that state one)"),
        Completeness("language", known_lang, total, "an identified language (not und)", langs),
        Completeness("hot_picks", picks.count(), total,
                     f"at least one related-articles entry ({hot_pick_rows} entries"
                     + (", article count estimated" if picks.approximate else "") + ")"),
        Completeness("grammar_status", statuses.get("fixed", 0) + statuses.get("unchanged", 0), total,
                     "checked by the grammar backend (fixed or unchanged)",
                     _group(statuses)),
        Completeness("flags", total - flagged, total, "no completeness flag (flagged articles: see below)", flags),
    ]
    failures: dict[str, list[str]] = defaultdict(list)
    for url, why in (manifest.get("failed_urls") or {}).items():
        failures[str(why)].append(str(url))
    for key, n in crawl_stats.items():  # reasons counted without their URLs (older manifests, other workers)
        if key.startswith("health/failed/"):
            failures.setdefault(key.split("/", 2)[2], [])
    return RunFigures(
        run_id=run_id, manifest=manifest, status=str(manifest.get("status", "unknown")),
        reason=end_reason(manifest), problems=[str(p) for p in manifest.get("problems") or []],
        duration_s=run_duration(manifest),
        crawl_s=number_or_none(crawl_stats.get("elapsed_time_seconds")), clean_s=number_or_none(cleaning.get("seconds")),
        pages=sum(pages_by_status.values()), articles=total, pages_by_status=pages_by_status,
        articles_per_site=sites, languages=langs, completeness=completeness, flags=flags, flagged=flagged,
        word_counts=word_counts, new_articles=total - new_versions, new_versions=new_versions,
        unchanged=unchanged_articles(manifest),
        duplicates_by_kind=duplicates_by_kind, similarity=similarity, grammar_by_category=grammar_by_category,
        grammar_edits=grammar_edits,
        extraction_paths=Counter({k.split("/", 1)[1]: v for k, v in (steps.get("extract") or {}).items()
                                  if k.startswith("body_source/")}),
        step_seconds={name: float(s["seconds"]) for name, s in steps.items()
                      if isinstance(s, dict) and isinstance(s.get("seconds"), (int, float))},
        prepared_while_crawling=int((cleaning.get("counts") or {}).get("prepared_while_crawling") or 0),
        dropped=Counter(cleaning.get("dropped_reasons") or {}),
        failures=dict(failures), sample=sample)


def _group(statuses: Counter[str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for k, v in statuses.items():
        out[_grammar_status(str(k))] += v
    return out


def _sample_articles(root: Path, run_id: str, chosen: list[tuple[str, str]],
                     where: dict[str, tuple[Path, int]]) -> list[SampleArticle]:
    """The chosen articles with their text, edits and duplicates; bodies come from their row groups only."""
    if not chosen:
        return []
    ids = [a for a, _ in chosen]
    rows: dict[str, dict[str, Any]] = {}
    by_file: dict[Path, list[int]] = defaultdict(list)
    for aid in ids:
        if aid in where:
            by_file[where[aid][0]].append(where[aid][1])
    for path, row_numbers in by_file.items():
        for row in _rows_at(path, row_numbers):
            rows[row["article_id"]] = row
    value_set = pa.array(ids, pa.string())
    edits: dict[str, list[Edit]] = defaultdict(list)
    for _, _, t in batches(root, "grammar_edits", run_id,
                            ["article_id", "offset", "length", "original", "replacement", "rule_id", "category",
                             "backend"]):
        for r in t.filter(pc.is_in(t.column("article_id"), value_set=value_set)).to_pylist():
            edits[r["article_id"]].append(Edit(r["offset"], r["length"] or 0, r["original"] or "",
                                               r["replacement"] or "", r["rule_id"] or "", r["category"] or "",
                                               r["backend"] or ""))
    copies: dict[str, list[DuplicateCopy]] = defaultdict(list)
    for _, _, t in batches(root, "duplicates", run_id, ["url", "article_id", "duplicate_of", "kind", "similarity"]):
        for r in t.filter(pc.is_in(t.column("duplicate_of"), value_set=value_set)).to_pylist():
            copies[r["duplicate_of"]].append(DuplicateCopy(r["url"], r["article_id"] or "", r["kind"],
                                                           r["similarity"]))
    out = []
    for aid, why in chosen:
        row = rows.get(aid)
        if row is None:  # a representative kept by an earlier run: its copies are shown without its text
            row = {"article_id": aid, "version": 0, "url": "", "title": "(kept by an earlier run)"}
        out.append(SampleArticle(
            article_id=aid, version=int(row.get("version") or 0), url=row.get("url") or "",
            title=row.get("title") or "", language=row.get("language") or "", word_count=int(row.get("word_count") or 0),
            flags=list(row.get("flags") or []), grammar_status=row.get("grammar_status") or "",
            body_original=row.get("body_original") or "", why=why,
            edits=sorted(edits.get(aid, []), key=lambda e: e.offset), duplicates=copies.get(aid, [])))
    return out


def _rows_at(path: Path, row_numbers: list[int]) -> list[dict[str, Any]]:
    """Rows of one articles file by row number, reading only the row groups that hold them."""
    try:
        pf = pq.ParquetFile(path, page_checksum_verification=True)
        version = file_version(pf.schema_arrow)
        out, first = [], 0
        wanted = sorted(row_numbers)
        for rg in range(pf.metadata.num_row_groups):
            n = pf.metadata.row_group(rg).num_rows
            inside = [r - first for r in wanted if first <= r < first + n]
            at = 0
            # small batches: a row group of long bodies is never held whole
            for batch in (pf.iter_batches(batch_size=SAMPLE_BATCH_ROWS, row_groups=[rg],
                                          columns=columns_to_read("articles", version, _SAMPLE_COLUMNS))
                          if inside else ()):
                here = [r - at for r in inside if at <= r < at + batch.num_rows]
                if here:
                    t = pa.Table.from_batches([batch]).take(pa.array(here, pa.int64()))
                    if version != SCHEMA_VERSION:
                        t = upgrade("articles", version, t, _SAMPLE_COLUMNS)
                    out += t.to_pylist()
                at += batch.num_rows
                if at > inside[-1]:
                    break
            first += n
        return out
    except (OSError, pa.ArrowInvalid) as exc:
        raise OutputError(f"cannot read {path} for the report: {exc}") from None

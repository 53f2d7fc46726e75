"""The run report, OUTPUT_DIR/_runs/RUN_ID.html: is this run's data good? (docs/operations.md, "The run report")."""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from cleaning.report import html as h
from cleaning.report.data import Edit, RunFigures, SampleArticle, gather
from cleaning.storage.atomic import write_text_atomic

WORD_BINS = (0, 1, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000)
CONTEXT = 60  # characters of unchanged text shown around an edit
MAX_PASSAGES = 8  # per sampled article
MAX_FAILED_URLS = 50  # per reason


def word_histogram(word_counts: Counter[int]) -> list[tuple[str, int]]:
    """Articles per word-count band (the bands of WORD_BINS; the last is open-ended)."""
    bins = [0] * len(WORD_BINS)
    for value, n in word_counts.items():
        i = max(j for j, low in enumerate(WORD_BINS) if value >= low) if value >= 0 else 0
        bins[i] += n
    labels = []
    for j, low in enumerate(WORD_BINS):
        high = WORD_BINS[j + 1] if j + 1 < len(WORD_BINS) else None
        labels.append("0" if low == 0 else (f"{_short(low)}–{_short(high)}" if high is not None else f"{_short(low)}+"))
    return list(zip(labels, bins))


def _short(n: int) -> str:
    return f"{n / 1000:g}k" if n >= 1000 else str(n)


def quantile(word_counts: Counter[int], q: float) -> int | None:
    """The q-quantile (nearest rank) of the values counted in `word_counts`."""
    total = sum(word_counts.values())
    if not total:
        return None
    rank = max(1, int(-(-q * total // 1)))  # ceil(q * total), at least the first value
    seen = 0
    for value in sorted(word_counts):
        seen += word_counts[value]
        if seen >= rank:
            return value
    return max(word_counts)


def edit_passages(text: str, edits: list[Edit], context: int = CONTEXT) -> list[str]:
    """The body's edited passages as HTML: unchanged context, <del>removed</del>, <ins>inserted</ins>.

    Edits closer than twice the context share one passage. An edit whose offset or original text does
    not match the body is shown on its own, marked, rather than misplaced."""
    passages: list[str] = []
    group: list[Edit] = []
    bad: list[Edit] = []
    for e in sorted(edits, key=lambda e: e.offset):
        if e.offset < 0 or e.offset + e.length > len(text) or text[e.offset:e.offset + e.length] != e.original \
                or (group and e.offset < group[-1].offset + group[-1].length):
            bad.append(e)
            continue
        if group and e.offset - (group[-1].offset + group[-1].length) > 2 * context:
            passages.append(_passage(text, group, context))
            group = []
        group.append(e)
    if group:
        passages.append(_passage(text, group, context))
    passages += [f"<span class='warn'>edit at {e.offset} does not match the original text:</span> "
                 f"<del>{escape(e.original)}</del><ins>{escape(e.replacement)}</ins>" for e in bad]
    return passages


def _visible(changed: str) -> str:
    """Changed text as HTML; a change of whitespace alone shows its characters (␣ space, ↵ line break)."""
    if changed.strip():
        return escape(changed)
    return escape(changed.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥"))


def _passage(text: str, group: list[Edit], context: int) -> str:
    start = max(0, group[0].offset - context)
    end = min(len(text), group[-1].offset + group[-1].length + context)
    out = ["…" if start else ""]
    pos = start
    for e in group:
        out.append(escape(text[pos:e.offset]))
        if e.original:
            out.append(f"<del title='{escape(e.rule_id)} ({escape(e.category)})'>{_visible(e.original)}</del>")
        if e.replacement:
            out.append(f"<ins title='{escape(e.rule_id)} ({escape(e.category)})'>{_visible(e.replacement)}</ins>")
        pos = e.offset + e.length
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def _summary(f: RunFigures) -> str:
    m = f.manifest
    cleaning = m.get("cleaning") or {}
    cards = [("duration", h.duration(f.duration_s)), ("crawl", h.duration(f.crawl_s)),
             ("cleaning", h.duration(f.clean_s)), ("pages", h.number(f.pages)),
             ("pages/s", h.number(f.pages_per_s, 2)), ("articles", h.number(f.articles)),
             ("articles/s", h.number(f.articles_per_s, 2)), ("new versions", h.number(f.new_versions)),
             ("unchanged", h.number(f.unchanged)),
             ("duplicates", h.number(sum(f.duplicates_by_kind.values()))),
             ("grammar edits", h.number(f.grammar_edits)),
             ("failed URLs", h.number(sum(len(u) for u in f.failures.values())))]
    card_html = "<div class='cards'>" + "".join(
        f"<div class='card'><b>{v}</b><span class='muted'>{escape(k)}</span></div>" for k, v in cards) + "</div>"
    details = h.kv_table([
        ("status", h.badge(f.status)), ("why", escape(f.reason)),
        ("site", escape(str(m.get("site", "")))), ("started", escape(str(m.get("started_at", "")))),
        ("finished", escape(str(m.get("finished_at", "")))),
        ("attempts", h.number(len(m.get("attempts") or []))),
        ("grammar backend", escape(str(cleaning.get("grammar_backend", "")) or "–")),
        ("new articles / new versions", f"{h.number(f.new_articles)} / {h.number(f.new_versions)}"),
        ("unchanged (incremental)", f"{h.number(f.unchanged)} <span class='muted'>pages of known articles (or of "
                                    "their duplicate copies) not re-fetched or fetched with the same text: no new "
                                    "row, nothing wrong</span>"),
    ])
    problems = ("<ul>" + "".join(f"<li class='bad'>{escape(p)}</li>" for p in f.problems) + "</ul>"
                if f.problems else "")
    return card_html + problems + details


def _completeness(f: RunFigures) -> str:
    rows = []
    for c in f.completeness:
        breakdown = ", ".join(f"{escape(str(k))}: {v:,}" for k, v in c.breakdown.most_common(8))
        rows.append((f"<code>{escape(c.column)}</code>", h.number(c.filled), h.number(c.total),
                     f"<span class='nowrap'>{h.meter(c.share or 0.0)} {h.percent(c.share)}</span>", escape(c.meaning),
                     f"<span class='muted'>{breakdown}</span>"))
    flagged_share = f.flagged / f.articles if f.articles else None
    flags = (f"<p><b>{h.percent(flagged_share)}</b> of the articles are flagged ({f.flagged:,} of {f.articles:,}): "
             + (", ".join(f"<code>{escape(k)}</code> {v:,}" for k, v in f.flags.most_common()) or "no flag")
             + "</p>")
    return (h.table(("column", "filled", "of", "share", "means", "breakdown"), rows, numeric=(1, 2)) + flags)


def _words(f: RunFigures) -> str:
    qs = [("min", 0.0), ("10 %", 0.1), ("median", 0.5), ("90 %", 0.9), ("max", 1.0)]
    stats = " · ".join(f"{k} <b>{h.number(quantile(f.word_counts, q))}</b>" for k, q in qs)
    return f"<p>{stats}</p>" + h.column_chart("Articles by word count", word_histogram(f.word_counts))


def _sample(f: RunFigures) -> str:
    if not f.sample:
        return "<p class='muted'>no article in this run</p>"
    why = {"edited": "has grammar edits", "duplicated": "has duplicates", "other": "drawn by article id"}
    out = []
    for a in f.sample:
        head = (f"<h3>{h.link(a.url, a.title or a.url or a.article_id)}</h3>"
                f"<p class='muted'>{escape(a.article_id)} v{a.version} · {escape(why.get(a.why, a.why))} · "
                f"language {escape(a.language or '–')} · {a.word_count:,} words · grammar "
                f"{escape(a.grammar_status or '–')}"
                + (" · flags " + ", ".join(f"<code>{escape(x)}</code>" for x in a.flags) if a.flags else "") + "</p>")
        out.append(f"<div class='article'>{head}{_edits(a)}{_duplicates(a)}</div>")
    return "".join(out)


def _edits(a: SampleArticle) -> str:
    if not a.edits:
        opening = a.body_original[:300]
        return (f"<p>No grammar edit. Opening:</p><div class='passage'>{escape(opening)}"
                f"{'…' if len(a.body_original) > 300 else ''}</div>") if a.body_original else ""
    passages = edit_passages(a.body_original, a.edits)
    more = len(passages) - MAX_PASSAGES
    return (f"<p>{len(a.edits)} grammar edit{'s' if len(a.edits) != 1 else ''} "
            f"({', '.join(sorted({escape(e.category) for e in a.edits if e.category}))}):</p>"
            + "".join(f"<div class='passage'>{p}</div>" for p in passages[:MAX_PASSAGES])
            + (f"<p class='muted'>and {more} more passages</p>" if more > 0 else ""))


def _duplicates(a: SampleArticle) -> str:
    if not a.duplicates:
        return ""
    rows = [(h.link(d.url), escape(d.kind), h.number(d.similarity, 3) if d.similarity is not None else "–",
             f"<code>{escape(d.article_id)}</code>", f"<code>{escape(a.article_id)}</code>") for d in a.duplicates]
    return "<p>Copies dropped as its duplicates:</p>" + h.table(
        ("dropped copy", "kind", "similarity", "copy's id", "duplicate_of"), rows, numeric=(2,))


def _failures(f: RunFigures) -> str:
    if not f.failures:
        return "<p class='ok'>no URL failed</p>"
    counts = (f.manifest.get("crawl_stats") or {})
    out = []
    for reason, urls in sorted(f.failures.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        counted = counts.get(f"health/failed/{reason}")
        n = len(urls) or (int(counted) if isinstance(counted, (int, float)) else 0)
        shown = "".join(f"<li>{h.link(u)}</li>" for u in sorted(urls)[:MAX_FAILED_URLS])
        more = (f"<li class='muted'>and {len(urls) - MAX_FAILED_URLS} more (the run manifest lists them)</li>"
                if len(urls) > MAX_FAILED_URLS else "")
        out.append(f"<h3>{escape(reason)} <span class='muted'>({n:,})</span></h3>"
                   f"<ul>{shown}{more or ('' if urls else '<li class=muted>URLs not recorded</li>')}</ul>")
    return "".join(out)


def _step_times(f: RunFigures) -> str:
    if not f.step_seconds:
        return "<p class='muted'>No step times recorded (the run was not cleaned, or by an older version).</p>"
    total = sum(f.step_seconds.values()) or 1.0
    rows = [(escape(name), f"{seconds:.2f}", f"{h.meter(seconds / total)} {seconds / total:.0%}")
            for name, seconds in f.step_seconds.items()]
    note = ("<p class='muted'>Each step's own seconds, summed over the processes that ran it: with several "
            "worker processes the sum can exceed the cleaning's wall time.</p>")
    if f.prepared_while_crawling:
        note += (f"<p class='muted'>{h.number(f.prepared_while_crawling)} pages went through the first steps "
                "(extraction, language, hashing, rare words) in helper processes while the crawl fetched; that time "
                "is not in these figures, which are the run's cleaning after the crawl.</p>")
    return h.table(["step", "seconds", "share"], rows, numeric=(1,)) + note


def render_run(f: RunFigures) -> str:
    """The report's HTML for the gathered figures."""
    charts = "".join([
        h.bar_chart("Pages by HTTP status", f.pages_by_status),
        h.bar_chart("Articles per site", f.articles_per_site),
        h.bar_chart("Languages", f.languages),
        h.bar_chart("Extraction paths (pages, before dedup)", f.extraction_paths),
        h.bar_chart("Duplicates by kind", f.duplicates_by_kind),
        h.bar_chart("Duplicates by similarity", f.similarity),
        h.bar_chart("Grammar edits by category", f.grammar_by_category),
        h.bar_chart("Pages dropped, by reason", f.dropped),
    ])
    body = (f"<p>{h.link_local('index.html', 'All runs')}</p>"
            f"<h1>Run {escape(f.run_id)} {h.badge(f.status)}</h1>"
            f"{_summary(f)}"
            f"<h2>Completeness of the articles</h2>{_completeness(f)}"
            f"<h2>Word counts</h2>{_words(f)}"
            f"<h2>Breakdowns</h2><div class='grid'>{charts}</div>"
            f"<h2>Where the cleaning's time went</h2>{_step_times(f)}"
            f"<h2>Sample of articles</h2>{_sample(f)}"
            f"<h2>Failures by reason</h2>{_failures(f)}")
    return h.page(f"Run {f.run_id}", body)


def render_report(root: Path, run_id: str) -> Path:
    """Writes (or rewrites) the run's HTML report and returns its path."""
    figures = gather(Path(root), run_id)
    out = Path(root) / "_runs" / f"{run_id}.html"
    write_text_atomic(out, render_run(figures))
    return out

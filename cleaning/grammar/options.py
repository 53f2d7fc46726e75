"""Options of the grammar stage: one dataclass, no long parameter lists.

Defaults are plain values: nothing here (or below) reads the environment. The entry points (the
command lines, the crawl's settings) pass a LanguageTool URL and credentials in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The grammar backends: the one list, declared with the setting that chooses one (cleaning/config.py).
from cleaning.config import GRAMMAR_BACKENDS as BACKENDS
#: Engines of the offline backend (``GrammarOptions.offline_engine``).
OFFLINE_ENGINES = ("lingotweaker", "harper")

#: Categories applied by default. Everything else is reported by the backends but
#: never applied: style, word choice, usage, readability, "typographic" niceties,
#: and anything a backend cannot place in a known category ("other").
DEFAULT_CATEGORIES = frozenset(
    {
        "grammar",  # verb forms, articles, mass nouns
        "agreement",  # subject-verb, determiner-noun
        "repetition",  # doubled words, repeated clauses and sentences
        "punctuation",
        "spacing",  # whitespace around punctuation, doubled spaces
        "capitalization",  # sentence start, "i" -> "I"
        "spelling",  # gated: see RulePolicy.spelling_*
    }
)


@dataclass
class RulePolicy:
    """Which suggestions may be applied without a human looking.

    A suggestion is applied when its category is in ``categories``, its rule id is
    not in ``disabled_rules`` (or is in ``enabled_rules``, which wins over the
    category), and it passes the safety gates of `cleaning.grammar.policy`.
    """

    categories: frozenset[str] = DEFAULT_CATEGORIES
    enabled_rules: frozenset[str] = frozenset()
    disabled_rules: frozenset[str] | None = None  # None: the shipped list (rules.json)
    # Spelling gate: a misspelling is replaced only when the replacement is a much
    # more common word than the original, close to it, and the word is lower-case,
    # alphabetic, not protected, not medical and not recurring in the corpus.
    spelling_max_original_zipf: float = 3.6
    spelling_min_zipf_gain: float = 2.0
    spelling_min_replacement_zipf: float = 3.0
    spelling_max_distance: int = 2
    spelling_min_length: int = 4
    spelling_capitalised: bool = False  # a capitalised unknown word is usually a name
    spelling_same_first_letter: bool = True  # typos rarely hit the first letter
    spelling_max_repeats: int = 2  # a "typo" seen 3+ times in one text is a term
    # Applying a backend edit that removes or adds more than this many words is refused.
    max_words_changed_per_edit: int = 2


@dataclass
class GrammarOptions:
    backend: str = "auto"  # auto | languagetool | offline | none
    offline_engine: str = "harper"  # the offline backend's engine: harper (fast) | lingotweaker (LanguageTool's rules)
    languagetool_url: str | None = None  # a running server; None: a local install, if any
    languagetool_language: str = "en-US"
    # Credentials for a hosted LanguageTool: sent with each request, never logged or shown.
    languagetool_username: str | None = field(default=None, repr=False)
    languagetool_api_key: str | None = field(default=None, repr=False)
    languagetool_start_local: bool = True  # start a local server when one is installed
    languagetool_heap_mb: int = 512  # the Java heap of a local server this backend starts (0: Java's default)
    languagetool_home: str | None = None  # where `languagetool install` put it (None: its default)
    languages: frozenset[str] = frozenset({"en"})
    policy: RulePolicy = field(default_factory=RulePolicy)
    artifact_rules: bool = True  # the product's own machine-translation repairs
    cache_dir: str | None = None  # None: no persistent cache
    protected_words: frozenset[str] = frozenset()
    use_medical_vocabulary: bool = True
    request_timeout: float = 30.0  # seconds per backend request
    # Seconds a fixer may spend waiting for its backend in all (None: no limit). Once spent, texts
    # come back unfixed with status "error:deadline: ..."; a hung server costs at most this.
    run_budget_seconds: float | None = 3600.0
    max_consecutive_timeouts: int = 3  # then the backend counts as hung for the rest of the run
    # A file the fixers of one run share (its processes: a crawl's helpers, the cleaning's): the first to find
    # the backend hung writes why there, and the others read it instead of each waiting out its own timeouts.
    hung_note: str | None = None
    startup_timeout: float = 60.0  # seconds for a local LanguageTool to answer
    batch_size: int = 64  # sentences per backend request
    batch_chars: int = 20_000  # characters per backend request
    max_chars: int = 2_000_000  # longer texts are skipped ("skipped:too_long")
    max_sentence_chars: int = 2_000  # longer "sentences" (tables, lists) are not sent
    min_latin_ratio: float = 0.6  # paragraphs with fewer Latin letters are left alone

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"grammar backend must be one of {BACKENDS}, not {self.backend!r}")
        if self.offline_engine not in OFFLINE_ENGINES:
            raise ValueError(f"offline engine must be one of {OFFLINE_ENGINES}, not {self.offline_engine!r}")
        self.languages = frozenset(x.lower() for x in self.languages)
        self.protected_words = frozenset(self.protected_words)

"""The offline backend: Harper (harper-py), restricted to the rules the policy knows.

Only rules listed in rules.json are switched on: the others are never applied, and
switching them off is what makes Harper fast. Spelling is the expensive rule (about
95% of the time when on over whole texts), so it runs apart, on the words that could
ever be corrected, each distinct word once per run: alphabetic, rare in English by
wordfreq's count, not medical, as long as the spelling gate asks, and with a common English
word within the gate's distance (`wordstats.CloseWords`). A word without such a neighbour
cannot be corrected by any suggestion, so the suggestion search for it is skipped: that
gives the same edits as asking (tests/cleaning/grammar/test_harper_speed.py) in a fraction
of the time. A `Linter` is not thread-safe: one backend per thread or process.

Each sentence is linted alone: Harper 2.13's answers for a text depend on what precedes it
in the same text (RepeatedWords reads a chunk's word index as a document index; AnA stops at
an "a SQL"; a text's last word is read differently), so joined batches made a sentence's
matches depend on its neighbours. Alone, a sentence gets the same matches whichever others
are checked with it; it costs about as much (parsing is linear in the text). That lets the
fast path send Harper only the sentences some enabled rule could lint (the rules' triggers,
`triggers.SentenceFilter`): parsing, not the rules, is most of Harper's cost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from ..options import RulePolicy
from ..policy import harper_rules
from ..triggers import SentenceFilter
from ..vocabulary import WORD_RE, looks_medical
from ..wordstats import HAVE_FREQUENCIES, close_words, zipf
from .base import BackendError, RawMatch

SPELL_RULE = "SpellCheck"
#: Words at least this common are never sent to the speller (the spelling gate
#: refuses to touch any word above RulePolicy.spelling_max_original_zipf anyway).
SPELL_MAX_ZIPF = 3.6


_ELIGIBLE: dict[tuple, dict[str, bool]] = {}  # backend settings -> word -> worth spell-checking


def harper_available() -> bool:
    try:
        import harper  # noqa: F401
    except ImportError:
        return False
    return True


class HarperBackend:
    def __init__(
        self,
        batch_chars: int = 20_000,
        batch_size: int = 64,
        spell_capitalised: bool = False,
        gate: RulePolicy | None = None,
        prefilter: bool = True,
    ) -> None:
        """``gate``: the spelling gate the answers will meet (its distance, frequency and
        length limits decide which words are worth a suggestion search); ``prefilter=False``
        asks Harper about every rare word and lints every sentence (the reference path, for tests
        and benches).
        ``batch_chars`` and ``batch_size`` are unused: each sentence is linted alone."""
        try:
            import harper
        except ImportError as e:
            raise BackendError(f"harper-py is not installed: {e}") from e
        self._harper = harper
        self._rules = harper_rules()
        self._spell = SPELL_RULE in self._rules
        # Built on the first check: Harper loads its dictionary then (~0.6 s of CPU per process), which a
        # process whose sentences are all in the cache (a crawl's cleaning after warming) never needs.
        self._linters: tuple[Any, Any] | None = None
        self._spelled: dict[str, list[str]] = {}  # word -> suggestions ([] = correct)
        self._gate = gate or RulePolicy()
        # a gate that would accept rare replacements cannot be prefiltered by a list of common words
        self._prefilter = prefilter and self._gate.spelling_min_replacement_zipf >= 1.0
        version = metadata.version("harper-py")
        self.name = f"offline-harper-{'.'.join(version.split('.')[:2])}"
        digest = hashlib.sha1(json.dumps(self._rules, sort_keys=True).encode()).hexdigest()[:10]
        self._spell_capitalised = spell_capitalised
        self.cache_id = f"harper-{version}-{digest}-alone-spell{SPELL_MAX_ZIPF}{'C' if spell_capitalised else ''}"
        if self._prefilter:  # the answers now depend on the gate's limits
            g = self._gate
            self.cache_id += (
                f"-gate{g.spelling_min_length},{g.spelling_max_distance},{g.spelling_min_replacement_zipf:g},"
                f"{g.spelling_min_zipf_gain:g},{int(g.spelling_same_first_letter)}"
            )
        self._sentences = SentenceFilter(self._rules, skip=frozenset({SPELL_RULE})) if prefilter else None
        # A word's eligibility is a pure function of the word and these settings: shared by every backend of
        # the process (`python -m cleaning run` re-cleaning several runs builds one fixer per run).
        self._eligible = _ELIGIBLE.setdefault((self._prefilter, self.cache_id), {})
        self.asked = [0, 0]  # sentences, characters given to check()
        self.linted = [0, 0]  # of them, those sent to Harper's linter

    @property
    def _linter(self) -> Any:
        return self._built()[0]

    @property
    def _speller(self) -> Any:
        return self._built()[1]

    def ready(self) -> None:
        """Loads what every check reads (the rules' trigger words). Harper's linters are built on the first
        sentence some enabled rule could lint or the first word worth spell-checking, not here: building them
        loads Harper's dictionary, ~0.85 s of CPU once per process, which a process whose pages give it
        neither never needs (a forked sibling inherits the dictionary once it is loaded)."""
        if self._sentences is not None:
            self._sentences.ready()
        else:  # no trigger filter: every sentence goes to Harper
            self._built()

    def _built(self) -> tuple[Any, Any]:
        if self._linters is None:
            harper = self._harper
            linter = harper.Linter(harper.Dialect.AMERICAN)
            config = {name: name in self._rules for name in linter.get_default_lint_config()}
            config.pop(SPELL_RULE, None)
            linter.set_lint_config({**config, SPELL_RULE: False})
            speller = harper.Linter(harper.Dialect.AMERICAN)
            speller.set_lint_config({name: name == SPELL_RULE for name in config} | {SPELL_RULE: True})
            self._linters = (linter, speller)
        return self._linters

    def _named(self, text: str) -> list[RawMatch]:
        """Lint one sentence, with each match's rule."""
        out: list[RawMatch] = []
        kinds = self._harper.SuggestionKind
        for rule, lints in self._linter.organized_lints(text, language="plaintext").items():
            info = self._rules.get(rule)
            if info is None:
                continue
            cat = info["category"]
            for lint in lints:
                start, end = lint.span.start, lint.span.end
                repls = []
                for s in lint.suggestions:
                    if s.kind == kinds.REPLACE:
                        repls.append(s.replacement_text)
                    elif s.kind == kinds.REMOVE:
                        repls.append("")
                    else:  # INSERT_AFTER
                        repls.append(lint.problem_text + s.replacement_text)
                if not repls:
                    continue
                if rule == "AnA":
                    repls = [_case_of(text[start:end], r) for r in repls]
                out.append(
                    RawMatch(
                        offset=start,
                        length=end - start,
                        replacements=repls,
                        rule_id=f"HARPER_{rule}",
                        category=cat,
                        gated=bool(info.get("gated", False)),
                        message=lint.message,
                    )
                )
        return out

    def _could_correct(self, w: str) -> bool:
        """Words the spelling gate could ever accept: the rest are not worth Harper's
        (slow) suggestion search. Capitalised words are names far more often than typos."""
        known = self._eligible.get(w)
        if known is None:
            known = self._eligible[w] = self._decide(w)
        return known

    def _decide(self, w: str) -> bool:
        if not (w.isascii() and w.isalpha() and len(w) > 2):
            return False
        if not (w.islower() or (self._spell_capitalised and w[1:].islower())):
            return False
        if not (zipf(w.lower()) < SPELL_MAX_ZIPF and not looks_medical(w)):
            return False
        if not self._prefilter:
            return True
        g = self._gate
        if len(w) < g.spelling_min_length or not HAVE_FREQUENCIES:
            return False  # without word frequencies the gate applies no spelling fix at all
        return close_words(g.spelling_min_replacement_zipf).exists(
            w, g.spelling_max_distance, g.spelling_min_zipf_gain, g.spelling_same_first_letter
        )

    def _suggest(self, words: set[str]) -> None:
        """Spell-check each new word once, all in one call."""
        new = sorted(w for w in words if w not in self._spelled)
        if not new:
            return
        joined = "\n\n".join(new)
        starts, pos = {}, 0
        for w in new:
            starts[pos] = w
            pos += len(w) + 2
            self._spelled[w] = []
        kinds = self._harper.SuggestionKind
        for lint in self._speller.lint(joined, language="plaintext"):
            w = starts.get(lint.span.start)
            if w is None or lint.span.end - lint.span.start != len(w):
                continue
            self._spelled[w] = [s.replacement_text for s in lint.suggestions if s.kind == kinds.REPLACE]

    def _spelling(self, sentence: str) -> list[RawMatch]:
        out: list[RawMatch] = []
        info = self._rules[SPELL_RULE]
        for m in WORD_RE.finditer(sentence):
            repls = self._spelled.get(m.group())
            if repls:
                out.append(
                    RawMatch(
                        offset=m.start(),
                        length=len(m.group()),
                        replacements=list(repls),
                        rule_id=f"HARPER_{SPELL_RULE}",
                        category=info["category"],
                        gated=bool(info.get("gated", True)),
                        message="Possible spelling mistake",
                    )
                )
        return out

    def check(self, sentences: Sequence[str]) -> list[list[RawMatch]]:
        try:
            keep = [i for i, s in enumerate(sentences) if self._sentences is None or self._sentences.wanted(s)]
            found: list[list[RawMatch]] = [[] for _ in sentences]
            for i in keep:
                found[i] = self._named(sentences[i])
            self.asked[0] += len(sentences)
            self.asked[1] += sum(map(len, sentences))
            self.linted[0] += len(keep)
            self.linted[1] += sum(len(sentences[i]) for i in keep)
            if self._spell:
                # no word spans a line break: one pass over the joined batch finds every sentence's words
                words = set(WORD_RE.findall("\n".join(sentences)))
                rare = {w for w in words if self._could_correct(w)}  # each distinct word judged once
                self._suggest(rare)
                flagged = {w for w in rare if self._spelled.get(w)}
                if flagged:  # most batches have no suggestion: their sentences are not read again
                    for i, s in enumerate(sentences):
                        if not flagged.isdisjoint(WORD_RE.findall(s)):
                            found[i].extend(self._spelling(s))
            return found
        except Exception as e:  # a panic in the Rust core surfaces as an exception
            raise BackendError(f"harper failed: {type(e).__name__}: {e}") from e

    def close(self) -> None:
        self._linters = None


def _case_of(original: str, replacement: str) -> str:
    """Harper's AnA turns a sentence's opening "A" into "AN": the article keeps the original's case ("An")."""
    if original[:1].isupper() and original[1:] == original[1:].lower() and replacement.isupper() and len(replacement) > 1:
        return replacement[:1] + replacement[1:].lower()
    return replacement

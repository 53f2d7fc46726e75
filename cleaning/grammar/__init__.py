"""The grammar stage: repair machine-translated English safely and auditably.

    from cleaning.grammar import GrammarOptions, open_fixer, CorpusVocabulary

    vocab = CorpusVocabulary()
    for body in bodies:
        vocab.add(body)
    with open_fixer(GrammarOptions(cache_dir="cache/grammar")) as fixer:
        fixer.protect(vocab.recurring(min_docs=2))
        result = fixer.fix(body, language="en")   # GrammarResult(text, edits, backend, status)

See docs/grammar.md.
"""

from .edits import apply_edits
from .fixer import GrammarFixer, GrammarResult, open_fixer
from .options import GrammarOptions, RulePolicy
from .vocabulary import CorpusVocabulary, looks_medical, medical_words

__all__ = [
    "CorpusVocabulary",
    "GrammarFixer",
    "GrammarOptions",
    "GrammarResult",
    "RulePolicy",
    "apply_edits",
    "languagetool_status",
    "local_languagetool_server",
    "looks_medical",
    "medical_words",
    "open_fixer",
]


def __getattr__(name: str) -> object:
    # The local LanguageTool server's helpers load on first use: they import requests, which a process
    # running the offline backend (every crawl helper) never needs.
    if name in ("languagetool_status", "local_languagetool_server"):
        from . import lt_server

        return getattr(lt_server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

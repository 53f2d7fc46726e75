"""Site vocabulary: words that recur across the run's kept bodies are never "corrected" by grammar.

A word the spelling checker does not know but that a site uses in several articles is a term of that
site (a drug, a herb, a name), not a typo. The words go to a file that `FixGrammar` reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from cleaning.document import Document
from cleaning.steps.base import Step
from cleaning.storage.atomic import write_text_atomic


class CollectSiteVocabulary(Step):
    name = "site_vocabulary"
    whole_run = True

    def __init__(self, path: Path, min_docs: int = 3) -> None:
        super().__init__()
        self.path, self.min_docs = Path(path), min_docs

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        from cleaning.grammar.vocabulary import RARE_ZIPF, rare_words
        from cleaning.grammar.wordstats import zipf

        rare: Counter[str] = Counter()  # documents each word is in
        unjudged: Counter[str] = Counter()
        for doc in docs:
            # ListRareWords's lists, made where the body was extracted; made here for a flow without it
            words = doc.rare_words if doc.rare_words is not None else rare_words(doc.body_original)
            rare.update(words.rare)
            unjudged.update(words.unjudged)
        # `CorpusVocabulary(bodies).recurring(min_docs)`, without the bodies: only the unjudged words that recur
        # are looked up (wordfreq's table is not loaded here for English bodies)
        words = sorted({w for w, n in rare.items() if n >= self.min_docs} |
                       {w for w, n in unjudged.items() if n >= self.min_docs and zipf(w) < RARE_ZIPF})
        write_text_atomic(self.path, "\n".join(words))
        self.stats["words"] = len(words)
        for doc in docs:
            doc.rare_words = None  # counted: the later steps (and their helpers) need no list
            yield doc

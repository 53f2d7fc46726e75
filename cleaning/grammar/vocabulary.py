"""Words that must not be "corrected": the medical vocabulary, pinyin, and corpus words.

Unknown words in these bodies are usually names or medical terms, not typos. What protects them:

- medical terms: OpenMedSpel's 90,000 English medical terms (Debian's hunspell-en-med, GPL-3+,
  shipped unmodified in ``data/``), the project's own list (``medical_terms.txt``: anatomy,
  conditions, drugs, TCM), and words built from medical stems and suffixes;
- pinyin: a word made only of Mandarin syllables (tianma, danshen, chaihu, fuling) is a Chinese
  name or term, as TCM herbs and practices are written (``data/pinyin_syllables.txt``);
- corpus words: the rare words that recur across a run's documents (`CorpusVocabulary`).

A listed word that is also common in general English ("image", "pressure", "style") is not
protected: only rare words are ever "corrected" into common ones, and protecting common words
would only block agreement fixes.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from .wordstats import zipf, zipf_from_table

WORD_RE = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W_])?")

# Medical words are built from a small stock of Greek and Latin parts; a word made
# of them is treated as a term even when it is not on the list.
_MEDICAL_SUFFIX = re.compile(
    r"(?:itis|osis|oses|ectomy|otomy|ostomy|plasty|algia|emia|aemia|pathy|pathic|ology|ologist|"
    r"oma|omas|omata|scopy|scopic|graphy|gram|cyte|cytes|plasia|trophy|rrhea|rrhoea|rrhage|"
    r"penia|philia|phobia|plegia|paresis|genic|genesis|lysis|lytic|megaly|sclerosis|stasis|"
    r"uria|ectasis|iasis|idae|itides|otic|ectomies|mab|nib|pril|sartan|olol|statin|cillin|mycin|"
    r"micin|azole|prazole|dipine|tidine|vir|zepam|zolam|oxacin|cycline|parin|triptan|setron|"
    r"afil|gliptin|gliflozin|lukast|dronate|profen|caine|tinib|zumab|ximab|umab|cept|tide|"
    r"sone|olone|asone|ine|amine|oside|ase|ases|ium|ia|ae|us|um|ous|al|ic)$"
)
_MEDICAL_PREFIX = re.compile(
    r"^(?:cardi|neur|gastr|hepat|nephr|oste|arthr|my[oe]|derm|hem|haem|angi|bronch|pneum|pulmon|"
    r"cerv|lumb|thorac|crani|encephal|psych|endo|peri|intra|inter|sub|supra|hyper|hypo|"
    r"lapar|colon|proct|rhin|ot|ophthalm|ocul|retin|cyst|ur|hyster|mamm|mast|lip|chondr|"
    r"fibr|leuk|lymph|thromb|immun|onc|path|pharm|prot|propri|kinesi|physi|spondyl|vertebr|disc|"
    r"ligament|tendin|fasci|glyc|gluc|lact|ren|adren|thyr|pancrea|splen|col|duoden|jejun|ile|"
    r"sacr|cocc|ili|pelv|femor|tibi|fibul|patell|humer|radi|uln|carp|metacarp|tars|metatars|"
    r"phalang|clavic|scapul|stern|cost|intercost|ventr|dors|poster|anter|lateral|medi|later)"
)


#: A listed term at least this common in general English (wordfreq's Zipf scale) is a common word.
COMMON_ZIPF = 4.0


@lru_cache(maxsize=1)
def medical_words() -> frozenset[str]:
    """The project's own medical vocabulary (lower-case)."""
    text = resources.files(__package__).joinpath("medical_terms.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.update(WORD_RE.findall(line))
    return frozenset(words)


@lru_cache(maxsize=1)
def openmedspel_words() -> frozenset[str]:
    """OpenMedSpel's terms (lower-case, Hunspell affix flags dropped)."""
    try:
        raw = resources.files(__package__).joinpath("data", "en_med_glut.dic.gz").read_bytes()
    except OSError:  # a distribution without the GPL data file: the other protections still hold
        return frozenset()
    words = set()
    for line in gzip.decompress(raw).decode("utf-8").splitlines()[1:]:
        if line[:1].isspace() or not line:
            continue  # the header comment
        words.add(line.split("/", 1)[0].strip().lower())
    return frozenset(words)


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    text = resources.files(__package__).joinpath("data", "pinyin_syllables.txt").read_text(encoding="utf-8")
    return frozenset(x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#"))


_VOWEL_INITIAL = frozenset("a ai an ang ao e ei en eng er o ou".split())
_E_FINAL = re.compile(r"^[bcdfghjklmnpqrstwxyz]+e$")  # de, le, ge, re, se: rarely end a name


def is_pinyin(word: str, max_syllables: int = 4) -> bool:
    """True when the word is one to ``max_syllables`` Mandarin syllables run together (danshen,
    tianma, chaihu). Vowel-initial syllables only open the word (pinyin writes "xi'an" with an
    apostrophe), and a multi-syllable word does not end in a bare consonant + "e" syllable: English
    misspellings ("requre", "langage", "maner") do not pass."""
    w = word.lower()
    if not (w.isascii() and w.isalpha()) or len(w) < 2:
        return False
    syllables = pinyin_syllables()
    n = len(w)
    # best[i]: fewest syllables covering w[:i]; ends[i]: that cover's last syllable may close the word
    best = [0] + [max_syllables + 1] * n
    for i in range(1, n + 1):
        for j in range(max(0, i - 6), i):
            piece = w[j:i]
            if best[j] >= max_syllables or piece not in syllables:
                continue
            if j > 0 and piece in _VOWEL_INITIAL:
                continue
            if i == n and j > 0 and _E_FINAL.match(piece):
                continue
            best[i] = min(best[i], best[j] + 1)
    return best[n] <= max_syllables


def _stems(w: str) -> tuple[str, ...]:
    """The word and what it could be the plural or possessive of (rales -> rale, cuppings -> cupping)."""
    out = [w]
    for suffix in ("'s", "\u2019s", "es", "s"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            out.append(w[: -len(suffix)])
    return tuple(out)


def looks_medical(word: str) -> bool:
    """A medical, anatomical or TCM term (listed, pinyin, or built from medical parts) that is not
    a common English word."""
    w = word.lower()
    stems = _stems(w)
    if any(s in medical_words() for s in stems):
        return True
    rare = zipf(w) < COMMON_ZIPF
    if rare and any(s in openmedspel_words() for s in stems):
        return True
    if rare and zipf(w) < 3.6 and is_pinyin(w):
        return True
    if len(w) < 6 or zipf(w) >= 3.5:
        return False
    return bool(_MEDICAL_SUFFIX.search(w) and (_MEDICAL_PREFIX.search(w) or zipf(w) < 2.5))


RARE_ZIPF = 3.5  # a site's recurring words at least this common in English are not protected (`recurring`)


class RareWords(NamedTuple):
    """The distinct words of one body (lower-cased, sorted, two characters or more) that may be among a run's
    recurring words (`CorpusVocabulary.recurring`)."""

    rare: tuple[str, ...]  # rarer in English than RARE_ZIPF, by wordfreq's table
    unjudged: tuple[str, ...]  # words the table cannot judge (other scripts): judged once, if they recur


def rare_words(text: str) -> RareWords:
    """A body's `RareWords`. Listed per document where the body is read anyway (`ListRareWords`, in the crawl's
    helpers, which hold wordfreq's table), so that counting a run's vocabulary (`CollectSiteVocabulary`) reads
    no body again, loads no table, and asks wordfreq itself only about the few unjudged words that recur."""
    rare, unjudged = [], []
    for w in sorted({w.lower() for w in WORD_RE.findall(text or "")}):
        if len(w) < 2:
            continue
        z = zipf_from_table(w)
        if z is None:
            unjudged.append(w)
        elif z < RARE_ZIPF:
            rare.append(w)
    return RareWords(tuple(rare), tuple(unjudged))


class CorpusVocabulary:
    """Document frequencies of the words of a run's bodies.

    Feed it every body of a run (`add`), then pass `recurring()` to
    `GrammarFixer.protect()` before fixing: a rare word that appears in several
    documents of a site is a name or a term of the site, not a typo.
    """

    def __init__(self) -> None:
        self._df: Counter[str] = Counter()
        self.documents = 0

    def add(self, text: str) -> None:
        self.documents += 1
        self._df.update({w.lower() for w in WORD_RE.findall(text or "")})

    def update(self, texts: Iterable[str]) -> None:
        for t in texts:
            self.add(t)

    def document_frequency(self, word: str) -> int:
        return self._df.get(word.lower(), 0)

    def recurring(self, min_docs: int = 2, max_zipf: float | None = RARE_ZIPF) -> set[str]:
        """Words in at least ``min_docs`` documents.

        Common English words (Zipf frequency at or above ``max_zipf``) are left out:
        protecting "is" or "has" would only block agreement fixes. ``None`` keeps all.
        """
        out = set()
        for w, n in self._df.items():
            if n >= min_docs and len(w) >= 2 and (max_zipf is None or zipf(w) < max_zipf):
                out.add(w)
        return out

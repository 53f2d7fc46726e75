"""Regenerate cleaning/grammar/data/harper_words.json.gz from the installed harper-py.

    python bench/harper_words.py [--top 100000]

Two sentence triggers (cleaning/grammar/triggers.py) need to know Harper's dictionary, which
harper-py does not expose: MergeWords lints two words only when their concatenation is a
dictionary word, RegularIrregulars only a word the dictionary lacks. This reads what the
compiled Harper carries as text (its curated dictionary with the affix table, its irregular verb
and noun tables) and writes:

- ``dictionary``: a superset of the expanded dictionary, lower-cased: every affix of a word's
  flags applied with and without its strip, prefixes crossed with suffixes, conditions ignored
  (a superset is what a trigger needs: more words only fire more often);
- ``known``: the words of that superset Harper's own SpellCheck accepts: a subset of the
  dictionary, so a word outside it may be unknown to Harper;
- ``irregular_verbs`` and ``irregular_nouns`` as Harper has them.

It checks the extraction: every word of wordfreq's ``--top`` English words that SpellCheck accepts
must be in the superset (laughter and non-ASCII words excepted: SpellCheck passes them unlooked-up),
else it stops. Nothing of wordfreq's list is written. It takes a few minutes.
The file records harper-py's version; the triggers ignore a file made for another version.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "cleaning" / "grammar" / "data" / "harper_words.json.gz"


def norm(word: str) -> str:
    return word.lower().replace("\u2019", "'").replace("\u2018", "'")


def binary() -> bytes:
    import harper

    so = next(Path(harper.__file__).parent.glob("_harper*.so"))
    return so.read_bytes()


def json_array_around(so: bytes, key: bytes) -> list:
    at = so.index(key)
    start = so.rfind(b"[\n", 0, at)
    value, _ = json.JSONDecoder().raw_decode(so[start : start + 400_000].decode("utf-8", "replace"))
    return [entry for entry in value if isinstance(entry, list)]  # strings are its comments


def dictionary(so: bytes) -> tuple[set[str], int]:
    start = so.index(b"# Start of original dictionary import")
    end = so.index(b'"affixes"', start)
    block = so[start : so.rfind(b"{", 0, end)].decode("utf-8", "replace")
    brace = so.rfind(b"{", 0, end)
    table, _ = json.JSONDecoder().raw_decode(so[brace:].decode("utf-8", "replace"))
    affixes = table["affixes"]
    words: set[str] = set()
    entries = 0
    for line in block.splitlines():
        line = line.split("#", 1)[0].rstrip()
        word, _, flags = line.partition("/")
        word = word.strip()
        if not word or word.startswith("{"):
            continue
        entries += 1
        forms = {word}
        for kind in ("suffix", "prefix"):
            new = set()
            for flag in flags:
                affix = affixes.get(flag)
                if not affix or affix["kind"] != kind:
                    continue
                for r in affix["replacements"]:
                    remove, add = r["remove"], r["add"]
                    for form in forms:
                        if kind == "suffix":
                            new.add(form + add)
                            if remove:
                                new.add(form[: -len(remove)] + add)
                        else:
                            new.add(add + form)
                            if remove:
                                new.add(add + form[len(remove) :])
            forms |= new
        words |= {norm(f) for f in forms}
    return words, entries


def spellcheck_known(words: list[str]) -> set[str]:
    import harper

    linter = harper.Linter(harper.Dialect.AMERICAN)
    linter.set_lint_config({name: name == "SpellCheck" for name in linter.get_default_lint_config()})
    text = "\n\n".join(words)
    starts, pos = {}, 0
    for w in words:
        starts[pos] = w
        pos += len(w) + 2
    flagged = {starts.get(lint.span.start) for lint in linter.lint(text, language="plaintext")}
    return {w for w in words if w not in flagged}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--top", type=int, default=100_000)
    args = p.parse_args(argv)
    from wordfreq import top_n_list

    so = binary()
    words, entries = dictionary(so)
    known = spellcheck_known(sorted(w for w in words if w.isascii() and w.replace("'", "").isalpha()))
    candidates = sorted({w for w in top_n_list("en", args.top) if w.replace("'", "").isalpha()})
    accepted = spellcheck_known(candidates)
    ascii_missing = sorted(norm(w) for w in accepted if norm(w) not in words and norm(w).isascii()
                           and not set(norm(w)) <= set("ah"))  # laughter is passed, not looked up
    if ascii_missing:
        print(f"the extracted dictionary misses words Harper accepts: {ascii_missing[:20]}", file=sys.stderr)
        return 1
    data = {
        "harper_py": metadata.version("harper-py"),
        "dictionary_entries": entries,
        "dictionary": "\n".join(sorted(w for w in words if len(w) >= 2)),  # one string: quick to load
        "known": "\n".join(sorted(known)),
        "irregular_verbs": json_array_around(so, b'["eat", "ate", "eaten"]'),
        "irregular_nouns": json_array_around(so, b'["woman", "women"]'),
    }
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as f:
        f.write(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())
    print(f"{OUT.relative_to(ROOT)}: harper-py {data['harper_py']}, {entries} dictionary entries, "
          f"{sum(len(w) >= 2 for w in words)} forms, {len(known)} of them known, "
          f"{len(data['irregular_verbs'])} irregular verbs, {len(data['irregular_nouns'])} irregular nouns")
    return 0


if __name__ == "__main__":
    sys.exit(main())

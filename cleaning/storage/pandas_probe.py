"""pyarrow without its pandas probe, in the product's own processes.

The first time pyarrow builds an array from Python objects it asks whether they are pandas objects, and
imports pandas to answer (apache/arrow#34994): 0.3-0.4 s of CPU in every process that writes or reads rows
(a crawl's own process and each cleaning helper) for rows that are plain dicts and lists.
`answer_pandas_probe()` lets that first probe find no pandas in a process that has not imported it; pyarrow
keeps the answer and does not ask again. Its explicit conversions still work: `Table.to_pandas()` and
`Table.from_pandas()` import pandas when they are called. What changes in such a process: `pa.array(obj)` on a
pandas object, before any explicit conversion, reads it as a plain sequence (NaN a value, not a null). So only
the product's own processes call this: `python -m cleaning`, the cleaning helpers, and a crawl once all its
components are loaded (the pages pipeline opening: a pipeline of the user's that imports pandas keeps the probe;
one that imports pandas only later, inside a call, does not); never an import of the library.
"""

from __future__ import annotations

import importlib.abc
import sys

__all__ = ["answer_pandas_probe"]


class _NoPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError("not imported for pyarrow's probe", name=fullname)


def answer_pandas_probe() -> None:
    """Answers pyarrow's pandas probe with "no pandas" in this process, unless pandas is imported already."""
    if "pandas" in sys.modules:
        return  # the probe costs nothing then
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([None])
    finally:
        sys.meta_path.remove(finder)

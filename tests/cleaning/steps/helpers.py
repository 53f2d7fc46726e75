"""Tiny steps for testing the runner and mappers (module-level, so worker processes can unpickle them)."""

from __future__ import annotations

from cleaning.document import Document
from cleaning.steps.base import Step


class Numbered(Step):
    """Counts what it sees; drops documents whose URL ends in a digit listed in `drop`."""

    name = "numbered"
    parallel = True

    def __init__(self, drop: str = "", fail: str = "") -> None:
        super().__init__()
        self.drop_digits, self.fail_digits = drop, fail

    def process(self, doc: Document) -> Document | None:
        self.stats["seen"] += 1
        last = doc.page.url[-1]
        if last in self.fail_digits:
            raise ValueError(f"cannot handle {doc.page.url}")
        if last in self.drop_digits:
            return self.drop(doc, "unlucky")
        return doc

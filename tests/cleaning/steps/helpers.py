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


class Dies(Step):
    """Kills a helper process (as the kernel's OOM killer would) that gets a document ending in 5. `delay`:
    seconds each document takes, so that the helpers are up before the main process has done them all."""

    name = "dies"
    parallel = True

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay

    def process(self, doc: Document) -> Document | None:
        import multiprocessing
        import os
        import time

        time.sleep(self.delay)
        if doc.page.url.endswith("5") and multiprocessing.parent_process() is not None:
            os._exit(9)
        return doc


class ReadsTwice(Step):
    """A whole-run step that needs to read its input twice (as dedup does)."""

    name = "reads_twice"
    whole_run = True

    def run(self, docs):  # type: ignore[override]
        self.stats["first_pass"] = sum(1 for _ in docs)
        for doc in docs:
            self.stats["second_pass"] += 1
            yield doc


class WhereCleaned(Step):
    """Counts, per process id, the documents it cleaned. `start_delay`: seconds a helper process takes to
    unpickle it, standing in for the libraries a real helper imports before its first document."""

    name = "where"
    parallel = True

    def __init__(self, start_delay: float = 0.0) -> None:
        super().__init__()
        self.start_delay = start_delay

    def __setstate__(self, state: dict) -> None:
        import time

        self.__dict__.update(state)
        time.sleep(state.get("start_delay", 0.0))

    def process(self, doc: Document) -> Document | None:
        import os

        self.stats[f"pid/{os.getpid()}"] += 1
        return doc


class StopsWhileHelpersStart(Step):
    """A map stopped (as by Ctrl-C) while its helper has not read its first document: the helper never gets past
    unpickling its steps (it sleeps there), and this process's own first document raises KeyboardInterrupt."""

    name = "stops_while_helpers_start"
    parallel = True

    def __init__(self) -> None:
        import os

        super().__init__()
        self.parent = os.getpid()

    def __setstate__(self, state: dict) -> None:
        import os
        import time

        self.__dict__.update(state)
        if os.getpid() != self.parent:
            time.sleep(600)  # a helper still starting (a slow import, a loaded machine)

    def process(self, doc: Document) -> Document | None:
        raise KeyboardInterrupt


class Warns(Step):
    """Logs a warning for every document, naming the process that cleaned it (counted per process id too).
    `delay`: seconds each document takes, so that the helpers are up before the main process has done them all."""

    name = "warns"
    parallel = True

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay

    def process(self, doc: Document) -> Document | None:
        import logging
        import os
        import time

        time.sleep(self.delay)
        self.stats[f"pid/{os.getpid()}"] += 1
        logging.getLogger("tests.warns").warning("%s warned in %d", doc.page.url, os.getpid())
        return doc

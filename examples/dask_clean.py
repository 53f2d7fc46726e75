"""Clean stored runs on a Dask cluster: the same `clean_run`, with its per-page work on Dask workers.

    pip install "dask[distributed]"
    python examples/dask_clean.py --output-dir outputs                          # a local cluster, all cores
    python examples/dask_clean.py --output-dir outputs --run-id RUN_ID --scheduler tcp://10.0.0.5:8786

The cleaning flow (cleaning/flow.py) has per-document steps (extract, repeated
paragraphs, language; grammar, rows) around whole-run steps (dedup, site vocabulary).
`clean_run(..., mapper=DaskMapper(client))` sends the per-document steps to the cluster
in chunks of documents streamed from the `pages` Parquet partitions, at most `window`
chunks in flight (bounded memory on the driver), results back in input order; the
whole-run steps and the commit stay on the driver. The result is the same, row for
row, as `python -m cleaning run` on one machine (tests/cleaning/test_dask_example.py).

Workers need the project installed (`pip install -e .` or a wheel), not the datasets:
the driver reads pages and writes the datasets. Each worker process runs one chunk at
a time (the cleaning steps keep per-process state), so give workers one thread and
several processes: `dask worker tcp://SCHEDULER:8786 --nworkers 8 --nthreads 1`. With
the LanguageTool backend, point HEALTH_LANGUAGETOOL_URL at a server the workers reach
(or use --grammar-backend offline).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

def _run_chunk(segment_id: str, steps: list[Any], chunk: list[Any]) -> list[Any]:
    """Runs on a Dask worker: one chunk of documents through the segment's steps.

    The steps of a segment are kept on the worker across its chunks (a grammar fixer is built once per
    process, not once per chunk); this script is not importable on the workers, so Dask ships this
    function by value and what must outlive one task lives on the worker object.
    """
    from dask.distributed import get_worker

    from cleaning.workers import run_segment

    try:
        holder: Any = get_worker()
    except ValueError:  # not on a worker (a synchronous client)
        holder = _run_chunk
    state = holder.__dict__.setdefault("health_clean_state", {"lock": threading.Lock(), "id": None, "steps": None})
    with state["lock"]:  # the steps keep per-process state: one chunk at a time even if the worker has threads
        if state["id"] != segment_id:
            for step in state["steps"] or ():
                step.close()
            state["id"], state["steps"] = segment_id, steps
        return [run_segment(state["steps"], doc) for doc in chunk]


class DaskMapper:
    """A `cleaning.runner.Mapper` that runs per-document steps on a Dask cluster, in chunks, order kept."""

    def __init__(self, client: Any, chunk_size: int = 16, window: int | None = None) -> None:
        self.client = client
        self.chunk_size = chunk_size
        self.window = window

    def map(self, steps: Any, docs: Iterable[Any]) -> Iterator[Any]:
        segment_id = uuid.uuid4().hex
        steps = list(steps)
        limit = self.window or (sum(self.client.nthreads().values()) or 1) * 4
        pending: deque[Any] = deque()
        iterator = iter(docs)
        while chunk := list(itertools.islice(iterator, self.chunk_size)):
            pending.append(self.client.submit(_run_chunk, segment_id, steps, chunk, pure=False))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", default="outputs")
    parser.add_argument("--run-id", help="clean only this run (default: every stored run, oldest first)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
    parser.add_argument("--local-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk-size", type=int, default=16, help="pages per Dask task")
    parser.add_argument("--grammar-backend", help="HEALTH_GRAMMAR_BACKEND (default: auto)")
    parser.add_argument("--keep-languages", help="HEALTH_KEEP_LANGUAGES (default: en)")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    from cleaning.runner import CleanOptions, clean_run, rebuild_all

    root = Path(args.output_dir)
    if not (root / "pages").is_dir():
        print(f"error: no pages dataset under {root}", file=sys.stderr)
        return 2
    given = {"HEALTH_GRAMMAR_BACKEND": args.grammar_backend, "HEALTH_KEEP_LANGUAGES": args.keep_languages}
    options = CleanOptions.from_settings({k: v for k, v in given.items() if v is not None})
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.local_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1")
        client = Client(cluster)
    try:
        mapper = DaskMapper(client, chunk_size=args.chunk_size)
        # Runs one after another, oldest first: each run's dedup sees the articles of the runs before it.
        reports = [clean_run(root, args.run_id, options, mapper=mapper)] if args.run_id else \
            rebuild_all(root, options, mapper=mapper)
        for report in reports:
            print(f"run {report.run_id}: {dict(report.counts)} dropped={dict(report.dropped_reasons)} "
                  f"in {report.seconds:.1f}s on {len(client.nthreads())} Dask workers")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

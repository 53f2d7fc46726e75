"""Clean stored runs on a Dask cluster: the same `clean_run`, with its per-page work on Dask workers.

    pip install "dask[distributed]"
    python examples/dask_clean.py --output-dir outputs                          # a local cluster, all cores
    python examples/dask_clean.py --output-dir outputs --run-id RUN_ID --scheduler tcp://10.0.0.5:8786

The cleaning chain has two per-document passes (1: extract, repeated paragraphs,
language; 3: grammar) around one global pass (2: dedup decisions, signatures only).
`clean_run(..., mapper=DaskMap(client))` sends passes 1 and 3 to the cluster in
chunks of pages streamed from the `pages` Parquet partitions, at most `window`
chunks in flight (bounded memory on the driver), results back in input order; the
dedup decisions and the commit stay on the driver. The result is the same, row for
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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

def _run_chunk(pass_id: str, func: Callable[[Any], Any], initializer: Callable[..., None] | None,
               initargs: tuple[Any, ...], chunk: list[Any]) -> list[Any]:
    """Runs on a Dask worker: initializes the process once per pass, then maps the chunk.

    This script is not importable on the workers, so Dask ships this function by value; what must
    outlive one task (which pass the process is initialized for) lives on the worker object.
    """
    from dask.distributed import get_worker

    try:
        holder: Any = get_worker()
    except ValueError:  # not on a worker (a synchronous client)
        holder = _run_chunk
    state = holder.__dict__.setdefault("health_clean_state", {"lock": threading.Lock(), "pass": None})
    with state["lock"]:  # the steps keep per-process state: one chunk at a time even if the worker has threads
        if state["pass"] != pass_id:
            if initializer is not None:
                initializer(*initargs)
            state["pass"] = pass_id
        return [func(item) for item in chunk]


class DaskMap:
    """An `ordered_map` (cleaning.parallel) that runs on a Dask cluster, in chunks, order preserved."""

    def __init__(self, client: Any, chunk_size: int = 16, window: int | None = None) -> None:
        self.client = client
        self.chunk_size = chunk_size
        self.window = window

    def __call__(self, func: Callable[[Any], Any], items: Iterable[Any], workers: int = 0,
                 initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
                 window: int | None = None) -> Iterator[Any]:
        pass_id = uuid.uuid4().hex
        cores = sum(self.client.nthreads().values()) or 1
        limit = self.window or window or cores * 4
        pending: deque[Any] = deque()
        iterator = iter(items)
        while chunk := list(itertools.islice(iterator, self.chunk_size)):
            pending.append(self.client.submit(_run_chunk, pass_id, func, initializer, initargs, chunk, pure=False))
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
    parser.add_argument("--grammar-backend", default="auto", choices=["auto", "languagetool", "offline", "none"])
    parser.add_argument("--keep-languages", default="en")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    from cleaning.datasets import remove_run_files
    from cleaning.pipeline import CleanOptions, clean_run, stored_runs
    from cleaning.schemas import DERIVED
    from cleaning.state import remove_dedup_state

    root = Path(args.output_dir)
    if not (root / "pages").is_dir():
        print(f"error: no pages dataset under {root}", file=sys.stderr)
        return 2
    options = CleanOptions(keep_languages=frozenset(k.strip() for k in args.keep_languages.split(",") if k.strip()),
                           grammar_backend=args.grammar_backend,
                           languagetool_url=os.environ.get("HEALTH_LANGUAGETOOL_URL"))
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.local_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1")
        client = Client(cluster)
    try:
        mapper = DaskMap(client, chunk_size=args.chunk_size)
        runs = [args.run_id] if args.run_id else stored_runs(root)
        if not args.run_id:  # a rebuild of everything, as `python -m cleaning run` does (rebuild_all)
            for run_id in runs:
                remove_run_files(root, DERIVED, run_id)
            remove_dedup_state(root)
        # Runs one after another, oldest first: each run's dedup sees the articles of the runs before it.
        for run_id in runs:
            report = clean_run(root, run_id, options, mapper=mapper)
            print(f"run {report.run_id}: {dict(report.counts)} dropped={dict(report.dropped_reasons)} "
                  f"in {report.seconds:.1f}s on {len(client.nthreads())} Dask workers")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Operate a distributed crawl's Redis state.

    python -m crawler.distributed push URL [URL ...]   queue start URLs (taken by whichever worker is free)
    python -m crawler.distributed status               the current run: queue, workers, in flight, pages
    python -m crawler.distributed reset [--force]      forget the current run (the next worker starts afresh)

Every command takes --redis-url (default $HEALTH_REDIS_URL) and --prefix (default "health").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from cleaning.cli import OneLineParser
from crawler.distributed.link import RunKeys, redis_client


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _current_run(client: Any, prefix: str, run_id: str | None) -> str | None:
    if run_id:
        return run_id
    current = client.get(RunKeys(prefix, "").current_run)
    return _s(current) if current else None


def _status(client: Any, prefix: str, run_id: str | None) -> dict[str, Any]:
    run = _current_run(client, prefix, run_id)
    keys = RunKeys(prefix, run or "")
    out: dict[str, Any] = {"prefix": prefix, "run_id": run, "pushed_start_urls": client.llen(keys.start_urls)}
    if not run:
        return out
    workers = sorted(_s(w) for w in client.smembers(keys.workers))
    stored = {_s(k): int(v) for k, v in client.hgetall(keys.stored).items()}
    out.update(
        queued=client.zcard(keys.requests),
        seen=client.scard(keys.dupefilter),
        requeued=int(client.get(keys.requeued) or 0),
        workers={w: {"alive": bool(client.exists(keys.alive(w))), "in_flight": client.hlen(keys.inflight(w)),
                     "pages_stored": stored.get(w, 0)} for w in workers},
        pages_stored=sum(stored.values()),
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m crawler.distributed", description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-url", default=os.environ.get("HEALTH_REDIS_URL", ""))
    parser.add_argument("--prefix", default="health")
    sub = parser.add_subparsers(dest="command", required=True)
    push = sub.add_parser("push", help="queue start URLs")
    push.add_argument("urls", nargs="+")
    push.add_argument("--kind", choices=["article", "listing", "sitemap", "feed", "unknown"],
                      help="what the URLs are (default: as the site profile classifies them)")
    status = sub.add_parser("status", help="print the state of the current run as JSON")
    status.add_argument("--run-id")
    reset = sub.add_parser("reset", help="delete the current run's frontier so the next crawl starts afresh")
    reset.add_argument("--run-id")
    reset.add_argument("--force", action="store_true", help="even if workers are alive")
    args = parser.parse_args(argv)
    if not args.redis_url:
        print("error: give --redis-url redis://HOST:PORT/DB (or set HEALTH_REDIS_URL)", file=sys.stderr)
        return 2
    import redis

    try:
        client = redis_client(args.redis_url)
    except ValueError as exc:  # not a Redis URL
        print(f"error: --redis-url: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "push":
            bad = [u for u in args.urls if not u.startswith(("http://", "https://"))]
            if bad:
                print(f"error: not absolute http(s) URLs: {', '.join(bad)}", file=sys.stderr)
                return 2
            entries = [json.dumps({"url": u, "kind": args.kind}) if args.kind else u for u in args.urls]
            client.rpush(RunKeys(args.prefix, "").start_urls, *entries)
            print(f"queued {len(entries)} start URL(s) on {RunKeys(args.prefix, '').start_urls}")
            return 0
        if args.command == "status":
            print(json.dumps(_status(client, args.prefix, args.run_id), indent=2, sort_keys=True))
            return 0
        run = _current_run(client, args.prefix, args.run_id)
        if not run:
            print("no current run")
            return 0
        state = _status(client, args.prefix, run)
        alive = [w for w, s in state.get("workers", {}).items() if s["alive"]]
        if alive and not args.force:
            print(f"error: workers {', '.join(alive)} are alive; stop them first or pass --force", file=sys.stderr)
            return 1
        keys = RunKeys(args.prefix, run)
        client.delete(*keys.run_keys(list(state.get("workers", {}))), keys.key("closer"))
        if _s(client.get(keys.current_run) or b"") == run:
            client.delete(keys.current_run)
        print(f"run {run} forgotten (pages already written stay in the datasets)")
        return 0
    except redis.RedisError as exc:
        print(f"error: Redis at {args.redis_url.split('@')[-1]}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

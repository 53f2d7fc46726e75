"""The Redis side of a distributed crawl: key names, atomic scripts, and what happens when Redis fails.

Keys (PREFIX is HEALTH_REDIS_PREFIX, "health" by default; RUN the shared run id):

    PREFIX:run                      the run id workers join when HEALTH_RUN_ID is not given
    PREFIX:start_urls               list: start URLs pushed by hand (scrapy-redis RedisSpider semantics)
    PREFIX:run:RUN:requests         sorted set: the shared frontier (scrapy-redis PriorityQueue layout)
    PREFIX:run:RUN:dupefilter       set: fingerprints of every request ever scheduled in the run
    PREFIX:run:RUN:inflight:WORKER  hash: requests a worker popped and has not yet durably finished
    PREFIX:run:RUN:alive:WORKER     a worker's heartbeat; expires HEALTH_REDIS_WORKER_TIMEOUT after it stops
    PREFIX:run:RUN:workers          set: workers that joined and have not left (a live worker re-adds itself)
    PREFIX:run:RUN:closer           the worker that ends the run (claimed once, by the last to leave)
    PREFIX:run:RUN:stored           hash: pages rows each worker wrote durably
    PREFIX:run:RUN:seq, :requeued   counters

Every change that must not be torn by a SIGKILL (schedule = mark seen + queue;
pop = dequeue + record in flight; re-queue a dead worker's requests; leave the run and
decide whether this worker is the last) is one Lua script, so Redis applies it whole or not at all.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
from dataclasses import dataclass
from typing import Any, Callable

from cleaning.redact import strip_credentials
from crawler.distributed.signals import redis_failed

logger = logging.getLogger(__name__)

WORKER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.]*(?:-[A-Za-z0-9_.]+)*")

# KEYS: dupefilter, queue. ARGV: fingerprint, score, data, dont_filter (0/1). Returns 1 if queued.
ENQUEUE = """
if ARGV[4] == '0' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: queue, inflight hash, seq, requeued counter. Returns {token, data, requeued} or nil. The hash keeps
# "score data". `requeued` is read in the same step: when it has grown since this worker's last pop, a
# dead worker's requests were put back before this one was taken, and the pages that worker stored are
# on disk already (it died before it was reaped), so the popping worker looks at them first.
POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local token = tostring(redis.call('INCR', KEYS[3]))
redis.call('HSET', KEYS[2], token, r[2] .. ' ' .. r[1])
return {token, r[1], redis.call('GET', KEYS[4]) or '0'}
"""

# KEYS: inflight hash of the worker, queue, workers set, its alive key, requeued counter. ARGV: worker.
# Returns -1 (the worker is alive: nothing done) or the number of requests put back in the queue.
REAP = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local entries = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 2, #entries, 2 do
  local v = entries[i]
  local sp = string.find(v, ' ', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(v, 1, sp - 1), string.sub(v, sp + 1))
  n = n + 1
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
if n > 0 then redis.call('INCRBY', KEYS[5], n) end
return n
"""

# KEYS: its alive key, workers set. ARGV: ttl in ms, worker. Renews the heartbeat; a worker taken for
# dead (reaped while it was only slow) is a member again at once. Returns 1 if it had to be re-added.
HEARTBEAT = """
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return redis.call('SADD', KEYS[2], ARGV[2])
"""

# KEYS: workers set, queue, requeued counter, closer key. ARGV: worker, the run's key prefix
# ("PREFIX:run:RUN:"), closer key ttl (s). In one step: the worker leaves (its alive key and any request
# still in its in-flight hash go), every other member whose heartbeat expired is reaped (its in-flight
# requests re-queued), and if no member remains this worker claims the end of the run. Because Redis runs
# it whole, exactly one worker sees an empty set, and only after every other member has left or died.
# Returns {workers remaining, 1 if this worker is the last, requests re-queued, reaped workers...}.
LEAVE = """
local function requeue(worker)
  local h = ARGV[2] .. 'inflight:' .. worker
  local entries = redis.call('HGETALL', h)
  local n = 0
  for i = 2, #entries, 2 do
    local v = entries[i]
    local sp = string.find(v, ' ', 1, true)
    redis.call('ZADD', KEYS[2], string.sub(v, 1, sp - 1), string.sub(v, sp + 1))
    n = n + 1
  end
  redis.call('DEL', h)
  return n
end
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('DEL', ARGV[2] .. 'alive:' .. ARGV[1])
local requeued = requeue(ARGV[1])
local reaped = {}
for _, other in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[2] .. 'alive:' .. other) == 0 then
    requeued = requeued + requeue(other)
    redis.call('SREM', KEYS[1], other)
    table.insert(reaped, other)
  end
end
if requeued > 0 then redis.call('INCRBY', KEYS[3], requeued) end
local remaining = redis.call('SCARD', KEYS[1])
local last = 0
if remaining == 0 and redis.call('SET', KEYS[4], ARGV[1], 'NX', 'EX', ARGV[3]) then last = 1 end
local result = {remaining, last, requeued}
for _, w in ipairs(reaped) do table.insert(result, w) end
return result
"""

# KEYS: key. ARGV: expected value. Deletes the key only if it still holds the value.
DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


CLOSER_TTL = 86400  # seconds: the claim on a run's end outlives any merge step


@dataclass(frozen=True)
class Departure:
    """What a worker learns when it leaves the run (LEAVE)."""

    remaining: int  # members still registered (alive) after it left
    last: bool  # it is the last: it ends the run (exactly one worker per run)
    requeued: int  # requests put back in the queue: its own leftovers and those of dead members
    reaped: list[str]  # members found dead and removed


@dataclass(frozen=True)
class RunKeys:
    prefix: str
    run_id: str

    @property
    def current_run(self) -> str:
        return f"{self.prefix}:run"

    @property
    def start_urls(self) -> str:
        return f"{self.prefix}:start_urls"

    def key(self, name: str) -> str:
        return f"{self.prefix}:run:{self.run_id}:{name}"

    @property
    def requests(self) -> str:
        return self.key("requests")

    @property
    def dupefilter(self) -> str:
        return self.key("dupefilter")

    @property
    def workers(self) -> str:
        return self.key("workers")

    @property
    def stored(self) -> str:
        return self.key("stored")

    @property
    def seq(self) -> str:
        return self.key("seq")

    @property
    def requeued(self) -> str:
        return self.key("requeued")

    def inflight(self, worker: str) -> str:
        return self.key(f"inflight:{worker}")

    def alive(self, worker: str) -> str:
        return self.key(f"alive:{worker}")

    def run_keys(self, workers: list[str]) -> list[str]:
        """Every key of the run (for deleting a finished run)."""
        fixed = [self.requests, self.dupefilter, self.workers, self.stored, self.seq, self.requeued]
        return fixed + [self.inflight(w) for w in workers] + [self.alive(w) for w in workers]


def default_worker_id() -> str:
    host = re.sub(r"[^A-Za-z0-9_.]+", "_", socket.gethostname()).strip("_.") or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"


def redis_client(url: str, params: dict[str, Any] | None = None) -> Any:
    """A redis-py client that fails within seconds, not minutes, when the server is gone."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    kwargs: dict[str, Any] = {
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.1), 2),
        "health_check_interval": 15,
    }
    kwargs.update(params or {})
    return redis.Redis.from_url(url, **kwargs)


class RedisUnavailable(RuntimeError):
    """Redis failed earlier in this worker; no more calls are made."""


class RedisLink:
    """One worker's connection to the shared crawl state; the first Redis error stops the worker.

    A worker whose Redis goes away cannot know what the others do, so it stops
    at once (close reason "redis_unavailable", exit status 1) instead of
    retrying forever: in-flight requests finish, the pages it fetched are
    flushed, and its manifest says why. Requests it had popped but not
    finished stay in its in-flight hash and are re-queued when the crawl
    resumes.
    """

    def __init__(self, url: str, keys: RunKeys, worker_id: str, client: Any, signals: Any = None) -> None:
        self.url = url
        self.keys = keys
        self.worker_id = worker_id
        self.client = client
        self.signals = signals  # the crawler's signal manager: told when the link fails (redis_failed)
        self.failure: str | None = None
        self._scripts: dict[str, Any] = {}

    @property
    def display_url(self) -> str:
        return strip_credentials(self.url)

    @property
    def failed(self) -> bool:
        return self.failure is not None

    def fail(self, exc: BaseException, doing: str) -> None:
        if self.failure is not None:
            return
        self.failure = (f"Redis at {self.display_url} is unavailable ({type(exc).__name__}: {exc}) while {doing}; "
                        f"worker {self.worker_id} stops, pages it stored are kept; start it again once Redis "
                        f"is back and the crawl resumes")
        logger.error(self.failure)
        if self.signals is not None:
            self.signals.send_catch_log(signal=redis_failed, message=self.failure)

    def call(self, doing: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Runs one Redis call; a Redis error marks the link failed and raises RedisUnavailable."""
        import redis

        if self.failure is not None:
            raise RedisUnavailable(self.failure)
        try:
            return fn(*args, **kwargs)
        except redis.RedisError as exc:
            self.fail(exc, doing)
            raise RedisUnavailable(self.failure) from exc

    def script(self, name: str, source: str) -> Any:
        if name not in self._scripts:
            self._scripts[name] = self.client.register_script(source)
        return self._scripts[name]

    def run_script(self, doing: str, name: str, source: str, keys: list[str], args: list[Any]) -> Any:
        return self.call(doing, self.script(name, source), keys=keys, args=args)

    # --- worker lifecycle ---------------------------------------------------------

    def reap(self, worker: str) -> int:
        """Re-queues a dead worker's in-flight requests; -1 if it is alive."""
        k = self.keys
        return int(self.run_script(f"re-queueing requests of worker {worker}", "reap", REAP,
                                   [k.inflight(worker), k.requests, k.workers, k.alive(worker), k.requeued],
                                   [worker]))

    def heartbeat(self, ttl_ms: int) -> bool:
        """Renews this worker's heartbeat (raw redis errors: also called from the heartbeat thread);
        True if the worker had been taken for dead and was registered again."""
        k = self.keys
        return bool(self.script("heartbeat", HEARTBEAT)(keys=[k.alive(self.worker_id), k.workers],
                                                         args=[ttl_ms, self.worker_id]))

    def leave(self) -> "Departure":
        """Leaves the run in one atomic step (LEAVE): reaps dead members, and says whether this worker is
        the last, the one that ends the run."""
        k = self.keys
        reply = self.run_script("leaving the crawl", "leave", LEAVE, [k.workers, k.requests, k.requeued,
                                k.key("closer")], [self.worker_id, k.key(""), CLOSER_TTL])
        return Departure(remaining=int(reply[0]), last=bool(int(reply[1])), requeued=int(reply[2]),
                         reaped=[w.decode() if isinstance(w, bytes) else str(w) for w in reply[3:]])

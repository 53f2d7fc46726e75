"""A real redis-server for the distributed crawl's tests (loopback, temp dir, always stopped)."""

from __future__ import annotations

import itertools
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("redis", reason="redis-py is not installed (a dependency of the distributed crawl)")
pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed (a dependency of the distributed crawl)")

from crawler.distributed.link import RedisLink, RunKeys, redis_client  # noqa: E402

# --- a real redis-server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            pytest.skip("redis-server is not installed (Debian package redis-server; .ci/run installs it)")
        self.dir = Path(tempfile.mkdtemp(prefix="redis-test-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        self.client = redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client.ping():
                    break
            except redis.RedisError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.skip("redis-server did not start on loopback")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        yield server
    finally:
        server.stop()



_prefixes = itertools.count()


@pytest.fixture
def link(redis_server: RedisServer) -> Iterator[RedisLink]:
    """A worker's link (worker "w1") to a fresh run under its own key prefix."""
    keys = RunKeys(f"unit{next(_prefixes)}", "20260101T000000Z_abcdef")
    yield RedisLink(redis_server.url, keys, "w1", redis_client(redis_server.url))


def other_worker(link: RedisLink, worker: str, signals: Any = None) -> RedisLink:
    """Another worker's link to the same run."""
    return RedisLink(link.url, link.keys, worker, redis_client(link.url), signals=signals)

"""`python -m crawler.distributed push|status|reset` (crawler/distributed/__main__.py)."""

from __future__ import annotations

import json

import pytest

from crawler.distributed.__main__ import main
from crawler.distributed.link import RunKeys
from tests.crawler.distributed.conftest import RedisServer


def test_push_status_and_reset(redis_server: RedisServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--redis-url", redis_server.url, "--prefix", "cli"]
    assert main([*base, "push", "https://a.org/x", "--kind", "article"]) == 0
    assert json.loads(redis_server.client.lrange("cli:start_urls", 0, -1)[0]) == {"url": "https://a.org/x",
                                                                                   "kind": "article"}
    assert main([*base, "push", "ftp://a.org/"]) == 2
    keys = RunKeys("cli", "20260101T000000Z_abcdef")
    redis_server.client.set(keys.current_run, keys.run_id)
    redis_server.client.sadd(keys.workers, "w1")
    redis_server.client.set(keys.alive("w1"), "1")
    redis_server.client.hset(keys.stored, "w1", 5)
    capsys.readouterr()
    assert main([*base, "status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["run_id"] == keys.run_id and status["pushed_start_urls"] == 1 and status["pages_stored"] == 5
    assert status["workers"] == {"w1": {"alive": True, "in_flight": 0, "pages_stored": 5}}
    assert main([*base, "reset"]) == 1  # a live worker: refused without --force
    assert main([*base, "reset", "--force"]) == 0
    assert redis_server.client.keys("cli:run*") == []
    redis_server.client.delete("cli:start_urls")


def test_a_redis_url_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEALTH_REDIS_URL", raising=False)
    assert main(["status"]) == 2


@pytest.mark.parametrize("argv", [["--redis-url", "localhost:6379", "status"],  # not a Redis URL
                                  ["--redis-url", "redis://127.0.0.1:1/0", "push", "ftp://example.org/"],
                                  ["--redis-url", "redis://127.0.0.1:1/0", "no-such-command"],
                                  ["--redis-url", "redis://127.0.0.1:1/0", "push", "--kind", "book", "http://a.org/"]])
def test_a_bad_call_is_one_line_and_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors exit
        code = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "error" in err[0], err

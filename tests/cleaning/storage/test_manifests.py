"""Secrets never reach a run manifest: user info, secret query parameters, secret-named settings."""

import json

import pytest

from cleaning.redact import redact_settings, strip_credentials
from cleaning.storage.manifests import RunManifestFile


@pytest.mark.parametrize("url, expected", [
    ("redis://user:s3cret@10.0.0.5:6379/0", "redis://10.0.0.5:6379/0"),
    ("redis://:s3cret@10.0.0.5:6379/0", "redis://10.0.0.5:6379/0"),
    ("https://user@site.org/a", "https://site.org/a"),
    ("http://u:s3cret@[::1]:8080/x", "http://[::1]:8080/x"),
    ("https://u:s3cret@site.org:notaport/", "https://site.org:notaport/"),  # urlsplit would reject the port
    ("unix://u:s3cret@/run/redis.sock?db=0", "unix:///run/redis.sock?db=0"),
    ("u:s3cret@10.0.0.5:6379/0", "10.0.0.5:6379/0"),  # scheme forgotten
])
def test_userinfo_removed(url: str, expected: str):
    assert strip_credentials(url) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://api.example.org/v1?apiKey=s3cret&q=heart",
     "https://api.example.org/v1?apiKey=<redacted>&q=heart"),
    ("https://e.org/a?TOKEN=s3cret&access_token=s3cret&Key=s3cret&api_key=s3cret",
     "https://e.org/a?TOKEN=<redacted>&access_token=<redacted>&Key=<redacted>&api_key=<redacted>"),
    ("https://e.org/a?password=s3cret&secret=s3cret&sig=s3cret&Signature=s3cret&page=2",
     "https://e.org/a?password=<redacted>&secret=<redacted>&sig=<redacted>&Signature=<redacted>&page=2"),
    ("https://bucket.s3.example.com/f?X-Amz-Signature=s3cret&X-Amz-Security-Token=s3cret",
     "https://bucket.s3.example.com/f?X-Amz-Signature=<redacted>&X-Amz-Security-Token=<redacted>"),
    ("rediss://u:s3cret@h:6380/0?password=s3cret#access_token=s3cret",
     "rediss://h:6380/0?password=<redacted>#access_token=<redacted>"),
])
def test_secret_query_parameters_redacted(url: str, expected: str):
    assert strip_credentials(url) == expected
    assert "s3cret" not in strip_credentials(url)


@pytest.mark.parametrize("value", [
    "https://www.example.org/health/heart?page=2&q=salt%20intake&sort=new#comments",
    "https://e.org/a?keyword=x&monkey=1&q=token&key=",  # names merely containing 'key', empty values
    "https://e.org/p@x?m=a@b",  # '@' outside the authority
    "redis://10.0.0.5:6379/0",
    "mailto:ops@example.org",
    "HealthBot/1.0 (+https://example.org/bot; mailto:ops@example.org)",
    "not a url",
    "",
])
def test_harmless_values_unchanged(value: str):
    assert strip_credentials(value) == value


def test_redact_settings():
    settings = {
        "HEALTH_REDIS_URL": "redis://u:s3cret@h:6379/0?password=s3cret",
        "HEALTH_START_URLS": ["https://u:s3cret@e.org/", "https://e.org/feed?token=s3cret", "https://e.org/"],
        "HEALTH_API_KEY": "s3cret",
        "HEALTH_PROXY_PASSWORD": "s3cret",
        "HEALTH_EMPTY_TOKEN": "",
        "REDIS_PARAMS": {"password": "s3cret", "socket_timeout": 5, "url": "redis://:s3cret@h/0"},
        "CONCURRENT_REQUESTS": 8,
        "OUTPUT_DIR": "/data/out",
        "AWS_SECRET_ACCESS_KEY": "s3cret",  # not a recorded setting at all
    }
    out = redact_settings(settings)
    assert "s3cret" not in json.dumps(out)
    assert out["HEALTH_REDIS_URL"] == "redis://h:6379/0?password=<redacted>"
    assert out["HEALTH_START_URLS"] == ["https://e.org/", "https://e.org/feed?token=<redacted>", "https://e.org/"]
    assert out["HEALTH_API_KEY"] == out["HEALTH_PROXY_PASSWORD"] == "<redacted>"
    assert out["HEALTH_EMPTY_TOKEN"] == ""
    assert out["REDIS_PARAMS"] == {"password": "<redacted>", "socket_timeout": 5, "url": "redis://h/0"}
    assert out["CONCURRENT_REQUESTS"] == 8 and out["OUTPUT_DIR"] == "/data/out"
    assert "AWS_SECRET_ACCESS_KEY" not in out


def test_manifest_on_disk_holds_no_secret(tmp_path):
    m = RunManifestFile.open(tmp_path, "r1")
    m.start(kind="crawl", settings=redact_settings({"HEALTH_REDIS_URL": "redis://:s3cret@h/0?apiKey=s3cret"}))
    m.finish("succeeded")
    text = (tmp_path / "_runs" / "r1.json").read_text()
    assert "s3cret" not in text and "<redacted>" in text

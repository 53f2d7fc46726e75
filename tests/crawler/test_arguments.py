"""Spider arguments and settings checked before anything starts (crawler/arguments.py)."""

import time
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.arguments import ArgumentError, check_settings, parse_arguments
from tests.conftest import run_crawl


def test_no_arguments_is_the_demo():
    t = parse_arguments({})
    assert t.demo and t.profile.name == "demo" and not t.generic


def test_start_urls_is_generic():
    t = parse_arguments({"start_urls": "https://a.example.org/x, http://127.0.0.1:8080/"})
    assert t.generic and not t.demo
    assert set(t.profile.allowed_domains) == {"a.example.org", "127.0.0.1"}


def test_credentials_of_a_start_url_leave_the_url_and_stay_with_their_origin():
    t = parse_arguments({"start_urls": "http://u%40x:p%3Aw@Health.Example.org/a, https://other.org/b"})
    assert t.profile.start_urls == ("http://Health.Example.org/a", "https://other.org/b")
    assert t.credentials == (("http://health.example.org:80", "u@x", "p:w"),)


def test_a_bad_start_url_is_named_without_its_password():
    with pytest.raises(ArgumentError) as err:
        parse_arguments({"start_urls": "http://u:hunter2@a.org:99999/"})
    assert "invalid port" in str(err.value) and "hunter2" not in str(err.value)


@pytest.mark.parametrize("kwargs, message", [
    ({"site": "nope"}, "unknown site 'nope'"),
    ({"start_urls": "notaurl"}, "not an absolute http"),
    ({"start_urls": "javascript:alert(1)"}, "not an absolute http"),
    ({"start_urls": " , "}, "start_urls is empty"),
    ({"start_urls": "http://a.org:99999/"}, "invalid port"),
    ({"site": "demo", "start_urls": "http://a.org/"}, "not both"),
    ({"sitee": "demo"}, "unknown spider argument"),
])
def test_bad_arguments_fail_clearly(kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        parse_arguments(kwargs)


@pytest.mark.parametrize("settings, message", [
    ({"HEALTH_RETRY_BACKOFF": "-1"}, "HEALTH_RETRY_BACKOFF must be"),
    ({"DOWNLOAD_MAXSIZE": "big"}, "DOWNLOAD_MAXSIZE must be"),
    ({"CONCURRENT_REQUESTS": "0"}, "CONCURRENT_REQUESTS must be"),
    ({"DOWNLOAD_TIMEOUT": "0"}, "DOWNLOAD_TIMEOUT must be"),
    ({"HEALTH_RUN_ID": "site-2"}, "invalid run id"),
    ({"OUTPUT_DIR": ""}, "OUTPUT_DIR is empty"),  # not the current folder
])
def test_bad_settings_fail_clearly(tmp_path: Path, settings, message):
    with pytest.raises(ArgumentError, match=message):
        check_settings(Settings({"OUTPUT_DIR": str(tmp_path), **settings}))


def test_good_settings_pass(tmp_path: Path):
    check_settings(Settings({"OUTPUT_DIR": str(tmp_path / "new")}))
    check_settings(Settings({"OUTPUT_DIR": str(tmp_path / "new"), "JOBDIR": str(tmp_path / "jobs" / "new")}))
    assert (tmp_path / "jobs" / "new").is_dir() and not list((tmp_path / "jobs" / "new").iterdir())


def test_a_jobdir_that_cannot_be_a_writable_folder_fails_clearly(tmp_path: Path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ArgumentError, match=r"JOBDIR: job directory .*a-file/job is not writable"):
        check_settings(Settings({"OUTPUT_DIR": str(tmp_path / "out"), "JOBDIR": str(tmp_path / "a-file" / "job")}))


# --- the same through `scrapy crawl`: exit status 2, one line, nothing written --------------------------

@pytest.mark.parametrize("args, message", [
    (["-a", "start_urls=ftp://example.org/"], "not an absolute http(s) URL"),
    (["-a", "start_urls=http://exa mple.org:99999/"], "invalid port"),
    (["-a", "start_urls=http://a.org/", "-s", "HEALTH_RETRY_BACKOFF=-1"], "HEALTH_RETRY_BACKOFF must be"),
    (["-a", "start_urls=http://a.org/", "-s", "DOWNLOAD_MAXSIZE=big"], "DOWNLOAD_MAXSIZE must be"),
    (["-a", "start_urls=http://a.org/", "-s", "CONCURRENT_REQUESTS=0"], "CONCURRENT_REQUESTS must be"),
    (["-a", "start_urls=http://a.org/", "-s", "DOWNLOAD_TIMEOUT=0"], "DOWNLOAD_TIMEOUT must be"),
])
def test_bad_arguments_and_settings_fail_at_once_with_a_clear_message(tmp_path: Path, args, message):
    started = time.monotonic()
    proc = run_crawl(tmp_path / "out", *args, check=False, timeout=60)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out" / "pages").exists()


def test_a_bad_output_path_fails_at_once(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_crawl(blocker / "out", "-a", "start_urls=http://a.org/", check=False, timeout=60)
    assert proc.returncode == 2 and str(blocker) in proc.stderr and "Traceback" not in proc.stderr



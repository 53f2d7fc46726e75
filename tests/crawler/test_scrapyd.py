"""Scheduling with Scrapyd for real: deploy the project's egg, schedule the demo crawl, check the datasets."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("scrapyd", path=str(Path(sys.executable).parent)) is None
                                and shutil.which("scrapyd") is None, reason="scrapyd is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, path: str, data: dict | None = None, files: bytes | None = None) -> dict:
    if files is not None:
        boundary = "----healthcrawl"
        parts = []
        for k, v in (data or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="p.egg"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + files + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        req = urllib.request.Request(base + path, data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    elif data is not None:
        req = urllib.request.Request(base + path, data=urllib.parse.urlencode(data, doseq=True).encode())
    else:
        req = urllib.request.Request(base + path)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture()
def scrapyd(tmp_path: Path):
    port = _free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home}/eggs\nlogs_dir = {home}/logs\ndbs_dir = {home}/dbs\nitems_dir =\n"
        "poll_interval = 0.5\nmax_proc = 1\n"
    )
    exe = Path(sys.executable).parent / "scrapyd"
    log = open(home / "scrapyd.out", "wb")  # read by the test when a job fails
    proc = subprocess.Popen([str(exe) if exe.exists() else "scrapyd"], cwd=home, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _api(base, "/daemonstatus.json")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("scrapyd did not start")
                time.sleep(0.2)
        yield base, home
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_deploy_schedule_and_read_datasets(scrapyd, tmp_path: Path):
    base, home = scrapyd
    egg = tmp_path / "health.egg"
    build = subprocess.run([str(Path(sys.executable).parent / "scrapyd-deploy"), "--build-egg", str(egg)],
                           cwd=REPO, capture_output=True, text=True, timeout=180)
    assert build.returncode == 0, build.stderr
    for leftover in ("build", "health_crawl.egg-info", "project.egg-info"):
        # scrapyd-deploy builds in the checkout; leave it as it was
        if (REPO / leftover).exists() and leftover == "build":
            shutil.rmtree(REPO / leftover, ignore_errors=True)
    added = _api(base, "/addversion.json", {"project": "health", "version": "1"}, files=egg.read_bytes())
    assert added["status"] == "ok", added
    assert "health" in _api(base, "/listspiders.json?project=health")["spiders"]

    out = tmp_path / "outputs"
    job = _api(base, "/schedule.json", {"project": "health", "spider": "health",
                                         "setting": [f"OUTPUT_DIR={out}", "HEALTH_GRAMMAR_BACKEND=none"]})
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        jobs = _api(base, "/listjobs.json?project=health")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the scheduled crawl did not finish: {jobs}")

    if not (out / "articles").exists():
        logs = "\n".join(p.read_text()[-3000:] for p in home.rglob("*.log"))
        pytest.fail(f"no articles written; scrapyd said:\n{(home / 'scrapyd.out').read_text()[-3000:]}\n{logs}")
    articles = pd.read_parquet(out / "articles")
    assert len(articles) >= 40 and articles["article_id"].is_unique
    manifest = json.loads(next((out / "_runs").glob("*.json")).read_text())
    assert manifest["status"] == "succeeded"

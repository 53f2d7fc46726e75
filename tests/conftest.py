"""Shared test helpers: paths to ../shared and a subprocess crawl of the demo site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# A suite started in the background by a shell without job control (`pytest &` in a script) inherits SIGINT
# ignored, and so would every crawl and cleaning run it starts (an ignored signal stays ignored across exec):
# the tests that stop one with Ctrl-C's signal would wait for it in vain. Ctrl-C means what it means here.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared evaluation material is not beside this checkout")
    return path


def run_crawl(output_dir: Path, *args: str, timeout: float = 180, env: dict[str, str] | None = None,
              check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs `scrapy crawl health` as a user would, from the project root, in a subprocess."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-s", f"OUTPUT_DIR={output_dir}",
           "-s", "LOG_LEVEL=INFO", "-s", "HEALTH_GRAMMAR_BACKEND=offline", *args]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"crawl failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc

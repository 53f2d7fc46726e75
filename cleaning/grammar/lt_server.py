"""Finding and running LanguageTool without ever downloading it.

`languagetool_status` says whether LanguageTool can be used: a server URL is
configured, or language-tool-python can find a local install (``LTP_JAR_DIR_PATH``,
or a version already unpacked under ``LTP_PATH`` / ~/.cache/language_tool_python)
and Java is on the PATH. Nothing here downloads anything.

`local_languagetool_server` starts ONE local server for a run and yields its URL;
workers reach it through ``GrammarOptions.languagetool_url``. On exit the Java
process (and its process group) is terminated and reaped: no stray Java processes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import requests

log = logging.getLogger(__name__)

SERVER_CLASS = "org.languagetool.server.HTTPServer"


def find_local_jar() -> Path | None:
    """The languagetool-server.jar of a local install, or None. Never downloads."""
    candidates: list[Path] = []
    jar_dir = os.environ.get("LTP_JAR_DIR_PATH")
    if jar_dir:
        candidates.append(Path(jar_dir))
    base = Path(os.environ.get("LTP_PATH", str(Path.home() / ".cache" / "language_tool_python")))
    if base.is_dir():  # only look; language-tool-python would create it
        dirs = sorted((p for p in base.glob("LanguageTool*") if p.is_dir()), reverse=True)
        try:
            from language_tool_python.download_lt import LocalLanguageTool

            latest = LocalLanguageTool.get_latest_installed_version()
            if latest is not None:
                dirs.insert(0, latest.get_directory_path())
        except Exception as e:  # an odd folder name must not break detection
            log.debug("language-tool-python could not list installs: %s", e)
        candidates.extend(dirs)
    for d in candidates:
        for name in ("languagetool-server.jar", "languagetool.jar"):
            if (d / name).is_file():
                return d / name
    return None


def languagetool_status(url: str | None) -> tuple[bool, str]:
    """(available, how): "url", "local:<jar>", or why not."""
    if url:
        return True, "url"
    jar = find_local_jar()
    if jar is None:
        return False, "no LanguageTool server URL configured and no local install found"
    if shutil.which("java") is None:
        return False, f"local LanguageTool at {jar.parent} but no java on PATH"
    return True, f"local:{jar}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=grace)
    else:  # the JVM is gone; make sure nothing it started survives it
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def local_languagetool_server(
    jar: Path | str | None = None,
    port: int | None = None,
    startup_timeout: float = 60.0,
    command: list[str] | None = None,
) -> Iterator[str]:
    """Start one local LanguageTool HTTP server; yield its base URL; stop it.

    ``command`` replaces the Java command line (tests use a stand-in server); it may
    contain ``{port}``.
    """
    port = port or _free_port()
    if command is None:
        jar = Path(jar) if jar else find_local_jar()
        java = shutil.which("java")
        if jar is None or java is None:
            raise RuntimeError("no local LanguageTool install (or no java) to start")
        command = [java, "-cp", str(jar), SERVER_CLASS, "--port", "{port}"]
    argv = [a.replace("{port}", str(port)) for a in command]
    log.info("starting a local LanguageTool server on port %d", port)
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped as a whole
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"LanguageTool server exited early with code {proc.returncode}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/v2/languages", timeout=2).ok:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"LanguageTool server did not answer within {startup_timeout:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)
        log.info("local LanguageTool server on port %d stopped", port)

"""Finding and running a local LanguageTool, never downloading it.

`languagetool_status` says whether LanguageTool can be used: a server URL is given, or a local
install is found (`lt_install.find_install`: the one `python -m cleaning languagetool install`
recorded, or one language-tool-python unpacked) and Java is on the PATH.

`local_languagetool_server` starts ONE local server for a run and yields its URL; workers reach
it through ``GrammarOptions.languagetool_url``. On exit the Java process (and its process group)
is terminated and reaped: no stray Java processes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from .lt_install import SERVER_CLASS, LanguageToolInstall, find_install

log = logging.getLogger(__name__)

__all__ = ["SERVER_CLASS", "find_local_jar", "languagetool_status", "local_languagetool_server"]


def find_local_jar(home: Path | str | None = None) -> Path | None:
    """The server jar (or jar folder) of a local install, or None. Never downloads."""
    found = find_install(home)
    return Path(found.classpath.split(":")[0].removesuffix("*")) if found else None


def languagetool_status(url: str | None, home: Path | str | None = None) -> tuple[bool, str]:
    """(available, how): "url", "local:<install dir>", or why not."""
    if url:
        return True, "url"
    found = find_install(home)
    if found is None:
        return False, ("no LanguageTool server URL configured and no local install found "
                       "(python -m cleaning languagetool install)")
    if shutil.which("java") is None:
        return False, f"local LanguageTool at {found.directory} but no java on PATH"
    return True, f"local:{found.directory}"


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


def server_command(install: LanguageToolInstall | None = None, home: Path | str | None = None,
                   heap_mb: int = 512) -> list[str]:
    """The Java command line of a local server, with ``{port}`` for the port.

    ``heap_mb`` bounds the server's Java heap (0: Java's default, a quarter of the machine's memory,
    which let an idle-looking server hold 1.3 GB): 512 MB checks as fast on article-sized texts."""
    install = install or find_install(home)
    java = shutil.which("java")
    if install is None or java is None:
        raise RuntimeError("no local LanguageTool install (or no java) to start "
                           "(python -m cleaning languagetool install)")
    command = install.command(java, 0)[:-1] + ["{port}"]
    if heap_mb:
        # A heap this small is collected well by the serial collector, which keeps ~120 MB less resident
        # than the default (G1) and checks as fast here.
        command[1:1] = [f"-Xmx{int(heap_mb)}m", "-XX:+UseSerialGC"]
    return command


@contextlib.contextmanager
def local_languagetool_server(
    jar: Path | str | None = None,
    port: int | None = None,
    startup_timeout: float = 120.0,
    command: list[str] | None = None,
    install: LanguageToolInstall | None = None,
    home: Path | str | None = None,
    host: str = "127.0.0.1",
    heap_mb: int = 512,
) -> Iterator[str]:
    """Start one local LanguageTool HTTP server; yield its base URL; stop it.

    The server comes from ``install``, else ``jar`` (a server jar), else the install found under
    ``home``. ``command`` replaces the Java command line (tests use a stand-in server); it may
    contain ``{port}``.
    """
    port = port or _free_port()
    if command is None:
        if jar is not None and install is None:
            install = LanguageToolInstall(str(Path(jar).parent), str(jar), "unknown", "jar")
        command = server_command(install, home, heap_mb)
    argv = [a.replace("{port}", str(port)) for a in command]
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    if setpriv:
        # The server dies with the process that started it, however that process dies (SIGKILL, out of
        # memory): otherwise a killed crawl left a JVM of several hundred MB running. util-linux's setpriv
        # sets the parent-death signal and execs the server (no preexec_fn, unsafe beside threads).
        argv = [setpriv, "--pdeathsig", "TERM", "--", *argv]
    log.info("starting a local LanguageTool server on port %d", port)
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped as a whole
    )
    url = f"http://{host}:{port}"
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

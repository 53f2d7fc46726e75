"""Installing LanguageTool, and finding an install: `python -m cleaning languagetool install`.

Two ways to obtain LanguageTool 6.x, tried in this order by ``source="auto"``:

1. language-tool-python's own download (the release zip from languagetool.org), where that host
   is reachable;
2. Maven Central: LanguageTool's HTTP server (``org.languagetool:languagetool-server``) and the
   language modules it needs, resolved with Maven (``mvn dependency:copy-dependencies``) into
   ``<home>/LanguageTool-<version>-maven/lib``. The server's start-up language identifier loads
   Spanish, Catalan and Portuguese besides English, so those modules come too (about 90 MB in all).

Either way ``<home>/install.json`` records what was installed (version, source, class path), and
`find_install` reads it. An install that language-tool-python made by itself (a ``LanguageTool-*``
folder under ``~/.cache/language_tool_python``) is found too. The entry points pass ``home``; without it,
`default_home()`: HEALTH_LANGUAGETOOL_HOME from the environment, else ``~/.cache/health-crawl/languagetool``
(.ci/run installs into a folder of its own, so that running the suite does not change the backend a later
crawl on the machine picks).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from cleaning.storage.atomic import write_text_atomic

log = logging.getLogger(__name__)

DEFAULT_VERSION = "6.6"
#: Modules beside English that LanguageTool's server loads at start-up (its language identifier).
STARTUP_MODULES = ("en", "es", "ca", "pt")
RECORD = "install.json"
SERVER_CLASS = "org.languagetool.server.HTTPServer"


def default_home() -> Path:
    from cleaning.config import value

    configured = value(None, "HEALTH_LANGUAGETOOL_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "health-crawl" / "languagetool"


def ltp_home() -> Path:
    """Where language-tool-python unpacks its downloads by default."""
    return Path.home() / ".cache" / "language_tool_python"


@dataclass(frozen=True)
class LanguageToolInstall:
    directory: str
    classpath: str  # for java -cp
    version: str
    source: str  # "maven" | "language-tool-python"

    def command(self, java: str, port: int) -> list[str]:
        return [java, "-cp", self.classpath, SERVER_CLASS, "--port", str(port)]


class InstallError(RuntimeError):
    """LanguageTool could not be installed; the message says why and what to do."""


def _java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return 0
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def find_install(home: Path | str | None = None) -> LanguageToolInstall | None:
    """The install recorded under ``home``, else one language-tool-python unpacked; never downloads."""
    base = Path(home) if home else default_home()
    record = base / RECORD
    if record.is_file():
        try:
            found = LanguageToolInstall(**json.loads(record.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as e:
            log.warning("unreadable LanguageTool install record %s: %s", record, e)
        else:
            first = found.classpath.split(":")[0]
            present = Path(first.removesuffix("*")).exists()
            if present:
                return found
            log.warning("LanguageTool install record %s names missing files", record)
    return _find_ltp_install(ltp_home())


def _find_ltp_install(base: Path) -> LanguageToolInstall | None:
    if not base.is_dir():  # only look: never create it
        return None
    for d in sorted((p for p in base.glob("LanguageTool-*") if p.is_dir()), reverse=True):
        for name in ("languagetool-server.jar", "languagetool.jar"):
            if (d / name).is_file():
                version = d.name.removeprefix("LanguageTool-")
                return LanguageToolInstall(str(d), str(d / name), version, "language-tool-python")
    return None


def _pom(version: str) -> str:
    modules = "".join(
        f"<dependency><groupId>org.languagetool</groupId><artifactId>language-{m}</artifactId>"
        f"<version>{version}</version></dependency>\n" for m in STARTUP_MODULES
    )
    return f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.health-crawl</groupId>
  <artifactId>languagetool-server-en</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.languagetool</groupId><artifactId>languagetool-server</artifactId>
      <version>{version}</version>
      <!-- every language (about 400 MB); English and the start-up modules are listed below -->
      <exclusions><exclusion><groupId>org.languagetool</groupId><artifactId>language-all</artifactId>
      </exclusion></exclusions>
    </dependency>
{modules}  </dependencies>
</project>
"""


def _install_maven(base: Path, version: str, say: Callable[[str], None]) -> LanguageToolInstall:
    """Resolves the jars into a folder of its own, then puts it in place of the install in one rename: a
    failed run (no network, a full disk) leaves a working install as it was, and a crawl starting meanwhile
    finds the old install or the new one, never half of one."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise InstallError("Maven (mvn) is not on the PATH: install it (apt-get install maven) or give a URL")
    target = base / f"LanguageTool-{version}-maven"
    work = base / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    lib = work / "lib"
    work.mkdir(parents=True)
    try:
        (work / "pom.xml").write_text(_pom(version), encoding="utf-8")
        say(f"resolving LanguageTool {version} (server + {', '.join(STARTUP_MODULES)}) from Maven Central ...")
        argv = [mvn, "-B", "-q", "-f", str(work / "pom.xml"), "dependency:copy-dependencies",
                f"-DoutputDirectory={lib}", "-DincludeScope=runtime"]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise InstallError(f"Maven could not resolve LanguageTool {version}:\n{tail}")
        if not any(j.name.startswith("languagetool-server-") for j in lib.glob("*.jar")):
            raise InstallError(f"Maven finished but {lib} has no languagetool-server jar")
        old = base / f".{target.name}.old-{os.getpid()}"
        if target.exists():
            target.rename(old)  # the jars of two versions never mix: the old folder goes whole
        try:
            work.rename(target)
        except OSError:
            if old.exists() and not target.exists():
                old.rename(target)
            raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lib = target / "lib"
    return LanguageToolInstall(str(target), f"{lib}/*", version, "maven")


def _install_ltp(version: str, say: Callable[[str], None]) -> LanguageToolInstall:
    from language_tool_python.download_lt import LocalLanguageTool

    say(f"downloading LanguageTool {version} with language-tool-python ...")
    LocalLanguageTool.from_version_name(version).download()
    found = _find_ltp_install(ltp_home())
    if found is None:
        raise InstallError("language-tool-python's download left no LanguageTool server jar behind")
    return found


def install(
    home: Path | str | None = None,
    version: str = DEFAULT_VERSION,
    source: str = "auto",
    say: Callable[[str], None] = print,
) -> LanguageToolInstall:
    """Install LanguageTool ``version`` and record it under ``home``; raises `InstallError`."""
    java = shutil.which("java")
    if java is None:
        raise InstallError("no java on the PATH: LanguageTool 6 needs Java 17 or later")
    major = _java_major(java)
    if major < 17:
        raise InstallError(f"java {major} found; LanguageTool 6 needs Java 17 or later")
    base = Path(home) if home else default_home()
    base.mkdir(parents=True, exist_ok=True)
    errors = []
    found = None
    if source in ("auto", "language-tool-python"):
        try:
            found = _install_ltp(version, say)
        except Exception as e:  # unreachable host, refused, bad zip: Maven is the other way
            errors.append(f"language-tool-python: {type(e).__name__}: {str(e)[:300]}")
            say(f"language-tool-python's download failed ({type(e).__name__}); trying Maven Central")
    if found is None and source in ("auto", "maven"):
        try:
            found = _install_maven(base, version, say)
        except (InstallError, OSError, subprocess.SubprocessError) as e:
            errors.append(f"maven: {e}")
    if found is None:
        raise InstallError("LanguageTool could not be installed:\n" + "\n".join(errors))
    # a reader finds the old record or the new one, whole
    write_text_atomic(base / RECORD, json.dumps(asdict(found), indent=1) + "\n")
    return found


def verify(found: LanguageToolInstall, startup_timeout: float = 180.0) -> str:
    """Start the installed server once, check a sentence, and return its version."""
    import requests

    from .lt_server import local_languagetool_server

    t0 = time.monotonic()
    with local_languagetool_server(install=found, startup_timeout=startup_timeout) as url:
        r = requests.post(f"{url}/v2/check", data={"language": "en-US", "text": "He go to school."}, timeout=120)
        r.raise_for_status()
        body = r.json()
    rules = [m["rule"]["id"] for m in body.get("matches", [])]
    if not rules:
        raise InstallError("LanguageTool answered but found nothing in 'He go to school.'")
    log.info("LanguageTool verified in %.0f s (rules: %s)", time.monotonic() - t0, rules)
    return str(body.get("software", {}).get("version", "unknown"))

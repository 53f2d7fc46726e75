"""Product settings, declared once: name, type, default and a one-line doc each.

Every product setting is `OUTPUT_DIR` or starts with `HEALTH_`. This module declares the kind of
setting (`Setting`) and the cleaning stage's settings; `crawler/config.py` declares the crawl's and
puts both lists together. Everything reads a setting through `value()`, so a default lives in exactly
one place, a bad value is refused with the same message everywhere, and docs/operations.md's table is
generated from the declarations (`python -m crawler.config`; a test keeps the two equal).

Settings marked `env=True` are also read from the environment variable of the same name when no
setting gives them: secrets (never put on a command line, never written anywhere) and paths an
operator sets per machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class SettingError(ValueError):
    """A setting has a value the product cannot work with; the message names it and says what fits."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: str  # bool, int, float, str, list (comma-separated), choice
    default: Any
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    env: bool = False  # also read from the environment variable of the same name
    env_separator: str = ","  # how a list is separated in the environment
    secret: bool = False  # never logged, never written to a manifest

    def parse(self, raw: Any) -> Any:
        """The typed value of `raw` (a string from `-s NAME=VALUE`, or a Python value); None: the default."""
        if raw is None or (isinstance(raw, str) and raw.strip() == "" and self.type not in ("str", "list")):
            return self.default
        try:
            value = _CONVERT[self.type](raw)
        except (TypeError, ValueError):
            raise SettingError(f"{self.name} must be {self.expected()}, not {raw!r}") from None
        if self.type == "choice" and value not in self.choices:
            raise SettingError(f"{self.name} must be one of {', '.join(self.choices)}, not {raw!r}")
        if self.type in ("int", "float"):
            if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
                raise SettingError(f"{self.name} must be {self.expected()}, not {raw!r}")
        return value

    def expected(self) -> str:
        kind = {"bool": "True or False", "int": "an integer", "float": "a number", "str": "a string",
                "list": "a comma-separated list", "choice": "one of " + ", ".join(self.choices)}[self.type]
        if self.minimum is not None and self.maximum is not None:
            return f"{kind} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{kind} >= {self.minimum:g}"
        return kind


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _to_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError(raw)
        return int(raw)
    return int(str(raw).strip())


def _to_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError(raw)
    value = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
    if value != value:  # NaN compares false with every bound
        raise ValueError(raw)
    return value


def _to_list(raw: Any) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return tuple(str(i).strip() for i in items if str(i).strip())


_CONVERT = {"bool": _to_bool, "int": _to_int, "float": _to_float, "str": lambda r: str(r).strip(),
            "list": _to_list, "choice": lambda r: str(r).strip()}

GRAMMAR_BACKENDS = ("auto", "languagetool", "offline", "none")
ALL_LANGUAGES = "*"

CLEANING_SETTINGS: tuple[Setting, ...] = (
    Setting("OUTPUT_DIR", "str", "outputs", "root folder of the datasets, run manifests and reports"),
    Setting("HEALTH_PROGRESS_INTERVAL", "float", 30.0, "seconds between progress lines, of the crawl and of "
            "cleaning (0 turns them off)", minimum=0),
    Setting("HEALTH_CLEAN_WORKERS", "int", 0, "processes that clean a run; 0: one per core", minimum=0),
    Setting("HEALTH_MIN_WORDS", "int", 40, "pages not known to be articles with fewer words are dropped as `too_short`",
            minimum=1),
    Setting("HEALTH_DEDUP_THRESHOLD", "float", 0.8, "Jaccard similarity from which two bodies are near duplicates",
            minimum=0.01, maximum=1.0),
    Setting("HEALTH_KEEP_LANGUAGES", "list", ("en",),
            "languages grammar-fixed (comma list, `*` for all); others are written with their language, unfixed"),
    Setting("HEALTH_GRAMMAR_BACKEND", "choice", "auto",
            "`auto` (LanguageTool if installed or configured, else offline), `languagetool`, `offline`, `none`",
            choices=GRAMMAR_BACKENDS),
    Setting("HEALTH_GRAMMAR_TIMEOUT", "float", 30.0, "seconds one grammar backend request may take; 3 timeouts in a "
            "row and the backend is not asked again in this run", minimum=0.1),
    Setting("HEALTH_GRAMMAR_BUDGET", "float", 3600.0, "seconds each cleaning process may wait for the grammar "
            "backend in all (0: no limit); then rows are written unfixed, status `error:deadline`", minimum=0),
    Setting("HEALTH_LANGUAGETOOL_URL", "str", "", "a LanguageTool server, e.g. `http://localhost:8081` (also read "
            "from the environment)", env=True),
    Setting("HEALTH_LANGUAGETOOL_HOME", "str", "", "where `python -m cleaning languagetool install` puts LanguageTool and "
            "`auto` looks for it: an environment variable, not a `-s` setting, as it is read outside Scrapy too (default "
            "`~/.cache/health-crawl/languagetool`)", env=True),
    Setting("HEALTH_LANGUAGETOOL_HEAP_MB", "int", 512, "memory (MiB) of the local LanguageTool server the product "
            "starts (Java's -Xmx; 0: Java's own default, a quarter of the machine's memory)", minimum=0),
    Setting("HEALTH_LANGUAGETOOL_USERNAME", "str", "", "user name of a hosted LanguageTool (environment only)",
            env=True, secret=True),
    Setting("HEALTH_LANGUAGETOOL_API_KEY", "str", "", "API key of a hosted LanguageTool (environment only)",
            env=True, secret=True),
    Setting("HEALTH_LOCK_WAIT", "float", 0.0, "seconds a run waits for another run writing the same OUTPUT_DIR to "
            "end (0: fail at once, exit 2)", minimum=0),
    Setting("HEALTH_SITES_DIR", "list", (), "folders searched for site profiles before the bundled ones (`os.pathsep`"
            "-separated in the environment)", env=True, env_separator=os.pathsep),
)


def declared(settings: Iterable[Setting]) -> dict[str, Setting]:
    table: dict[str, Setting] = {}
    for s in settings:
        if s.name in table:
            raise RuntimeError(f"setting {s.name} is declared twice")
        table[s.name] = s
    return table


_CLEANING = declared(CLEANING_SETTINGS)


def value(settings: Any, name: str, declarations: Mapping[str, Setting] | None = None) -> Any:
    """The typed value of setting `name` in `settings` (Scrapy Settings, a dict, or None: the default)."""
    decl = (declarations or _CLEANING).get(name) or _CLEANING.get(name)
    if decl is None:
        raise KeyError(f"{name} is not a declared product setting")
    raw = settings.get(name) if settings is not None else None
    if decl.env and (raw is None or raw == "" or raw == ()):
        env = os.environ.get(name)
        if env:
            raw = env.split(decl.env_separator) if decl.type == "list" else env
    return decl.parse(raw)


def check(settings: Any, declarations: Mapping[str, Setting]) -> dict[str, Any]:
    """Every declared setting's typed value; the first bad one raises SettingError."""
    return {name: value(settings, name, declarations) for name in declarations}


def languages_kept(codes: Iterable[str]) -> frozenset[str]:
    """HEALTH_KEEP_LANGUAGES as a set of lower-case codes; `*` (every language) stays `*`."""
    kept = frozenset(c.strip().lower() for c in codes if c.strip())
    return frozenset({ALL_LANGUAGES}) if ALL_LANGUAGES in kept else kept


def keeps_language(kept: frozenset[str], language: str) -> bool:
    return ALL_LANGUAGES in kept or language in kept


def markdown_table(settings: Iterable[Setting]) -> str:
    """The settings table of docs/operations.md."""
    lines = ["| setting | default | meaning |", "| --- | --- | --- |"]
    for s in settings:
        default = ",".join(s.default) if isinstance(s.default, tuple) else s.default
        shown = "unset" if default in ("", None) else f"`{default}`"
        lines.append(f"| `{s.name}` | {shown} | {s.doc} |")
    return "\n".join(lines) + "\n"

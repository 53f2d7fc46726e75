"""Every command in README.md and docs/*.md runs as written, and the README's loading snippets work.

Commands are taken from the documents' ```bash and ```cron blocks (not from this file), so a new or
changed command is checked without anyone updating a list here. Each is checked for shell syntax and
then, by what it runs, as far as is cheap and safe: our own command lines parse its arguments and
answer `--help`; the crawl's `-a`/`-s` go through the same checks `scrapy crawl` makes before
anything starts; `pip install` names packages or extras that exist; cron entries go through the real
`crontab -n`. The cron entry itself is run once, against the demo site, and the README's Python
snippets then load that crawl's datasets as written.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_LANGS = {"bash", "sh", "shell"}
# Programs documented for the reader's machine or another service; their commands are checked for
# syntax only. A command of any other program fails the test until it is handled below or listed here.
EXTERNAL = {"redis-server", "redis-cli", "rsync", "dask", "scrapyd", "curl", "git", "python3.11"}


@dataclass(frozen=True)
class Command:
    doc: str
    text: str  # one simple command, placeholders (NAME, RUN_ID, URL) as written

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text)

    def __str__(self) -> str:
        return f"{self.doc}: {self.text}"


def code_blocks(path: Path, langs: set[str]) -> list[str]:
    return [m.group(2) for m in re.finditer(r"^```(\w*)\n(.*?)^```", path.read_text(encoding="utf-8"), re.S | re.M)
            if m.group(1) in langs]


def shell_lines(block: str) -> list[str]:
    """The block's command lines: `\\` continuations joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    lines = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            lines.append(line)
    return lines


def simple_commands(line: str) -> list[str]:
    """A command line split at `&&`, `||`, `;`, `|` and a trailing `&`, without its redirections."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    parts, current, skip_next = [], [], False
    for token in lexer:
        if skip_next:
            skip_next = False
            continue
        if token in ("&&", "||", ";", "|", "&"):
            if current:
                parts.append(shlex.join(current))
            current = []
        elif token in ("<", ">", ">>", "2>"):
            skip_next = True  # the file a redirection names
        else:
            current.append(token)
    if current:
        parts.append(shlex.join(current))
    return parts


def documented_commands() -> list[Command]:
    out = []
    for path in DOCS:
        for block in code_blocks(path, SHELL_LANGS):
            for line in shell_lines(block):
                out += [Command(path.name, c) for c in simple_commands(line)]
    return out


def cron_entries() -> list[tuple[str, str]]:
    return [(path.name, line) for path in DOCS for block in code_blocks(path, {"cron"})
            for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=120, env=env, **kwargs)


def _program(argv: list[str]) -> list[str]:
    """argv without the virtual environment's path: `.venv/bin/scrapy` is `scrapy`."""
    return [Path(argv[0]).name if argv[0].startswith((".venv/", "venv/")) else argv[0], *argv[1:]]


def test_the_documents_have_commands():
    # The extraction itself must keep finding what the documents show, or the other tests check nothing.
    commands = [str(c) for c in documented_commands()]
    assert any("scrapy crawl health -a site=NAME" in c for c in commands)
    assert any("python -m cleaning run --output-dir outputs --run-id RUN_ID" in c for c in commands)
    assert any("scrapyd-deploy" in c for c in commands)
    assert cron_entries()
    assert simple_commands("a -x 'b c' && d < in.txt > out.txt | e &") == ["a -x 'b c'", "d", "e"]


@pytest.mark.parametrize("command", documented_commands(), ids=str)
def test_documented_command_runs_as_written(command: Command, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    assert _run(["sh", "-n", "-c", command.text]).returncode == 0, f"shell syntax: {command}"
    argv = _program(command.argv)
    program = argv[0]
    if program in ("cd", "mkdir", "export"):
        return
    if program in ("python", "python3") and argv[1:3] == ["-m", "cleaning"] or program == "health-clean":
        _check_cleaning(argv[3:] if program != "health-clean" else argv[1:], command)
    elif program in ("python", "python3") and argv[1:3] == ["-m", "crawler.distributed"]:
        assert _run([sys.executable, "-m", "crawler.distributed", "--help"]).returncode == 0
    elif program in ("python", "python3") and argv[1:3] == ["-m", "pytest"]:
        return  # the whole suite: this test is part of it
    elif program in ("python", "python3") and argv[1].endswith(".py"):
        script = REPO / argv[1]
        assert script.is_file(), f"{command}: no {argv[1]}"
        proc = _run([sys.executable, str(script), "--help"])
        assert proc.returncode == 0, f"{command}: {proc.stderr[-500:]}"
    elif program == "scrapy":
        monkeypatch.chdir(REPO)  # where scrapy.cfg is, as the documents say
        monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")  # restored after the test
        _check_crawl(argv[1:], command, tmp_path)
    elif program == "pip":
        _check_pip(argv[1:], command)
    elif program == "crontab":
        assert "-n" in argv, f"{command}: a documented crontab call must be the dry run (-n)"
    elif program == "scrapyd-deploy":
        assert (REPO / "scrapy.cfg").read_text().count("[deploy") and (REPO / "setup.py").is_file()
    else:
        assert program in EXTERNAL, f"{command}: {program} is neither checked here nor listed in EXTERNAL"


def _check_cleaning(args: list[str], command: Command) -> None:
    from cleaning.__main__ import build_parser

    try:
        build_parser().parse_args(args)
    except SystemExit as exc:
        raise AssertionError(f"{command}: its arguments do not parse") from exc
    sub = [a for a in args if not a.startswith("-")][:1]
    proc = _run([sys.executable, "-m", "cleaning", *sub, "--help"])
    assert proc.returncode == 0 and "python -m cleaning" in proc.stdout, command


def _check_crawl(args: list[str], command: Command, tmp_path: Path) -> None:
    """The checks `scrapy crawl` makes before it starts (crawler/commands/crawl.py), on these arguments."""
    from scrapy.utils.project import get_project_settings

    from crawler.arguments import check_settings
    from crawler.spiders.health import HealthSpider

    assert args[:2] == ["crawl", "health"], command
    spargs, overrides = {}, {}
    pairs = list(zip(args[2::2], args[3::2]))
    assert len(args[2:]) == 2 * len(pairs), command
    for flag, value in pairs:
        assert flag in ("-a", "-s", "-o", "-O"), f"{command}: unknown option {flag}"
        if flag in ("-o", "-O"):  # a feed: a file name with a known extension, or URI:FORMAT
            assert Path(value.split(":")[0]).suffix.lstrip(".") in ("jsonl", "json", "csv", "xml", "jl", "pickle", "marshal"), command
            continue
        name, sep, val = value.partition("=")
        assert sep, f"{command}: {flag} {value} is not NAME=VALUE"
        (spargs if flag == "-a" else overrides)[name] = val
    if spargs.get("site") == "NAME":  # the placeholder: any bundled profile
        spargs["site"] = "demo"
    # Paths of the reader's machine (/data/..., /shared/...) become folders of this test.
    for name in ("OUTPUT_DIR", "JOBDIR", "LOG_FILE"):
        if name in overrides:
            overrides[name] = str(tmp_path / overrides[name].lstrip("/"))
    if "HEALTH_REDIS_URL" in overrides:
        assert overrides["HEALTH_REDIS_URL"].startswith("redis://"), command
        overrides.pop("HEALTH_REDIS_URL")  # no Redis here; docs/distributed.md's tests run a real one
    settings = get_project_settings()
    settings.setdict({"OUTPUT_DIR": str(tmp_path / "outputs"), **overrides}, priority="cmdline")
    HealthSpider.check_arguments(spargs, settings)
    check_settings(settings)


def _check_pip(args: list[str], command: Command) -> None:
    assert args[0] == "install", command
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for arg in args[1:]:
        if arg == "-e":
            continue
        match = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", arg)
        if match:
            for extra in filter(None, (match.group(1) or "").split(",")):
                assert extra in project["optional-dependencies"], f"{command}: no extra {extra!r}"
            continue
        name = re.split(r"[\[<>=]", arg)[0]
        importlib.metadata.distribution(name)  # raises if the package does not exist (installed by [test])


# -- cron ---------------------------------------------------------------------------------------------

CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\d+(-\d+)?)(/\d+)?)*$")


def _cron_command(entry: str) -> str:
    fields = entry.split(None, 5)
    assert len(fields) == 6, f"not five time fields and a command: {entry}"
    for field, (low, high) in zip(fields[:5], [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]):
        assert CRON_FIELD.match(field), f"bad time field {field!r}: {entry}"
        assert all(low <= int(n) <= high for n in re.findall(r"(?<!/)\b\d+", field)), f"{field!r} out of range"
    command = fields[5]
    # cron turns an unescaped % into a newline: every % the shell should see is written \%
    assert not re.search(r"(?<!\\)%", command), f"unescaped % in {entry}"
    return command.replace("\\%", "%")


@pytest.mark.parametrize("doc,entry", cron_entries())
def test_cron_entry_is_valid(doc: str, entry: str, tmp_path: Path):
    command = _cron_command(entry)
    assert _run(["sh", "-n", "-c", command]).returncode == 0, entry
    crontab = shutil.which("crontab")
    if crontab and "-n" in _run([crontab, "-h"]).stderr:  # a dry run: checks the file, installs nothing
        (tmp_path / "crontab").write_text(entry + "\n")
        proc = _run([crontab, "-n", str(tmp_path / "crontab")])
        assert proc.returncode == 0, f"{doc}: crontab rejects {entry}: {proc.stderr}"
    # A log file's folder must exist before Scrapy opens it: the entry creates it first.
    for log_dir in re.findall(r"LOG_FILE=(\S+)/", command):
        before = command[:command.index("LOG_FILE=")]
        assert f"mkdir -p {log_dir}" in before, f"{doc}: the entry does not create {log_dir}"


@pytest.fixture(scope="module")
def cron_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The operations.md cron entry's command, run as cron would run it (sh -c), on this checkout:
    its paths moved under a temporary folder, the venv's programs this interpreter's."""
    (doc, entry), = [e for e in cron_entries() if e[0] == "operations.md"]
    root = tmp_path_factory.mktemp("cron")
    command = _cron_command(entry)
    command = command.replace("cd /srv/health-crawl", f"cd {shlex.quote(str(REPO))}")
    command = command.replace("/data/", f"{root}/data/")
    programs = {"scrapy": f"{shlex.quote(sys.executable)} -m scrapy",
                "python": shlex.quote(sys.executable)}
    command = re.sub(r"(?<![\w/])\.venv/bin/(scrapy|python)\b", lambda m: programs[m.group(1)], command)
    command = command.replace("scrapy crawl health", "scrapy crawl health -s HEALTH_GRAMMAR_BACKEND=offline")
    proc = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    # cron mails whatever a job prints: a run that succeeded prints nothing
    assert proc.stdout == "" and proc.stderr == "", proc.stdout[-2000:] + proc.stderr[-2000:]
    return root / "data" / "health"


def test_cron_entry_runs_and_keeps_its_log(cron_run: Path):
    logs = list((cron_run / "_logs").glob("*.log"))
    assert len(logs) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\d\.log", logs[0].name)
    assert re.search(r"run \S+ succeeded: ", logs[0].read_text())
    assert list((cron_run / "_runs").glob("*.json"))


# -- the README's loading snippets ----------------------------------------------------------------------

def python_snippets(path: Path, split: bool) -> list[str]:
    """A document's Python snippets: its ```python blocks, each blank-line-separated group of them a
    snippet of its own when `split` (the README's loading block is four snippets)."""
    blocks = code_blocks(path, {"python"})
    if not split:
        return blocks
    return [part.strip() + "\n" for block in blocks for part in re.split(r"\n\s*\n", block) if part.strip()]


def readme_snippets() -> list[str]:
    return python_snippets(REPO / "README.md", split=True)


SNIPPETS = [("README.md", s) for s in readme_snippets()] + [
    ("week.md", s) for s in python_snippets(REPO / "docs" / "week.md", split=False)]


# Runs a snippet as written and reports the rows of the tables it made (its variables, or the value of
# its last line when that is an expression, as in a notebook).
RUN_SNIPPET = """
import ast, sys
tree = ast.parse(sys.argv[1])
if isinstance(tree.body[-1], ast.Expr):
    tree.body[-1] = ast.Assign([ast.Name("_last", ast.Store())], tree.body[-1].value)
    ast.fix_missing_locations(tree)
ns = {}
exec(compile(tree, "README.md", "exec"), ns)
tables = [v for v in ns.values() if type(v).__module__.split(".")[0] in ("pandas", "pyarrow", "polars")]
print("ROWS", max((len(t) for t in tables), default=-1), file=sys.stderr)
"""


def test_readme_install_command_installs_what_the_snippets_import():
    install = next(c for c in documented_commands() if c.doc == "README.md" and "pip" in c.text
                   and "test" not in c.text)
    extras = set()
    for arg in install.argv:
        if m := re.fullmatch(r"\.\[([\w,-]+)\]", arg):
            extras |= set(m.group(1).split(","))
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"]) + [r for e in extras for r in project["optional-dependencies"][e]]
    names = {re.split(r"[\[<>=~ ]", r)[0].lower() for r in requirements}
    provides = importlib.metadata.packages_distributions()
    imported = {m for s in readme_snippets() for m in re.findall(r"^(?:import|from) (\w+)", s, re.M)}
    assert {"pandas", "duckdb", "polars", "pyarrow"} <= imported
    for module in imported:
        dists = {d.lower() for d in provides.get(module, [])}
        assert dists & names, f"README command 1 does not install {module} (from {sorted(dists)})"


@pytest.mark.parametrize("doc,snippet", SNIPPETS, ids=[f"{d}-{i}" for i, (d, _) in enumerate(SNIPPETS)])
def test_snippet_loads_a_crawls_datasets(doc: str, snippet: str, cron_run: Path, tmp_path: Path):
    (tmp_path / "outputs").symlink_to(cron_run)  # the snippets read outputs/ of the current folder
    proc = subprocess.run([sys.executable, "-c", RUN_SNIPPET, snippet], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = int(re.search(r"ROWS (-?\d+)", proc.stderr).group(1))
    if rows >= 0:  # it made a table: of the crawl's rows
        assert rows > 0, snippet
    elif "duckdb" in snippet:  # it prints its result: one group, the demo site's articles
        assert re.search(r"\bdemo\b.*\b\d+\b", proc.stdout), proc.stdout
    else:  # it prints what it read: the run's manifest
        assert "succeeded" in proc.stdout, proc.stdout

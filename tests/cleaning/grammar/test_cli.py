import io
import subprocess
import sys

from cleaning.grammar.cli import languagetool_settings, main


def run(monkeypatch, data: str, *args: str) -> tuple[str, int]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(data))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    rc = main(list(args))
    return out.getvalue(), rc


def cleaning(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaning", *args], input=stdin, capture_output=True, text=True,
                          timeout=300)


def test_one_output_line_per_input_line(monkeypatch, capsys):
    data = "It it rained .\n\n这是中文\nshe recieved a apple\n   \nlast line without newline"
    out, rc = run(monkeypatch, data, "--backend", "offline", "--batch-lines", "2")
    assert rc == 0
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == data.count("\n") + 1
    assert lines[0] == "It rained." and lines[1] == "" and lines[2] == "这是中文"
    assert "received an apple" in lines[3]
    assert "backend offline-harper" in capsys.readouterr().err


def test_rules_only_backend_and_protect(monkeypatch):
    out, rc = run(monkeypatch, "the the end\n", "--backend", "none")
    assert rc == 0 and out == "the end\n"


def test_python_m_cleaning_fix_grammar_takes_its_options():
    helped = cleaning("fix-grammar", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: python -m cleaning fix-grammar")
    assert "--backend" in helped.stdout and "--edits" in helped.stdout
    r = cleaning("fix-grammar", "--backend", "offline", "--edits", stdin="You should to rest.\nFang Fang came.\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "You should rest.\nFang Fang came.\n"
    assert "backend offline-harper" in r.stderr and "edit\tMT_MODAL_TO" in r.stderr
    r = cleaning("fix-grammar", "--backend", "none", stdin="the the end\n")
    assert r.returncode == 0 and r.stdout == "the end\n"
    bad = cleaning("fix-grammar", "--backend", "nonsense")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_languagetool_status_and_serve_without_an_install(tmp_path):
    r = cleaning("languagetool", "status", "--home", str(tmp_path))
    assert "LanguageTool" in r.stdout or "not available" in r.stdout
    assert cleaning("languagetool", "--help").returncode == 0
    assert "--port" in cleaning("languagetool", "serve", "--help").stdout


def test_only_the_entry_point_reads_the_environment(monkeypatch):
    from cleaning.grammar import GrammarOptions

    monkeypatch.setenv("HEALTH_LANGUAGETOOL_URL", "http://127.0.0.1:1")
    assert GrammarOptions().languagetool_url is None  # options take plain values
    got = languagetool_settings({"HEALTH_LANGUAGETOOL_URL": "http://x", "HEALTH_LANGUAGETOOL_API_KEY": "k"})
    assert got == {"languagetool_url": "http://x", "languagetool_api_key": "k"}


def test_a_backend_that_is_down_makes_fix_grammar_partial_and_says_it_once():
    lines = "He go to school.\nShe have a cat.\nThey is here.\n"
    r = cleaning("fix-grammar", "--backend", "languagetool", "--languagetool-url", "http://127.0.0.1:9",
                 "--run-budget", "5", stdin=lines)
    assert r.returncode == 3, r.stderr
    assert r.stdout == lines  # every line written, unfixed
    errors = [line for line in r.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, r.stderr  # the failure once, not once per line
    assert "partial: 3 lines written unfixed" in r.stderr

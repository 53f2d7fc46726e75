import io
import sys

from cleaning.grammar.cli import main


def run(monkeypatch, data: str, *args: str) -> tuple[str, int]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(data))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    rc = main(list(args))
    return out.getvalue(), rc


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

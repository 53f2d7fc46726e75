"""The LanguageTool backend against LanguageTool's documented /v2 JSON (served by a
loopback stand-in: no real LanguageTool runs here)."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from cleaning.grammar import (
    GrammarOptions,
    apply_edits,
    languagetool_status,
    local_languagetool_server,
    open_fixer,
)

from .conftest import FakeLanguageTool

TEXT = "She recieved a apple and he have a very unique nucleus pulposus. Dr Smithe agreed."


def test_languagetool_json_is_applied_through_the_policy(fake_lt):
    with open_fixer(GrammarOptions(backend="languagetool", languagetool_url=fake_lt.url)) as fixer:
        assert fixer.backend_name == "languagetool-6.4"
        r = fixer.fix(TEXT)
    # spelling (gated), a/an, agreement applied; style, medical term and name left alone
    assert r.text == "She received an apple and he has a very unique nucleus pulposus. Dr Smithe agreed."
    assert {e.rule_id for e in r.edits} == {"MORFOLOGIK_RULE_EN_US", "EN_A_VS_AN", "HE_VERB_AGR"}
    assert all(e.backend == "languagetool-6.4" for e in r.edits)
    assert apply_edits(TEXT, r.edits) == r.text
    params = fake_lt.checks[0]
    assert params["language"] == "en-US" and "STYLE" in params["disabledCategories"]


def test_rules_off_the_measured_map_are_never_applied(fake_lt):
    # "VERY_UNIQUE" (style) and any rule not in rules.json come back "unmeasured"
    from cleaning.grammar.policy import UNMEASURED, languagetool_category

    assert languagetool_category("SOME_NEW_RULE", "GRAMMAR") == (UNMEASURED, False)
    assert languagetool_category("MORFOLOGIK_RULE_EN_US", "TYPOS") == ("spelling", True)
    assert languagetool_category("EN_COMPOUNDS_SELF_ASSEMBLY", "MISC")[0] == "punctuation"


def test_auto_picks_languagetool_when_a_url_is_set(fake_lt, caplog):
    caplog.set_level("INFO", logger="cleaning.grammar")
    with open_fixer(GrammarOptions(languagetool_url=fake_lt.url)) as fixer:
        assert fixer.backend_name.startswith("languagetool-")
    assert "languagetool-6.4 runs" in caplog.text
    assert languagetool_status(fake_lt.url) == (True, "url")


def test_requests_are_batched_and_cached_across_runs(fake_lt, tmp_path):
    texts = [f"Article {i} says she recieved a apple. It was red. The end came." for i in range(30)]
    opts = GrammarOptions(backend="languagetool", languagetool_url=fake_lt.url, cache_dir=str(tmp_path),
                          batch_size=16)
    with open_fixer(opts) as fixer:
        first = fixer.fix_many(texts, ["en"] * len(texts))
        assert fixer.cache.hit_rate == 0.0
    n_sentences = len({s for t in texts for s in t.split(". ")})
    assert 1 < len(fake_lt.checks) <= -(-n_sentences // 16)  # batched, not one request per sentence
    assert all(r.text.startswith(f"Article {i} says she received an apple") for i, r in enumerate(first))
    before = len(fake_lt.checks)
    with open_fixer(opts) as fixer:  # a second run: everything from the cache
        second = fixer.fix_many(texts, ["en"] * len(texts))
        assert fixer.cache.hit_rate == 1.0
    assert len(fake_lt.checks) == before
    assert [r.text for r in second] == [r.text for r in first]
    assert [r.edits for r in second] == [r.edits for r in first]


def test_credentials_are_sent_and_not_logged(fake_lt, caplog):
    from cleaning.grammar.cli import languagetool_settings

    caplog.set_level("DEBUG")
    creds = languagetool_settings({"HEALTH_LANGUAGETOOL_USERNAME": "someone@example.org",
                                   "HEALTH_LANGUAGETOOL_API_KEY": "sekret-key-123"})
    opts = GrammarOptions(backend="languagetool", languagetool_url=fake_lt.url, **creds)
    assert "sekret" not in repr(opts)
    with open_fixer(opts) as fixer:
        fixer.fix("She recieved it.")
    assert fake_lt.checks[-1]["apiKey"] == "sekret-key-123"
    assert "sekret-key-123" not in caplog.text


def test_server_errors_leave_the_text_unfixed_with_a_status():
    with FakeLanguageTool() as server:
        opts = GrammarOptions(backend="languagetool", languagetool_url=server.url, request_timeout=5)
        with open_fixer(opts) as fixer:
            server.broken = True  # dies mid-run
            r = fixer.fix(TEXT)
            assert r.text == TEXT and r.edits == [] and r.status.startswith("error:backend_failed")
            server.broken = False  # and recovers
            assert fixer.fix(TEXT).status == "fixed"


def test_unreachable_languagetool_is_reported_not_raised():
    opts = GrammarOptions(backend="languagetool", languagetool_url="http://127.0.0.1:9", request_timeout=2)
    with open_fixer(opts) as fixer:
        assert fixer.backend_name == "unavailable-languagetool"
        r = fixer.fix("It it rained.")
    assert r.text == "It it rained." and r.status.startswith("error:backend_unavailable")


def test_auto_without_languagetool_uses_the_offline_backend(monkeypatch, tmp_path, caplog):
    from cleaning.grammar import lt_install

    monkeypatch.setattr(lt_install, "ltp_home", lambda: tmp_path / "ltp")
    caplog.set_level("INFO", logger="cleaning.grammar")
    home = tmp_path / "nothing"
    assert languagetool_status(None, home)[0] is False
    assert not home.exists() and not (tmp_path / "ltp").exists()  # detection downloads and creates nothing
    with open_fixer(GrammarOptions(languagetool_home=str(home))) as fixer:
        assert fixer.backend_name.startswith("offline-harper")
    assert "using the offline backend" in caplog.text


STAND_IN = textwrap.dedent(
    """
    import sys, json
    from http.server import BaseHTTPRequestHandler, HTTPServer
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a): pass
        def do_GET(self):
            body = json.dumps([{"name": "English", "code": "en", "longCode": "en-US"}]).encode()
            self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
            self.wfile.write(body)
    HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
    """
)


def test_one_local_server_per_run_is_stopped_cleanly(tmp_path):
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    with local_languagetool_server(command=[sys.executable, str(script), "{port}"], startup_timeout=20) as url:
        assert url.startswith("http://127.0.0.1:")
        import requests

        assert requests.get(url + "/v2/languages", timeout=5).ok
        out = subprocess.run(["pgrep", "-f", str(script)], capture_output=True, text=True).stdout.split()
        assert len(out) == 1
        pid = int(out[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped
    assert subprocess.run(["pgrep", "-f", str(script)], capture_output=True).returncode == 1


def test_a_server_that_exits_early_is_an_error(tmp_path):
    with pytest.raises(RuntimeError, match="exited early"):
        with local_languagetool_server(command=[sys.executable, "-c", "raise SystemExit(3)"], startup_timeout=10):
            pass


@pytest.mark.skipif(shutil.which("setpriv") is None or not sys.platform.startswith("linux"),
                    reason="util-linux setpriv (Linux) ties the server's life to its parent's")
def test_a_local_server_dies_with_a_killed_parent(tmp_path):
    import signal
    import time

    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    owner = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom cleaning.grammar.lt_server import local_languagetool_server\n"
         f"with local_languagetool_server(command=[sys.executable, {str(script)!r}, '{{port}}'], startup_timeout=20) as url:\n"
         "    print(url, flush=True)\n    time.sleep(120)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().startswith("http://127.0.0.1:")
        server = f"{script} [0-9]+$"  # the server's command line (the owner's holds the script's name too)
        [pid] = map(int, subprocess.run(["pgrep", "-f", server], capture_output=True, text=True).stdout.split())
        owner.send_signal(signal.SIGKILL)  # no cleanup of its own can run
        owner.wait(10)
        for _ in range(100):
            if subprocess.run(["pgrep", "-f", server], capture_output=True).returncode == 1:
                break
            time.sleep(0.1)
        assert subprocess.run(["pgrep", "-f", server], capture_output=True).returncode == 1, \
            f"the server (pid {pid}) outlived the process that started it"
    finally:
        owner.kill()
        owner.wait(10)
        owner.stdout.close()
        subprocess.run(["pkill", "-f", str(script)])


def _fake_mvn(tmp_path, monkeypatch, script: str) -> None:
    from cleaning.grammar import lt_install

    mvn = tmp_path / "bin" / "mvn"
    mvn.parent.mkdir()
    mvn.write_text("#!/bin/sh\n" + script)
    mvn.chmod(0o755)
    real_which = lt_install.shutil.which
    monkeypatch.setattr(lt_install.shutil, "which", lambda name: str(mvn) if name == "mvn" else real_which(name))


def _working_install(base):
    lib = base / "LanguageTool-6.6-maven" / "lib"
    lib.mkdir(parents=True)
    (lib / "languagetool-server-6.6.jar").write_text("old jar")
    return lib


def test_a_failed_reinstall_leaves_the_working_install_as_it_was(tmp_path, monkeypatch):
    from cleaning.grammar import lt_install

    lib = _working_install(tmp_path / "home")
    _fake_mvn(tmp_path, monkeypatch, "echo 'Could not transfer artifact: network is unreachable' >&2\nexit 1\n")
    with pytest.raises(lt_install.InstallError, match="network is unreachable"):
        lt_install._install_maven(tmp_path / "home", "6.6", say=lambda _: None)
    assert (lib / "languagetool-server-6.6.jar").read_text() == "old jar"
    assert sorted(p.name for p in (tmp_path / "home").iterdir()) == ["LanguageTool-6.6-maven"]  # no leftovers


def test_a_reinstall_replaces_the_jars_whole(tmp_path, monkeypatch):
    from cleaning.grammar import lt_install

    _working_install(tmp_path / "home")
    # the fake Maven writes the jars where it is told (-DoutputDirectory=...)
    _fake_mvn(tmp_path, monkeypatch, 'for a in "$@"; do case "$a" in -DoutputDirectory=*) d="${a#*=}";; esac; done\n'
                                      'mkdir -p "$d" && echo new > "$d/languagetool-server-6.6.jar" && echo x > "$d/lucene.jar"\n')
    found = lt_install._install_maven(tmp_path / "home", "6.6", say=lambda _: None)
    lib = tmp_path / "home" / "LanguageTool-6.6-maven" / "lib"
    assert found.classpath == f"{lib}/*"
    assert sorted(p.name for p in lib.iterdir()) == ["languagetool-server-6.6.jar", "lucene.jar"]
    assert (lib / "languagetool-server-6.6.jar").read_text() == "new\n"
    assert sorted(p.name for p in (tmp_path / "home").iterdir()) == ["LanguageTool-6.6-maven"]


def test_the_install_folder_is_taken_from_the_environment(tmp_path, monkeypatch):
    """HEALTH_LANGUAGETOOL_HOME moves where `languagetool install` writes and where `auto` looks (.ci/run sets it, so
    that running the suite leaves the machine's default backend as it was)."""
    import json

    from cleaning.grammar import lt_install

    monkeypatch.setattr(lt_install, "ltp_home", lambda: tmp_path / "no-ltp")  # not a download of its own
    monkeypatch.setenv("HEALTH_LANGUAGETOOL_HOME", str(tmp_path / "ci"))
    assert lt_install.default_home() == tmp_path / "ci"
    assert lt_install.find_install() is None
    lib = _working_install(tmp_path / "ci")
    (tmp_path / "ci" / lt_install.RECORD).write_text(json.dumps(
        {"directory": str(lib.parent), "classpath": f"{lib}/*", "version": "6.6", "source": "maven"}))
    assert lt_install.find_install().version == "6.6"
    monkeypatch.delenv("HEALTH_LANGUAGETOOL_HOME")
    assert lt_install.default_home() == lt_install.Path.home() / ".cache" / "health-crawl" / "languagetool"

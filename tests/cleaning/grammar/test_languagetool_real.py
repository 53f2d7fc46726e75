"""Against the real LanguageTool (installed by `python -m cleaning languagetool install`; .ci/run
installs it). Skipped, with the reason, where it is not installed or Java is missing."""

import shutil
import subprocess
import sys

import pytest

from cleaning.grammar import GrammarOptions, languagetool_status, local_languagetool_server, open_fixer
from cleaning.grammar.lt_install import find_install

INSTALL = find_install()
pytestmark = pytest.mark.skipif(
    INSTALL is None or shutil.which("java") is None,
    reason="LanguageTool is not installed here (python -m cleaning languagetool install; needs Java 17 and "
           "Maven or the LanguageTool download host)" if INSTALL is None else "no java on the PATH",
)


@pytest.fixture(scope="module")
def lt_url():
    with local_languagetool_server(startup_timeout=180) as url:
        yield url


@pytest.fixture(scope="module")
def lt(lt_url):
    with open_fixer(GrammarOptions(backend="languagetool", languagetool_url=lt_url, languagetool_start_local=False)) as f:
        yield f


def test_status_finds_the_install_and_auto_uses_it(lt_url):
    ok, how = languagetool_status(None)
    assert ok and how.startswith("local:")
    with open_fixer(GrammarOptions(backend="auto", languagetool_url=lt_url)) as fixer:
        assert fixer.backend_name.startswith("languagetool-6.")


@pytest.mark.parametrize(
    "before, after",
    [
        ("There is many reasons for back pain.", "There are many reasons for back pain."),
        ("You should to drink more water.", "You should drink more water."),
        ("The patients has a high fever.", "The patients have a high fever."),
        ("His blood pressure are too high.", "His blood pressure is too high."),
        ("It is a effective method.", "It is an effective method."),
        ("He have a headache after the the operation.", "He has a headache after the operation."),
        ("Take us into space -- five years.", "Take us into space \u2014 five years."),
    ],
)
def test_machine_translation_errors_are_repaired(lt, before, after):
    r = lt.fix(before)
    assert r.text == after, [(e.rule_id, e.original, e.replacement) for e in r.edits]
    assert r.backend.startswith("languagetool-6.")


@pytest.mark.parametrize(
    "text",
    [
        "I'm not going to show you images here, because black holes leave no trace.",
        "The method is easy to understand and you guys can download it.",
        "So maybe the chemicals in it are useful.",
        "The ministry will tighten its export controls next year.",
        "Fang Fang and Qiao Qiao planted ylang ylang; beri beri and mahi mahi were so so.",
        "Tianma, danshen, chaihu, fuling and chenpi are herbs; shen is a TCM term.",
        "A stye, gleet, rales, coix seeds and cuppings were noted.",
    ],
)
def test_no_harm_on_what_checkers_get_wrong(lt, text):
    r = lt.fix(text)
    assert r.text == text, [(e.rule_id, e.original, e.replacement) for e in r.edits]


def test_the_command_line_runs_languagetool(lt_url, tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "cleaning", "fix-grammar", "--backend", "languagetool", "--languagetool-url", lt_url,
         "--edits"],
        input="There is many reasons.\nFine text.\n", capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "There are many reasons.\nFine text.\n"
    assert "backend languagetool-6." in out.stderr and "edit\t" in out.stderr


def test_the_local_server_runs_with_a_bounded_heap(lt_url):
    """The server the product starts gets HEALTH_LANGUAGETOOL_HEAP_MB (512 by default) as its Java heap:
    left to Java, it takes a quarter of the machine's memory and held 1.3 GB after one run's checks."""
    from pathlib import Path

    port = lt_url.rsplit(":", 1)[1]
    servers = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"org.languagetool.server.HTTPServer" in argv and port.encode() in argv:
            servers.append([a.decode() for a in argv])
    assert len(servers) == 1 and "-Xmx512m" in servers[0], servers


def test_a_heap_of_zero_leaves_java_its_default():
    from cleaning.grammar.lt_server import server_command

    assert "-Xmx300m" in server_command(INSTALL, heap_mb=300)
    assert not any(arg.startswith("-Xmx") for arg in server_command(INSTALL, heap_mb=0))


def test_the_demo_bodies_gain_no_doubled_space_and_their_edits_rebuild_them(lt):
    """LanguageTool and the product's own rules often fix one missing space each ("better.If"): the
    text gets one space, and the recorded edits applied from the end rebuild it (docs/datasets.md)."""
    from crawler.demo import load_articles

    bodies = [a.body for a in load_articles() if a.lang == "en"]
    fixed = 0
    for body, r in zip(bodies, lt.fix_many(bodies, ["en"] * len(bodies))):
        assert r.text.count("  ") <= body.count("  "), [(e.rule_id, e.original, e.replacement) for e in r.edits]
        out = body
        for e in sorted(r.edits, key=lambda e: e.offset, reverse=True):
            out = out[:e.offset] + e.replacement + out[e.offset + e.length:]
        assert out == r.text
        fixed += r.status == "fixed"
    assert fixed >= len(bodies) // 2  # the demo is machine-translated English: most bodies get edits

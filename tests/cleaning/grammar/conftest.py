"""Shared helpers: a scripted backend, and a loopback LanguageTool stand-in that
answers with LanguageTool's documented /v2 JSON."""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cleaning.grammar.backends.base import check_joined


class ScriptedBackend:
    """Proposes what it is told: {word: (replacement, rule_id, category, gated)}."""

    name = "scripted-1"
    cache_id = "scripted-1"

    def __init__(self, script: dict[str, tuple[str, str, str, bool]], fail: bool = False) -> None:
        self.script = script
        self.fail = fail
        self.calls = 0
        self.closed = False

    def _check_text(self, text):
        out = []
        for word, (repl, rule, cat, gated) in self.script.items():
            for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                out.append(dict(offset=m.start(), length=len(word), replacements=[repl], rule_id=rule,
                                category=cat, gated=gated, message=""))
        return out

    def check(self, sentences):
        from cleaning.grammar.backends.base import BackendError

        self.calls += 1
        if self.fail:
            raise BackendError("scripted failure")
        return check_joined(sentences, self._check_text, 10_000, 64)

    def close(self):
        self.closed = True


def lt_match(text: str, word: str, repl: list[str], rule_id: str, category: str, issue: str) -> list[dict]:
    """Matches in LanguageTool's documented /v2/check format."""
    out = []
    for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
        s = max(0, m.start() - 20)
        out.append({
            "message": "Possible problem found.",
            "shortMessage": "",
            "replacements": [{"value": r} for r in repl],
            "offset": m.start(),
            "length": len(word),
            "context": {"text": text[s : m.end() + 20], "offset": m.start() - s, "length": len(word)},
            "sentence": text,
            "type": {"typeName": "Other"},
            "rule": {"id": rule_id, "description": "", "issueType": issue,
                     "category": {"id": category, "name": category.title()}},
            "ignoreForIncompleteSentence": False,
            "contextForSureMatch": 0,
        })
    return out


LT_SCRIPT = [
    ("recieved", ["received"], "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
    ("pulposus", ["purposes"], "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
    ("a apple", ["an apple"], "EN_A_VS_AN", "MISC", "misspelling"),
    ("he have", ["he has"], "HE_VERB_AGR", "GRAMMAR", "grammar"),
    ("very unique", ["unique"], "VERY_UNIQUE", "STYLE", "style"),
    ("Smithe", ["Smith"], "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
]


class FakeLanguageTool:
    """A tiny loopback server with LanguageTool's /v2/languages and /v2/check."""

    def __init__(self, broken: bool = False) -> None:
        self.requests: list[dict] = []
        self.broken = broken
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.startswith("/v2/languages"):
                    self._send(200, [{"name": "English (US)", "code": "en", "longCode": "en-US"}])
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                params = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(n).decode()).items()}
                outer.requests.append(params)
                if outer.broken:
                    self._send(500, b"Error: internal server error")
                    return
                text = params.get("text", "")
                matches = []
                for word, repl, rule, cat, issue in LT_SCRIPT:
                    matches += lt_match(text, word, repl, rule, cat, issue)
                self._send(200, {
                    "software": {"name": "LanguageTool", "version": "6.4", "buildDate": "2024-03-28",
                                 "apiVersion": 1, "status": "", "premium": False},
                    "language": {"name": "English (US)", "code": "en-US"},
                    "matches": sorted(matches, key=lambda m: m["offset"]),
                })

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    @property
    def checks(self) -> list[dict]:
        return [r for r in self.requests if r.get("text") != "This is a test."]


@pytest.fixture
def fake_lt():
    with FakeLanguageTool() as server:
        yield server


class HangingLanguageTool(FakeLanguageTool):
    """Answers /v2/languages and the start-up check, then never answers a check again (until closed)."""

    def __init__(self) -> None:
        super().__init__()
        import threading as _t

        self.release = _t.Event()
        outer = self
        handler = self.server.RequestHandlerClass
        plain_post = handler.do_POST

        def do_POST(self):  # noqa: N802 - http.server's naming
            n = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(n)
            params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
            if params.get("text") == "This is a test.":
                self.rfile = __import__("io").BytesIO(body)
                return plain_post(self)
            outer.requests.append(params)
            outer.release.wait(120)  # hang (bounded, so the test's server always stops)

        handler.do_POST = do_POST

    def __exit__(self, *exc):
        self.release.set()
        super().__exit__(*exc)

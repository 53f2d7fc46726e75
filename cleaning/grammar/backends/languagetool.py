"""The LanguageTool backend, through language-tool-python, against a server URL.

The server is either the one named by ``languagetool_url`` (a shared server, a
hosted one, or the run's local server started by `local_languagetool_server`), or
a local server this backend starts itself and stops on `close`.

Sentences are batched: several are joined into one /v2/check request and the
matches handed back to their sentences (`check_joined`). Only rules on the measured rule map
(rules.json ``languagetool_rules``) are applied; categories with none of them are not even run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from cleaning.redact import ScrubbingFilter, scrub

from ..lt_server import languagetool_status, local_languagetool_server
from ..options import GrammarOptions
from ..policy import languagetool_category, rule_table
from .base import BackendError, RawMatch, check_joined

log = logging.getLogger(__name__)
for _name in ("language_tool_python", "language_tool_python.server"):  # a filter acts on its own logger only
    logging.getLogger(_name).addFilter(ScrubbingFilter())  # the client logs server URLs, credentials too


# Categories LanguageTool need not run: none of their rules is on the measured map.
SKIPPED_LT_CATEGORIES = ("STYLE", "REDUNDANCY", "PLAIN_ENGLISH", "CREATIVE_WRITING", "TEXT_ANALYSIS",
                         "WIKIPEDIA", "GENDER_NEUTRALITY", "REPETITIONS_STYLE")


def _client_class() -> type:
    from language_tool_python import LanguageTool

    class _Client(LanguageTool):  # type: ignore[misc, valid-type]
        """language-tool-python's client, plus credentials, a timeout and the raw answer."""

        def __init__(self, url: str, language: str, timeout: float, username: str | None,
                     api_key: str | None) -> None:
            self._TIMEOUT = timeout  # type: ignore[misc]
            self._credentials = {"username": username, "apiKey": api_key} if username and api_key else {}
            super().__init__(language=language, remote_server=url)

        def _create_params(self, text: str) -> dict[str, str]:
            params = super()._create_params(text)
            params.update(self._credentials)
            return params

        def check_raw(self, text: str) -> tuple[dict[str, Any], list[Any]]:
            from language_tool_python.match import Match

            url = self._url + "check"
            # one try: a retry would double what a hung server costs (the fixer keeps the budget)
            response = self._query_server(url, self._create_params(text), num_tries=1, method="post")
            if not isinstance(response, dict) or "matches" not in response:
                raise BackendError(f"unexpected LanguageTool answer: {str(response)[:200]}")
            matches = []
            for m in response["matches"]:
                try:
                    matches.append(Match(dict(m), text))
                except (KeyError, TypeError) as e:
                    log.debug("skipping a malformed LanguageTool match: %s", e)
            return response, matches

    return _Client


class LanguageToolBackend:
    def __init__(self, options: GrammarOptions) -> None:
        self._stack = contextlib.ExitStack()
        url = options.languagetool_url
        try:
            if not url:
                ok, how = languagetool_status(None, options.languagetool_home)
                if not ok or not options.languagetool_start_local:
                    raise BackendError(f"LanguageTool not available: {how}")
                url = self._stack.enter_context(
                    local_languagetool_server(startup_timeout=options.startup_timeout, home=options.languagetool_home,
                                              heap_mb=options.languagetool_heap_mb)
                )
            client = _client_class()(
                url,
                options.languagetool_language,
                options.request_timeout,
                options.languagetool_username,
                options.languagetool_api_key,
            )
            client.disabled_categories = set(SKIPPED_LT_CATEGORIES)
            self._client = client
            response, _ = client.check_raw("This is a test.")
        except BackendError:
            self._stack.close()
            raise
        except Exception as e:
            self._stack.close()
            raise BackendError(scrub(f"LanguageTool did not start: {type(e).__name__}: {e}")) from e
        version = str(response.get("software", {}).get("version", "unknown"))
        self.name = f"languagetool-{version}"
        rules = json.dumps(rule_table(), sort_keys=True)  # a new rule map must not reuse old answers
        settings = f"{options.languagetool_language}|{','.join(SKIPPED_LT_CATEGORIES)}|{rules}"
        self.cache_id = f"languagetool-{version}-{hashlib.sha1(settings.encode()).hexdigest()[:10]}"
        self._batch_chars = options.batch_chars
        self._batch_size = options.batch_size

    def _check_text(self, text: str) -> list[RawMatch]:
        _, matches = self._client.check_raw(text)
        out: list[RawMatch] = []
        for m in matches:
            category, gated = languagetool_category(m.rule_id, m.category)
            out.append(
                RawMatch(
                    offset=int(m.offset),
                    length=int(m.error_length),
                    replacements=list(m.replacements),
                    rule_id=str(m.rule_id),
                    category=category,
                    gated=gated,
                    message=str(getattr(m, "message", "")),
                )
            )
        return out

    def check(self, sentences: Sequence[str]) -> list[list[RawMatch]]:
        try:
            return check_joined(sentences, self._check_text, self._batch_chars, self._batch_size)
        except BackendError:
            raise
        except Exception as e:
            raise BackendError(scrub(f"LanguageTool request failed: {type(e).__name__}: {e}")) from e

    def close(self) -> None:
        self._stack.close()

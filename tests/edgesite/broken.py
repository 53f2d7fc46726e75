"""Deliberately broken components, to try how the crawl treats an error in its own code (test_edges.py)."""

from __future__ import annotations

from typing import Any


class BrokenDownloaderMiddleware:
    """Raises a KeyError, as a buggy middleware would, for the article `edge-two`."""

    def process_request(self, request: Any, spider: Any = None) -> None:
        if "edge-two" in request.url:
            raise KeyError("health_missing_meta")
        return None


class BrokenPipeline:
    """Raises a TypeError for the listing page (its URL ends with /) before the pages pipeline sees it."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if item["url"].endswith("/"):
            raise TypeError("unsupported operand")
        return item

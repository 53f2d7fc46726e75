"""A fault-injection HTTP site served on loopback by the tests (see server.py)."""

from .content import Article, chinese_article, make_article
from .server import PUBLIC_HOST, FaultSite, Hit

__all__ = ["Article", "FaultSite", "Hit", "PUBLIC_HOST", "chinese_article", "make_article"]

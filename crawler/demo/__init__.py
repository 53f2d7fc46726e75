"""The bundled demo site: health articles in the seed's template, with the traps real sites have."""

from crawler.demo.content import DemoArticle, load_articles
from crawler.demo.server import DEMO_HOST, DemoServer

__all__ = ["DEMO_HOST", "DemoArticle", "DemoServer", "load_articles"]

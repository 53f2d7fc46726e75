"""Spiders of the health crawler (one generic spider, driven by a site profile or start URLs)."""

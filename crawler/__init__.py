"""Scrapy news archiver: capture to WARC, derive clean article text (docs/architecture.md)."""

__version__ = "0.1.0"

"""Pure text derivation: WARC capture -> Document -> text file (docs/architecture.md).

Nothing in this package imports Scrapy or Twisted: the crawl and the offline rebuild share it.
``derive`` and ``finalize`` are imported on first use: the crawl process needs only the data
model (``crawler.text.model``), not trafilatura, which its text workers import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["derive", "finalize"]


def __getattr__(name: str) -> Any:
    if name == "derive":
        from .derivation import derive

        return derive
    if name == "finalize":
        from .sitewide import finalize

        return finalize
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

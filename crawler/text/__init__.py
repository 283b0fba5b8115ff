"""Pure text derivation: WARC capture -> Document -> text file (docs/architecture.md).

Nothing in this package imports Scrapy or Twisted: the crawl and the offline rebuild share it.
"""

from .basic import derive
from .sitewide import finalize

__all__ = ["derive", "finalize"]

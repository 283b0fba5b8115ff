"""What a worker does when its Redis server goes away mid-crawl: stop, cleanly, losing nothing.

Glue shared by the scheduler, the WARC extension, the host guard and the text pipeline: the first
Redis error is logged as one line, the stats value ``crawl/failed`` makes ``scrapy crawl`` exit 1,
and the spider is closed. Pages already archived stay archived (the WARC extension writes the
record even when it cannot look up or update the state), and the leases of the requests the
worker held bring them back once Redis and a worker are back (docs/operations.md).
"""

from __future__ import annotations

import logging
import sqlite3

import redis
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

#: what callers catch: the state store failed, Redis (unreachable) or SQLite (a full or failing
#: disk: one line and a stopped crawl, not a traceback per page)
RedisError = (redis.RedisError, sqlite3.Error)


def redis_lost(crawler, exc: Exception) -> None:
    """Stop the crawl once, with one error line, at the first failure of the state store."""
    stats = crawler.stats
    if stats.get_value("crawl/failed", "").startswith(("redis", "state database")):
        return
    if isinstance(exc, sqlite3.Error):
        reason = f"state database failed ({exc})"
        hint = "free disk space or move ARCHIVE_DIR/state.sqlite away, then run it again"
    else:
        reason, hint = f"redis unreachable ({exc})", "restart when Redis is back"
    logger.error(
        "%(reason)s; stopping the crawl (what is archived stays; %(hint)s)",
        {"reason": reason, "hint": hint},
        extra={"spider": crawler.spider},
    )
    stats.set_value("crawl/failed", reason)
    try:
        engine = crawler.engine
    except (AttributeError, RuntimeError):  # Scrapy 2.19 raises until the crawl has started
        engine = None
    if engine is not None and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason="redis_unreachable"))

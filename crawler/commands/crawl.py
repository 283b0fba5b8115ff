"""``scrapy crawl NAME``: Scrapy's crawl command, with an exit status that tells the truth.

Scrapy exits 0 whenever the crawler bootstrapped, even when the archive could not be written.
Here any component that must fail the run sets the stats value ``crawl/failed`` to a short
reason (a WARC write error, an open circuit breaker); the command then prints one line and
exits 1 (docs/stats.md). A second crawl of an archive that a crawl is using refuses with one
line and exit status 2 (``crawler/state/lock.py``); the workers of a distributed crawl
(``REDIS_URL``) share it. A worker whose Redis server does not answer exits 2 with one line, and
so does a crawl whose ``STATE_CLOCK_OFFSET`` is not a duration.
"""

from __future__ import annotations

import re
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.state.clock import ClockError, parse_offset
from crawler.state.lock import ArchiveLock, ArchiveLocked


def redis_problem(url: str) -> str | None:
    """Why the Redis server at ``url`` cannot be used, in one line, or None."""
    import redis

    from crawler.state import redis_client

    try:
        redis_client(url).ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        shown = re.sub(r"//[^/@]*@", "//***@", url)  # no password in logs
        return f"REDIS_URL {shown}: Redis unreachable ({exc}); start redis-server or fix REDIS_URL"
    return None


class Command(ScrapyCrawlCommand):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        try:
            parse_offset(self.settings.get("STATE_CLOCK_OFFSET", 0))
        except ClockError as exc:
            sys.stderr.write(f"error: {exc}\n")
            self.exitcode = 2
            return
        redis_url = self.settings.get("REDIS_URL")
        if redis_url and (problem := redis_problem(redis_url)):
            sys.stderr.write(f"error: {problem}\n")
            self.exitcode = 2
            return
        crawler = self._create_crawler(args[0])
        lock = ArchiveLock(self.settings.get("ARCHIVE_DIR", "archive"), shared=bool(redis_url))
        try:
            lock.acquire()
        except ArchiveLocked as exc:
            sys.stderr.write(f"error: {exc}\n")
            self.exitcode = 2
            return
        try:
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            lock.release()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        reason = crawler.stats.get_value("crawl/failed") if crawler.stats else None
        if reason:
            sys.stderr.write(f"error: crawl of {args[0]} failed: {reason}\n")
            self.exitcode = 1

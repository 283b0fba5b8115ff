"""``scrapy crawl NAME``: Scrapy's crawl command, with an exit status that tells the truth.

Scrapy exits 0 whenever the crawler bootstrapped, even when the archive could not be written.
Here any component that must fail the run sets the stats value ``crawl/failed`` to a short
reason (a WARC write error, an open circuit breaker); the command then prints one line and
exits 1 (docs/stats.md). So does a crawl that did not do its work: nothing fetched (start URLs
refused, site unreachable, robots.txt), no page matching ``articles``, or stopped by a signal. A second crawl of an archive that a crawl is using refuses with one
line and exit status 2 (``crawler/state/lock.py``); the workers of a distributed crawl
(``REDIS_URL``) share it. A worker whose Redis server does not answer exits 2 with one line, and
so does a crawl whose ``STATE_CLOCK_OFFSET`` is not a duration.
"""

from __future__ import annotations

import re
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.state import archive_problem
from crawler.state.clock import ClockError, parse_offset
from crawler.state.lock import ArchiveLock, ArchiveLocked


def redis_problem(settings) -> str | None:
    """Why the Redis server of ``REDIS_URL`` cannot be used, in one line, or None (a client made
    as the crawl's, ``crawler.redisclient``, with the same ``REDIS_PARAMS``)."""
    import redis
    from scrapy_redis.connection import get_redis_from_settings

    try:
        get_redis_from_settings(settings).ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        shown = re.sub(r"//[^/@]*@", "//***@", settings["REDIS_URL"])  # no password in logs
        return f"REDIS_URL {shown}: Redis unreachable ({exc}); start redis-server or fix REDIS_URL"
    return None


def _unreachable(stats: dict) -> str | None:
    errors = {
        k.rsplit("/", 1)[1].rsplit(".", 1)[-1].rstrip("'>")
        for k in stats
        if k.startswith(("downloader/exception_type_count/", "robotstxt/exception_count/"))
    }
    errors.discard("IgnoreRequest")  # a decision of a middleware (robots, scope), not of the network
    return ", ".join(sorted(errors)) or None


def why_it_did_nothing(stats: dict, source: str) -> str | None:
    """Why a crawl that ran to its end did not do its work, in one line, or None (it did).

    Nothing fetched: every start point refused (the seed key that would allow it is named), the
    site unreachable, robots.txt disallowing it; pages fetched but none an article page (one
    fetched URL is named: the `articles` rule is the likely culprit). A crawl stopped by a
    signal has not finished either."""
    if stats.get("finish_reason") == "shutdown":
        return "interrupted before it finished (what it archived is kept: run it again to resume)"
    pages, articles = stats.get("spider/pages", 0), stats.get("spider/article_pages", 0)
    skipped = stats.get("incremental/skipped/fresh", 0)
    if pages == 0 and skipped == 0:
        if stats.get("scope/refused/private-address-connected") and not stats.get("scope/refused/private-address"):
            return (
                "nothing archived: the connections went to private addresses although the names resolved "
                "to public ones (DNS rebinding?); nothing from them was archived"
            )
        if stats.get("scope/refused/private-address"):
            return (
                f"nothing archived: start URLs refused as private addresses; set `allow_private: true` "
                f"in the seed of {source} to crawl a site on this machine or network"
            )
        if stats.get("scope/refused/offsite") or stats.get("offsite/filtered"):
            return "nothing archived: start URLs (or their redirects) lead outside the seed's `allowed_domains`"
        if errors := _unreachable(stats):
            return f"nothing archived: site unreachable ({errors})"
        if stats.get("robots/unreachable"):
            return "nothing archived: robots.txt answered 5xx, so the site is disallowed for this crawl (RFC 9309)"
        if stats.get("robotstxt/forbidden"):
            return "nothing archived: robots.txt disallows every start URL (seed key `politeness.robots`)"
        return "nothing archived: no start URL was fetched (see the report in ARCHIVE_DIR/reports/)"
    if articles == 0 and skipped == 0:
        example = stats.get("spider/example_page", "")
        return (
            f"{pages} page(s) fetched but none matched the seed's `articles` rule "
            f"(for instance {example}): no article archived"
        )
    return None


def feed_problem(stats: dict, feeds: dict) -> str | None:
    """Why the feeds asked for (``-o``/``FEEDS``) hold nothing, in one line, or None: a feed that
    could not be stored, or no item at all (an unchanged re-crawl derives no article again)."""
    if not feeds:
        return None
    if failed := sorted(k.rsplit("/", 1)[1] for k in stats if k.startswith("feedexport/failed_count/")):
        return f"the feed could not be stored ({', '.join(failed)}; see the log)"
    if not stats.get("item_scraped_count"):
        return (
            f"no item written to {', '.join(sorted(feeds))}: no article was derived in this crawl "
            "(`scrapy export` writes every article of the archive)"
        )
    return None


class Command(ScrapyCrawlCommand):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        try:
            parse_offset(self.settings["STATE_CLOCK_OFFSET"])
        except ClockError as exc:
            sys.stderr.write(f"error: {exc}\n")
            self.exitcode = 2
            return
        redis_url = self.settings["REDIS_URL"]
        if redis_url and (problem := redis_problem(self.settings)):
            sys.stderr.write(f"error: {problem}\n")
            self.exitcode = 2
            return
        archive = self.settings["ARCHIVE_DIR"]
        if problem := archive_problem(archive, redis_url):
            sys.stderr.write(f"error: {problem}\n")
            self.exitcode = 2
            return
        crawler = self._create_crawler(args[0])
        locks = [ArchiveLock(archive, shared=True), ArchiveLock(archive, shared=bool(redis_url), source=args[0])]
        try:
            for lock in locks:
                lock.acquire()
        except ArchiveLocked as exc:
            for lock in locks:
                lock.release()
            sys.stderr.write(f"error: {exc}\n")
            self.exitcode = 2
            return
        try:
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            for lock in locks:
                lock.release()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        stats = crawler.stats.get_stats() if crawler.stats else {}
        source_spider = getattr(crawler.spider, "source", None) is not None  # not a test or plugin spider
        reason = stats.get("crawl/failed") or (why_it_did_nothing(stats, args[0]) if stats and source_spider else None)
        reason = reason or feed_problem(stats, self.settings.getdict("FEEDS"))
        if reason:
            sys.stderr.write(f"error: crawl of {args[0]} failed: {reason}\n")
            self.exitcode = 1

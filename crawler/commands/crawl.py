"""``scrapy crawl NAME``: Scrapy's crawl command, with an exit status that tells the truth.

Scrapy exits 0 whenever the crawler bootstrapped, even when the archive could not be written.
Here any component that must fail the run sets the stats value ``crawl/failed`` to a short
reason (a WARC write error, a locked archive, an open circuit breaker); the command then prints
one line and exits 1 (docs/stats.md).
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand


class Command(ScrapyCrawlCommand):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        reason = crawler.stats.get_value("crawl/failed") if crawler.stats else None
        if reason:
            sys.stderr.write(f"error: crawl of {args[0]} failed: {reason}\n")
            self.exitcode = 1

"""Glue: the source spider's page requisites (images, stylesheets, scripts, fonts of article pages).

Mixed into :class:`crawler.spiders.SourceSpider`. An article page's requisites (crawler/requisites.py)
are requested once per crawl each (deduplicated by URL across pages; a re-crawl revalidates them,
so an unchanged one is a revisit record), within ``allowed_domains``; robots.txt, the scope fence
and the host guard apply to them as to any request. A stylesheet's own ``url()`` references
(fonts, backgrounds) are requested too, one level. Their responses are archived and nothing else:
never a text file, never a manifest line. Seed option ``requisites`` (docs/seeds.md).

Settings: ``REQUISITES_PER_PAGE`` (``100``): at most this many requisites requested for one page
or stylesheet; ``REQUISITES_MAX`` (``10000``): at most this many in one crawl. Stats
``requisites/{requested,captured,failed,capped,offsite}`` (docs/stats.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.response import get_base_url

from crawler.requisites import css_requisites, is_stylesheet, page_requisites

logger = logging.getLogger(__name__)

#: request meta key of a requisite's request: its depth (0: referenced by a page, 1: by a stylesheet)
META = "requisite"


class RequisitesMixin:
    """Requests an article page's requisites; see the module docstring."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._requisites_seen: set[str] = set()  # requested in this crawl (the dupefilter would drop them too)

    def _requisite_limits(self) -> tuple[int, int]:
        settings = self.crawler.settings
        return settings.getint("REQUISITES_PER_PAGE"), settings.getint("REQUISITES_MAX")

    def page_requisites(self, response: Response) -> Iterator[Request]:
        """Requests for the requisites of an article page not requested before in this crawl."""
        if not self.source.requisites or not isinstance(response, TextResponse):
            return
        yield from self._requisite_requests(page_requisites(response.text, get_base_url(response)), 0)

    def _requisite_requests(self, urls: list[str], depth: int) -> Iterator[Request]:
        stats = self.crawler.stats
        per_page, total = self._requisite_limits()
        seen = self._requisites_seen
        asked = 0
        for url in urls:
            if url in seen or url in self._seen:
                continue
            if not self.source.allows(url):
                stats.inc_value("requisites/offsite")
                continue
            if asked >= per_page or len(seen) >= total:
                stats.inc_value("requisites/capped")
                continue
            seen.add(url)
            asked += 1
            stats.inc_value("requisites/requested")
            yield Request(
                url, callback=self.parse_requisite, errback=self.requisite_failed, priority=-1, meta={META: depth}
            )

    def parse_requisite(self, response: Response) -> Iterator[Request]:
        """Archived by the WARC extension already; a stylesheet adds its own references."""
        stats = self.crawler.stats
        if response.status in (200, 304) or "revisit" in response.flags or response.meta.get("revisit"):
            stats.inc_value("requisites/captured")
        else:
            stats.inc_value("requisites/failed")
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if response.meta.get(META) == 0 and response.status == 200 and is_stylesheet(response.url, content_type):
            css = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
            yield from self._requisite_requests(css_requisites(css, response.url), 1)

    def requisite_failed(self, failure) -> None:
        """A requisite that could not be fetched costs only itself."""
        self.crawler.stats.inc_value("requisites/failed")
        logger.debug("%s: page requisite not fetched (%s)", failure.request.url, failure.value, extra={"spider": self})

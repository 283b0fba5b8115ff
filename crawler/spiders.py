"""The generic source spider: start URLs, feeds and sitemaps, follow rules and article rules.

One subclass per seed file is made by :mod:`crawler.spiderloader`; the seed reference is in
docs/seeds.md. Links are filtered (scope, rules, already seen) before a Request is built, because
building and de-duplicating Requests is what dominates a plain Scrapy crawl's CPU (docs/performance.md).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url
from scrapy.utils.sitemap import Sitemap
from scrapy.utils.url import url_has_any_extension
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

from crawler.items import Archived, Page
from crawler.requisitespider import RequisitesMixin
from crawler.sources import Source
from crawler.text.continuation import MAX_PAGES, Pages, find, key
from crawler.text.model import TextError
from crawler.text.payload import undo
from crawler.traps import trap

logger = logging.getLogger(__name__)

#: Sitemaps and feeds bigger than this (after gunzip) are not parsed; they are still archived.
MAX_SITEMAP_SIZE = 50 * 1024 * 1024
#: Verdicts on links remembered (see SourceSpider.links); the memo is emptied when it reaches this.
LINK_MEMO_SIZE = 200_000
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass
class Article:
    """A multi-page article being captured: its pages are requested one after another, and the
    Page is yielded after the last (request meta ``article``; docs/architecture.md)."""

    url: str
    todo: list[str]
    got: list = field(default_factory=list)  # Located | Archived of each page, the first included
    fresh: bool = False  # some page is a new capture: there is something to derive


def source_settings(source: Source) -> dict[str, Any]:
    """Per-source Scrapy settings (spider priority) from the seed's limits and politeness."""
    return {
        "DOWNLOAD_DELAY": source.delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.concurrency,
        "ROBOTSTXT_OBEY": source.robots,
        "DEPTH_LIMIT": source.max_depth,
        "CLOSESPIDER_PAGECOUNT": source.max_pages,
    }


#: root elements of the feeds read (namespaces removed): RSS 2.0, Atom, RSS 1.0 (RDF)
FEED_ROOTS = ("rss", "feed", "RDF")


def _xml_text(response: Response, body: bytes) -> str:
    """A feed's text: the response's own decoding, or UTF-8 for a body that was gunzipped here."""
    if isinstance(response, TextResponse) and body is response.body:
        return response.text
    return body.decode("utf-8", "replace")


class SourceSpider(RequisitesMixin, Spider):
    """Crawls one :class:`~crawler.sources.Source`; yields a :class:`Page` per article page."""

    source: Source

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.allowed_domains = list(self.source.allowed_domains)
        self._links = LinkExtractor(
            allow=self.source.follow + self.source.articles,
            deny=self.source.deny,
            unique=True,
        )
        self._seen: set[str] = set()
        self._verdicts: dict[tuple, str | None] = {}

    async def start(self) -> AsyncIterator[Request]:
        for url in self.source.start_urls:
            yield self._request(url, self.parse)
        for url in self.source.feeds:
            yield self._request(url, self.parse_feed)
        for url in self.source.sitemaps:
            yield self._request(url, self.parse_sitemap)

    def _request(self, url: str, callback, **kwargs: Any) -> Request:
        self._seen.add(url)
        return Request(url, callback=callback, **kwargs)

    def _follow(self, urls: list[str]) -> Iterator[Request]:
        """Requests for links not seen before, within the rules (article or list page)."""
        for url in urls:
            if url not in self._seen and self.source.allows(url):
                yield self._request(url, self.parse)

    def parse(self, response: Response) -> Iterator[Page | Request]:
        # a revisit (304, or the same payload again) has the text it had: nothing to derive
        revisit = "revisit" in response.flags or response.meta.get("revisit")
        self._count(response.url)
        if response.status == 200 and self.source.is_article(response.url):
            found = self._pages(response)
            if found is not None and found.continuation:  # never a text of its own: its article is
                self.crawler.stats.inc_value("spider/continuation_pages")
                if found.first not in self._seen and self.source.allows(found.first):
                    yield self._request(found.first, self.parse)
            elif found is not None:
                yield from self._start_article(response, found, not revisit)
            elif not revisit:
                yield Page(url=response.url, source=self.name, capture=response.meta.get("capture"))
            yield from self.page_requisites(response)  # images, stylesheets, scripts (seed: requisites)
        if isinstance(response, TextResponse):
            yield from self._follow(self.links(response))

    # -- multi-page articles: continuation pages are requested with their article, one after the
    # other (never dropped as young or already seen: they follow their first page's verdict)

    def _pages(self, response: Response) -> Pages | None:
        if not isinstance(response, TextResponse):
            return None
        found = find(response.url, response.text)  # parsed only when it may have a page bar
        return found if found is not None and (found.pages or found.single or found.continuation) else None

    def _start_article(self, response: Response, found: Pages, fresh: bool) -> Iterator[Page | Request]:
        todo = [
            url
            for url in [*([found.single] if found.single else []), *found.pages]
            if url != response.url and self.source.allows(url)
        ]
        article = Article(response.url, todo, [self._captured(response)], fresh)
        self._seen.update(todo)
        self.crawler.stats.inc_value("spider/multipage_articles")
        yield from self._next_page(article)

    def _captured(self, response: Response) -> Any:
        """The page's new capture, or the archived record of a revisit."""
        capture = response.meta.get("capture")
        known = response.meta.get("incremental_known")
        if capture is None and known is not None and known.record_id:
            return Archived(response.url, known.warc_file, known.warc_offset, known.warc_date)
        return capture

    def _next_page(self, article: Article) -> Iterator[Page | Request]:
        if article.todo:
            url = article.todo.pop(0)
            self.crawler.stats.inc_value("spider/continuation_requests")
            yield Request(
                url, callback=self.parse_page, errback=self.page_failed, dont_filter=True, meta={"article": article}
            )
        elif article.fresh:
            first = article.got[0]
            yield Page(
                url=article.url,
                source=self.name,
                capture=None if isinstance(first, Archived) else first,
                pages=tuple(p for p in article.got if p is not None),
            )

    def parse_page(self, response: Response) -> Iterator[Page | Request]:
        """A continuation page (or the single-page version) of ``meta["article"]``."""
        article: Article = response.meta["article"]
        self._count(response.url)
        if response.status == 200:
            captured = self._captured(response)
            if captured is not None:
                article.got.append(captured)
                article.fresh |= not ("revisit" in response.flags or response.meta.get("revisit"))
            found = self._pages(response)
            if found is not None and found.first == article.url:
                known = {article.url, *article.todo, *(p.url for p in article.got if p is not None)}
                room = MAX_PAGES - len(known)  # a bar that keeps naming new pages ends here
                new = [url for url in found.pages if url not in known and self.source.allows(url)][: max(room, 0)]
                article.todo = sorted([*article.todo, *new], key=_page_number)
                self._seen.update(new)
            yield from self.page_requisites(response)
        yield from self._next_page(article)

    def page_failed(self, failure) -> Iterator[Page | Request]:
        """A continuation page that could not be fetched costs only itself."""
        yield from self._next_page(failure.request.meta["article"])

    def _count(self, url: str) -> None:
        """Pages that reached the spider, and how many were article pages: an empty crawl says
        which (``scrapy crawl``'s exit status)."""
        stats = self.crawler.stats
        stats.inc_value("spider/pages")
        if self.source.is_article(url):
            stats.inc_value("spider/article_pages")
        elif stats.get_value("spider/example_page") is None:
            stats.set_value("spider/example_page", url)

    def links(self, response: TextResponse) -> list[str]:
        """The URLs of the page's ``<a>``/``<area>`` links that the rules admit, in page order,
        once each: what ``LinkExtractor.extract_links`` gives, at a fraction of its cost.

        LinkExtractor's work per link (two urljoins, safe_url_string, ~90 extension checks, the
        rule regexes) was most of a crawl's CPU on link-rich news pages, and it is the same for
        the same href on every page of a site (navigation, related lists): here it runs once per
        distinct href (per base URL for path-relative ones) and the verdict is remembered."""
        base = get_base_url(response)
        parts = urlsplit(base)
        encoding = response.encoding
        found: dict[str, None] = {}
        # a Selector of our own, not response.selector: that one stays cached on the response, and
        # a response stays in memory until its page is derived; ~80 parsed trees (~1 MB each)
        # waiting for a text worker were most of the crawl process's memory
        for element in Selector(response).root.iter("a", "area"):
            href = element.get("href")
            if href is None:
                continue
            href = strip_html5_whitespace(href)
            if _SCHEME.match(href):
                key = (encoding, "", href)
            elif href.startswith("//"):
                key = (encoding, parts.scheme, href)
            elif href.startswith("/"):
                key = (encoding, f"{parts.scheme}://{parts.netloc}", href)
            else:
                key = (encoding, base, href)
            try:
                url = self._verdicts[key]
            except KeyError:
                if len(self._verdicts) >= LINK_MEMO_SIZE:
                    self._verdicts.clear()
                url = self._verdicts[key] = self._admitted(base, response.url, encoding, href)
            if url is not None:
                found[url] = None
        return list(found)

    def _admitted(self, base: str, page_url: str, encoding: str, href: str) -> str | None:
        """The absolute URL of ``href`` as LinkExtractor makes it, or None when its rules refuse it."""
        try:
            url = urljoin(page_url, safe_url_string(urljoin(base, href), encoding=encoding))
        except ValueError:
            return None
        if urlsplit(url).scheme not in ("http", "https") or not self._links.matches(url):
            return None
        if url_has_any_extension(url, self._links.deny_extensions):
            return None
        if reason := trap(url):  # remembered with the verdict: counted once per distinct link
            self.crawler.stats.inc_value(f"spider/trap/{reason}")
            logger.debug("%s: not followed (crawler trap: %s)", url, reason, extra={"spider": self})
            return None
        return url

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0 ``<item><link>`` and Atom ``<entry><link href>``: every entry in scope."""
        body = self._xml_body(response, "feed")
        if body is None:
            return
        try:
            selector = Selector(text=_xml_text(response, body), type="xml")
            selector.remove_namespaces()
            root = selector.xpath("name(/*)").get()
        except Exception:  # noqa: BLE001  lxml raises several types on non-XML bodies
            root = None
        if root not in FEED_ROOTS:
            self._refuse(response, "feed", "not an RSS or Atom feed")
            return
        urls = selector.xpath("//item/link/text() | //entry/link/@href").getall()
        yield from self._follow(self._in_scope(response, urls))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemaps and sitemap indexes (docs: sitemaps.org protocol), gzipped or not."""
        body = self._xml_body(response, "sitemap")
        if body is None:
            return
        try:
            sitemap = Sitemap(body)
        except Exception:  # noqa: BLE001  lxml raises several types on non-XML bodies
            sitemap = None
        if sitemap is None or sitemap.type not in ("urlset", "sitemapindex"):
            self._refuse(response, "sitemap", "not a sitemap")
            return
        urls = [entry["loc"] for entry in sitemap if "loc" in entry]
        if sitemap.type == "sitemapindex":
            for url in urls:
                if url not in self._seen:
                    yield self._request(url, self.parse_sitemap)
            return
        yield from self._follow(self._in_scope(response, urls))

    def _xml_body(self, response: Response, what: str) -> bytes | None:
        """The body of a feed or sitemap, gunzipped when it is a .gz file (at most
        MAX_SITEMAP_SIZE bytes); None, after one warning line, when it cannot be had."""
        body = response.body
        try:
            if body[:2] == b"\x1f\x8b":  # scrapy's gunzip would give a cut file's first part silently
                body = undo(body, "gzip", MAX_SITEMAP_SIZE, response.url)
        except TextError as exc:
            detail = str(exc).removeprefix(f"{response.url}: ")
            why = (
                f"larger than {MAX_SITEMAP_SIZE} bytes decompressed"
                if exc.reason == "too-large"
                else f"damaged gzip data ({detail})"
            )
            self._refuse(response, what, why)
            return None
        if len(body) > MAX_SITEMAP_SIZE:
            self._refuse(response, what, f"larger than {MAX_SITEMAP_SIZE} bytes")
            return None
        return body

    def _refuse(self, response: Response, what: str, why: str) -> None:
        """One warning line naming the feed or sitemap; the crawl goes on with its other start points."""
        logger.warning("%s: %s: %s, ignored", response.url, what, why, extra={"spider": self})
        self.crawler.stats.inc_value(f"spider/ignored/{what}")

    def _in_scope(self, response: Response, urls: list[str]) -> list[str]:
        """Absolute URLs of feed/sitemap entries that the source's rules admit."""
        return [
            url
            for url in (response.urljoin(u.strip()) for u in urls)
            if self._links.matches(url) and self.source.allows(url)
        ]


def _page_number(url: str) -> tuple[int, str]:
    found = key(url)
    return (found.raw if found is not None and isinstance(found.raw, int) else 0), url

"""Keep every request inside its source: scheme, allowed domains, and no private addresses.

Scrapy's OffsiteMiddleware lets ``dont_filter=True`` requests (and their redirects) through and
never looks at where a host points. An archiver fetching hostile sites needs a hard fence, so
this middleware refuses, for every request including redirect hops:

- schemes other than http and https (``file:``, ``data:``, ``ftp:`` ...);
- hosts outside the source's ``allowed_domains`` (also with ``dont_filter=True``); robots.txt of
  an allowed host is allowed;
- loopback, private, link-local, multicast and reserved IP literals (``127.0.0.1``, ``10.x``,
  ``[::1]``, ``169.254.x``, in every spelling a resolver accepts: ``2130706433``, ``0x7f.1``,
  ``127.1``, ``[::ffff:127.0.0.1]``) and ``localhost``, unless the source sets ``allow_private: true``.

A name is also checked on the address it resolves to, before any connection (DNS rebinding: a
public-looking name that resolves to ``127.0.0.1`` or ``10.x``), unless the source sets
``allow_private: true``: the lookup goes through the crawl's own resolver (Scrapy's
``TWISTED_DNS_RESOLVER``, asynchronous, caching), and the connection then takes its address from the
same cache. A name that does not resolve is left to the download, which fails as a DNS error.

The address actually connected to is checked too, after the download (``response.ip_address``,
which Scrapy's HTTP/1.1 handler sets), because a resolver may answer the connection otherwise
than the check (a resolver that rebinds between two lookups, a cache entry that expired): a
response from a loopback or private address the source does not allow is never archived, never
reaches the spider and never becomes text. ScopeMiddleware marks each request it lets through
(``meta["scope_allow_private"]``); the WARC extension, which sees the download first
(``response_downloaded`` fires before any ``process_response``), writes no record for a marked
request whose response came from such an address, and ConnectedAddressMiddleware (priority 950:
its ``process_response`` runs before every other middleware's) drops the response with one
warning and ``scope/refused/private-address-connected``. Through a proxy (``meta["proxy"]``) the
address is the proxy's and is not checked.

Settings: ``SCOPE_ENABLED`` (default True), ``SCOPE_RESOLVE`` (default True: check resolved
addresses). Stats: ``scope/refused/{reason}``.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.sources import host_in_domains

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: a host made only of the characters of numeric IPv4 spellings (a name has a letter beyond a-f/x)
_IPV4_SPELLING = re.compile(r"[0-9a-fx.]+")


def refusal(url: str, allowed_domains: tuple[str, ...], allow_private: bool) -> str | None:
    """Why ``url`` must not be fetched (a short reason), or None when it may be."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "scheme"
    host = (parts.hostname or "").lower()
    if not host:
        return "no-host"
    if not allow_private and _is_private(host):
        return "private-address"
    if allowed_domains and not host_in_domains(host, allowed_domains):
        return "offsite"
    return None


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` names as a resolver reads it, or None for a name. Besides the
    dotted quad, the C resolver (inet_aton) takes decimal (``2130706433``), octal (``0177.0.0.1``),
    hex (``0x7f.1``) and shortened (``127.1``) IPv4 spellings: a fence that knows only the dotted
    quad lets them through to 127.0.0.1."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if not _IPV4_SPELLING.fullmatch(host):
            return None
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:127.0.0.1 is 127.0.0.1
        address = address.ipv4_mapped
    return address


def _is_private(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address = _address(host)
    if address is None:
        return False
    return not address.is_global or address.is_multicast


#: request meta set by ScopeMiddleware on every request it lets through: the source's allow_private
META = "scope_allow_private"


def connected_refusal(request: Request, response: Response) -> str | None:
    """The address ``response`` came from when the connection must not have been made (a loopback
    or private address, for a request ScopeMiddleware passed without ``allow_private``); None when
    it may have been, when there is no address (a handler that does not tell) or a proxy's."""
    ip = getattr(response, "ip_address", None)
    if request.meta.get(META, True) or ip is None or request.meta.get("proxy"):
        return None
    return str(ip) if _is_private(str(ip)) else None


class ScopeMiddleware:
    """Downloader middleware refusing out-of-scope requests (see module docstring)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.resolve = crawler.settings.getbool("SCOPE_RESOLVE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("SCOPE_ENABLED"):
            raise NotConfigured("SCOPE_ENABLED is off")
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = self.crawler.spider
        source = getattr(spider, "source", None)
        domains = tuple(source.allowed_domains) if source else tuple(getattr(spider, "allowed_domains", None) or ())
        allow_private = bool(source and source.allow_private)
        reason = refusal(request.url, domains, allow_private)
        if reason is not None:
            self._refuse(request, reason)
        request.meta[META] = allow_private
        host = (urlsplit(request.url).hostname or "").lower()
        if allow_private or not self.resolve or _address(host) is not None:
            return None
        return self._check_resolved(request, host)  # a coroutine: Scrapy awaits it

    async def _check_resolved(self, request: Request, host: str) -> None:
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.error import DNSLookupError

        try:
            resolved = await maybe_deferred_to_future(reactor.resolver.getHostByName(host))
        except DNSLookupError:
            return None  # the download fails the same way, as the site's (network's) failure
        if _is_private(str(resolved)):
            self._refuse(request, "private-address", f", resolves to {resolved}")

    def _refuse(self, request: Request, reason: str, detail: str = "") -> None:
        spider = self.crawler.spider
        self.crawler.stats.inc_value(f"scope/refused/{reason}")
        logger.warning("%s: refused (%s%s), not fetched", request.url, reason, detail, extra={"spider": spider})
        raise IgnoreRequest(f"{request.url}: {reason}{detail}")


class ConnectedAddressMiddleware:
    """Downloader middleware dropping a response that came from an address the source does not
    allow (see module docstring); the WARC extension has already left it out of the archive."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("SCOPE_ENABLED"):
            raise NotConfigured("SCOPE_ENABLED is off")
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        address = connected_refusal(request, response)
        if address is None:
            return response
        self.crawler.stats.inc_value("scope/refused/private-address-connected")
        logger.warning(
            "%s: refused (private-address-connected: the connection went to %s), not archived",
            request.url,
            address,
            extra={"spider": self.crawler.spider},
        )
        raise IgnoreRequest(f"{request.url}: connected to {address}")

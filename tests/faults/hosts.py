"""A DNS resolver for tests: Scrapy's caching resolver, with names mapped by the setting
``TEST_HOSTS`` (``name=address,name=address``), the way /etc/hosts would, without touching it.

    scrapy crawl ... -s DNS_RESOLVER=tests.faults.hosts.HostsResolver -s TEST_HOSTS=public.example=127.0.0.1

Only the internet's DNS is replaced: the crawl, its middlewares and the connection all ask this
resolver, as they ask the real one.
"""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer


class HostsResolver(CachingThreadedResolver):
    hosts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        pairs = [p.split("=", 1) for p in crawler.settings.get("TEST_HOSTS", "").split(",") if p]
        resolver.hosts = {name.lower(): address for name, address in pairs}
        return resolver

    def getHostByName(self, name, timeout=()):
        if name.lower() in self.hosts:
            return defer.succeed(self.hosts[name.lower()])
        return super().getHostByName(name, timeout)

"""A DNS resolver for tests: Scrapy's caching resolver, with names mapped by the setting
``TEST_HOSTS`` (``name=address,name=address``), the way /etc/hosts would, without touching it.

    scrapy crawl ... -s TWISTED_DNS_RESOLVER=tests.faults.hosts.HostsResolver -s TEST_HOSTS=public.example=127.0.0.1

``name=8.8.8.8|127.0.0.1`` answers each lookup of the name with the next address, in turn (a
rebinding DNS server with a zero TTL: one answer for the check, another for the connection).

Only the internet's DNS is replaced: the crawl, its middlewares and the connection all ask this
resolver, as they ask the real one.
"""

from __future__ import annotations

from itertools import cycle

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer


class HostsResolver(CachingThreadedResolver):
    hosts: dict[str, cycle] = {}

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        pairs = [p.split("=", 1) for p in crawler.settings.get("TEST_HOSTS", "").split(",") if p]
        resolver.hosts = {name.lower(): cycle(addresses.split("|")) for name, addresses in pairs}
        return resolver

    def getHostByName(self, name, timeout=()):
        if name.lower() in self.hosts:
            return defer.succeed(next(self.hosts[name.lower()]))
        return super().getHostByName(name, timeout)

"""The distributed scheduler: scrapy-redis' scheduler and dupefilter, with leases (docs/operations.md).

Enabled by ``REDIS_URL`` (``crawler.addons.DistributedAddon``). Everything is scrapy-redis
(the shared priority queue ``<spider>:requests``, the shared dupefilter ``<spider>:dupefilter``)
except the pop: a request is leased (``crawler.state.leases``), not just removed, and the lease is
acknowledged only when Scrapy has finished with the request, that is when it left the engine's
in-progress set: downloaded, archived by the WARC extension, its callback run and every Request
it yielded pushed to Redis (or it failed for good). A worker that dies leaves its leases
behind; they go back to the queue at their deadline (``REDIS_LEASE_SECONDS``, renewed while the
worker lives) or at once when a new worker starts on the same host.

A worker stays open while any worker holds a lease, since those requests may still yield more
work or come back to the queue. The last worker to finish a complete crawl (queue empty, no
lease) clears the queue and dupefilter, so the next run of the source starts afresh and is
incremental through the shared state; a crawl stopped early keeps both, and the next run resumes.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import time
from typing import TYPE_CHECKING

from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from crawler.redisclient import crawl_redis
from crawler.redislost import RedisError, redis_lost
from crawler.state.leases import Leases

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5

#: scrapy-redis' Scheduler arguments taken from settings when they are set (its from_settings)
_OPTIONAL = {
    "queue_key": "SCHEDULER_QUEUE_KEY",
    "queue_cls": "SCHEDULER_QUEUE_CLASS",
    "dupefilter_key": "SCHEDULER_DUPEFILTER_KEY",
    "dupefilter_cls": "DUPEFILTER_CLASS",
    "serializer": "SCHEDULER_SERIALIZER",
}

#: request.meta keys set during a download (they describe that download, not the request)
TRANSIENT_META = ("capture", "revisit", "incremental_known")


#: KEYS: dupefilter set, priority queue; ARGV: fingerprint ('' for dont_filter), score, request
_PUSH_UNSEEN = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class LeasedScheduler(Scheduler):
    """scrapy-redis Scheduler whose popped requests are leased until handled (module docstring)."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """scrapy-redis' ``Scheduler.from_settings``, on the crawl's one Redis client (which its
        own would make a second time, and its dupefilter a third)."""
        settings = crawler.settings
        kwargs = {name: settings[key] for name, key in _OPTIONAL.items() if settings.get(key)}
        if isinstance(kwargs.get("serializer"), str):
            kwargs["serializer"] = importlib.import_module(kwargs["serializer"])
        server = crawl_redis(crawler)
        server.ping()
        scheduler = cls(
            server=server,
            persist=settings.getbool("SCHEDULER_PERSIST"),
            flush_on_start=settings.getbool("SCHEDULER_FLUSH_ON_START"),
            idle_before_close=settings.getint("SCHEDULER_IDLE_BEFORE_CLOSE"),
            **kwargs,
        )
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.lease_seconds = settings.getfloat("REDIS_LEASE_SECONDS")
        return scheduler

    def open(self, spider) -> None:
        if not self.df:  # scrapy-redis' from_spider would make its own client
            self.df = load_object(self.dupefilter_cls)(
                self.server,
                key=self.dupefilter_key % {"spider": spider.name},
                debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"),
            )
        super().open(spider)
        self._push_unseen = self.server.register_script(_PUSH_UNSEEN)
        self.leases = Leases(self.server, self.queue.key, worker_name(), self.lease_seconds)
        self.held: dict[str, Request] = {}
        self.renewed = self.reclaimed_at = time.monotonic()
        # The engine asks for requests when one of its own finishes, or every 5 s: a worker with
        # nothing in flight would wait that long for work another worker queued meanwhile.
        self.poll = create_looping_call(self._wake)
        self.poll.start(POLL_SECONDS, now=False)
        returned = self.leases.reclaim_dead(socket.gethostname()) + self.leases.reclaim_expired()
        if returned:
            logger.info(
                "%(n)d requests of stopped workers back in the queue", {"n": returned}, extra={"spider": spider}
            )
            self.stats.inc_value("leases/reclaimed", returned)

    def enqueue_request(self, request: Request) -> bool:
        try:
            return self._enqueue(request)
        except RedisError as exc:
            redis_lost(self.crawler, exc)
            return False

    def _enqueue(self, request: Request) -> bool:
        for key in TRANSIENT_META:  # a redirect copies them; they are not part of the request
            request.meta.pop(key, None)
        # scrapy-redis' request_seen (SADD) then queue.push (ZADD), as one script: a worker killed
        # between the two would leave a request marked seen and never queued, and its parent,
        # leased again and re-crawled, could not queue it a second time
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)  # scrapy-redis' own serialization of the queue
        if not self._push_unseen(keys=[self.df.key, self.queue.key], args=[fingerprint, -request.priority, data]):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        try:
            return self._next()
        except RedisError as exc:
            redis_lost(self.crawler, exc)
            return None

    def _next(self) -> Request | None:
        self._settle()
        found = self.leases.pop()
        if found is None:
            return None
        lease, data = found
        request = self.queue._decode_request(data)
        self.held[lease] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            self._settle()
            return len(self.queue) > 0 or self.leases.count() > 0
        except RedisError as exc:
            redis_lost(self.crawler, exc)
            return False

    def close(self, reason: str) -> None:
        if self.poll.running:
            self.poll.stop()
        held = sorted(self.held)
        self.held.clear()
        try:
            if reason == "finished":
                self.leases.ack(held)
            else:  # stopped early: what was in flight may have been cut off; it runs again
                self.leases.release(held)
            if reason == "finished" and len(self.queue) == 0 and self.leases.count() == 0:
                self.flush()  # a complete crawl: the next run starts from the start URLs again
        except RedisError as exc:  # the leases stay; they come back at their deadline
            redis_lost(self.crawler, exc)

    def _settle(self) -> None:
        """Acknowledge requests the engine is done with; renew the rest; requeue expired leases."""
        inprogress = self._inprogress()
        if inprogress is not None:
            done = sorted(lease for lease, request in self.held.items() if request not in inprogress)
            if done:
                self.leases.ack(done)
                for lease in done:
                    del self.held[lease]
        now = time.monotonic()
        if self.held and now - self.renewed > self.lease_seconds / 4:
            self.leases.renew(sorted(self.held))
            self.renewed = now
        if now - self.reclaimed_at > min(5.0, self.lease_seconds / 4):
            self.reclaimed_at = now
            returned = self.leases.reclaim_expired()
            if returned:
                logger.info(
                    "%(n)d requests of an unresponsive worker back in the queue",
                    {"n": returned},
                    extra={"spider": self.spider},
                )
                self.stats.inc_value("leases/reclaimed", returned)

    def _wake(self) -> None:
        slot = self._slot()
        if slot is None or slot.closing is not None or self._inprogress():
            return
        try:
            waiting = len(self.queue) > 0
        except RedisError as exc:
            redis_lost(self.crawler, exc)
            return
        if waiting:
            slot.nextcall.schedule()

    def _inprogress(self) -> set | None:
        # Scrapy has no signal for "a request is completely handled" (download, callback, every
        # request it yielded scheduled, or a final failure); the engine's in-progress set is the
        # one place that knows. Private, so read defensively: without it leases are acknowledged
        # at close only, and a dead worker's requests still come back, just later.
        return getattr(self._slot(), "inprogress", None)

    def _slot(self):
        """The engine's private slot (see _inprogress); None before the crawl has an engine
        (Scrapy raises RuntimeError for ``crawler.engine`` until then)."""
        try:
            engine = self.crawler.engine
        except (AttributeError, RuntimeError):
            return None
        return getattr(engine, "_slot", None)

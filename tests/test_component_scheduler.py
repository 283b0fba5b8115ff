"""The leasing scheduler (crawler/schedulers.py) in process, on a real redis-server (the
``redis_url`` fixture): built by ``get_crawler`` with the project's settings and ``REDIS_URL``, as
the distributed add-on configures it; shared queue and dupefilter, leases, acknowledgement at close."""

from __future__ import annotations

import asyncio
import functools
import socket
import subprocess
import sys

import redis
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.schedulers import LeasedScheduler
from crawler.state.leases import Leases

from .conftest import project_settings


def in_loop(test):
    """Run the (async) test in an asyncio loop, as the crawl's scheduler runs: its poll is a looping call."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


class UnitSpider(Spider):
    name = "unit"


def open_scheduler(redis_url: str) -> tuple:
    crawler = get_crawler(UnitSpider, project_settings(REDIS_URL=redis_url))
    crawler.spider = UnitSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    scheduler = LeasedScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return crawler, scheduler


def test_the_addon_makes_it_the_scheduler_with_the_shared_dupefilter(redis_url):
    crawler = get_crawler(UnitSpider, project_settings(REDIS_URL=redis_url))
    assert crawler.settings["SCHEDULER"] == "crawler.schedulers.LeasedScheduler"
    assert crawler.settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"


@in_loop
async def test_requests_are_queued_once_and_leased_until_acknowledged(redis_url):
    crawler, scheduler = open_scheduler(redis_url)
    client = redis.Redis.from_url(redis_url)
    assert scheduler.enqueue_request(Request("http://a.example/1", priority=0)) is True
    assert scheduler.enqueue_request(Request("http://a.example/2", priority=5)) is True
    assert scheduler.enqueue_request(Request("http://a.example/1")) is False  # seen: the shared dupefilter
    assert client.zcard("unit:requests") == 2 and client.scard("unit:dupefilter") == 2
    first = scheduler.next_request()
    assert first.url == "http://a.example/2" and first.priority == 5  # highest priority first
    assert client.zcard("unit:requests") == 1 and client.zcard("unit:requests:leases") == 1  # leased, not gone
    assert scheduler.has_pending_requests()
    assert scheduler.next_request().url == "http://a.example/1"
    assert scheduler.next_request() is None
    assert crawler.stats.get_value("scheduler/enqueued/redis") == 2
    assert crawler.stats.get_value("scheduler/dequeued/redis") == 2
    scheduler.close("finished")  # both handled: acknowledged, and a complete crawl clears queue and dupefilter
    assert client.zcard("unit:requests:leases") == 0
    assert not client.exists("unit:requests") and not client.exists("unit:dupefilter")


@in_loop
async def test_a_crawl_stopped_early_puts_its_leased_requests_back(redis_url):
    _, scheduler = open_scheduler(redis_url)
    client = redis.Redis.from_url(redis_url)
    scheduler.enqueue_request(Request("http://a.example/1"))
    assert scheduler.next_request().url == "http://a.example/1"
    scheduler.close("shutdown")
    assert client.zcard("unit:requests") == 1 and client.zcard("unit:requests:leases") == 0
    assert client.scard("unit:dupefilter") == 1  # kept: the next run resumes


@in_loop
async def test_the_leases_of_a_dead_worker_on_this_host_come_back_when_a_worker_opens(redis_url):
    client = redis.Redis.from_url(redis_url)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    client.zadd("unit:requests", {b"left-behind": 0})
    assert Leases(client, "unit:requests", f"{socket.gethostname()}:{gone.pid}", 3600).pop() is not None
    crawler, _ = open_scheduler(redis_url)
    assert crawler.stats.get_value("leases/reclaimed") == 1
    assert client.zrange("unit:requests", 0, -1) == [b"left-behind"]

"""The Redis parts of a distributed crawl against a real redis-server: state store, leases, host gate."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import redis

from crawler.state.base import StateConfig, StateError, UrlState
from crawler.state.hostgate import HostGate
from crawler.state.leases import Leases
from crawler.state.redisstore import RedisStateStore

QUEUE = "demo:requests"


@pytest.fixture()
def client(redis_url):
    return redis.Redis.from_url(redis_url)


def test_state_round_trip_and_sorted_iteration(client, tmp_path):
    config = StateConfig(archive_dir=tmp_path, redis_key="test:state", redis=client)
    store = RedisStateStore.open(config)
    assert isinstance(store, RedisStateStore)
    assert store.get("http://a.example/x") is None
    second = UrlState(
        url="http://b.example/2",
        status=200,
        etag='"e2"',
        payload_digest="sha1:B",
        warc_file="w.warc.gz",
        warc_offset=10,
        record_id="<urn:uuid:2>",
        fetched_at=2.5,
    )
    first = UrlState(url="http://a.example/1", status=404, fetched_at=1.0)
    store.put(second)
    store.put(first)
    assert store.get(second.url) == second
    assert [s.url for s in store.iter_all()] == ["http://a.example/1", "http://b.example/2"]
    store.put(UrlState(url=first.url, status=200, record_id="<urn:uuid:1>"))
    assert RedisStateStore.open(config).get(first.url).record_id == "<urn:uuid:1>"
    assert not (tmp_path / "state.sqlite").exists()  # nothing local in Redis mode


def test_the_redis_backend_without_redis_url_is_one_line(tmp_path):
    with pytest.raises(
        StateError,
        match=r"^STATE_BACKEND crawler\.state\.redisstore\.RedisStateStore: REDIS_URL is "
        r"empty; set it, or use crawler\.state\.sqlite\.SqliteStateStore$",
    ):
        RedisStateStore.open(StateConfig(archive_dir=tmp_path, redis_key="test:state"))


def push(client, data: bytes, priority: int = 0) -> None:
    client.zadd(QUEUE, {data: -priority})


def test_pop_leases_in_priority_order_and_ack_forgets(client):
    leases = Leases(client, QUEUE, "host-a:1", seconds=60)
    push(client, b"low", 0)
    push(client, b"high", 10)
    lease, data = leases.pop()
    assert data == b"high"
    assert client.zcard(QUEUE) == 1 and leases.count() == 1
    assert client.hget(f"{QUEUE}:leases:owner", lease) == b"host-a:1 -10"
    leases.ack([lease])
    assert leases.count() == 0 and client.hlen(f"{QUEUE}:leases:data") == 0
    assert leases.pop()[1] == b"low"
    assert leases.pop() is None


def test_release_puts_requests_back_with_their_priority(client):
    leases = Leases(client, QUEUE, "host-a:1", seconds=60)
    push(client, b"first", 5)
    push(client, b"second", 1)
    lease, _ = leases.pop()
    assert leases.release([lease]) == 1
    assert client.zrange(QUEUE, 0, -1, withscores=True) == [(b"first", -5.0), (b"second", -1.0)]
    assert leases.count() == 0


def test_expired_leases_return_to_the_queue_and_renewed_ones_do_not(client):
    leases = Leases(client, QUEUE, "host-a:1", seconds=0.5)
    push(client, b"renewed", 2)
    push(client, b"abandoned", 1)
    kept, _ = leases.pop()
    lost, _ = leases.pop()
    assert leases.reclaim_expired() == 0
    # these sleeps are the behaviour under test, not a wait: leases expire by Redis' clock, 0.5 s after
    # their last renewal, so 0.6 s after the pop the renewed lease (0.3 s old) is live and the other is not
    time.sleep(0.3)
    leases.renew([kept])
    time.sleep(0.3)
    assert leases.reclaim_expired() == 1
    assert client.zrange(QUEUE, 0, -1) == [b"abandoned"]
    assert client.zrange(f"{QUEUE}:leases", 0, -1) == [kept.encode()]


def test_leases_of_a_dead_process_on_this_host_return_at_once(client):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = Leases(client, QUEUE, f"host-a:{gone.pid}", seconds=3600)
    alive = Leases(client, QUEUE, "host-a:1", seconds=3600)  # pid 1 always runs
    other_host = Leases(client, QUEUE, f"host-b:{gone.pid}", seconds=3600)
    for data in (b"a", b"b", b"c"):
        push(client, data)
    dead.pop(), alive.pop(), other_host.pop()
    assert alive.reclaim_dead("host-a") == 1  # only the dead process of this host
    assert client.zrange(QUEUE, 0, -1) == [b"a"]
    assert alive.count() == 2


def test_host_gate_spaces_requests_across_workers_and_holds_for_retry_after(client):
    one, two = HostGate(client, "test:hosts"), HostGate(client, "test:hosts")
    waits = [one.wait_for("a.example", 2.0), two.wait_for("a.example", 2.0), one.wait_for("a.example", 2.0)]
    assert waits[0] == pytest.approx(0, abs=0.05)
    assert waits[1] == pytest.approx(2, abs=0.05)
    assert waits[2] == pytest.approx(4, abs=0.05)
    assert two.wait_for("b.example", 2.0) == pytest.approx(0, abs=0.05)  # per host
    one.hold("b.example", 30)
    assert two.wait_for("b.example", 0) == pytest.approx(30, abs=0.1)


def test_one_redis_client_for_the_scheduler_its_dupefilter_the_state_and_the_host_gate(redis_url, tmp_path):
    import asyncio

    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from crawler.downloadermiddlewares.hostguard import HostGuardMiddleware
    from crawler.extensions.state import StateExtension
    from crawler.schedulers import LeasedScheduler

    from .conftest import project_settings

    crawler = get_crawler(
        Spider,
        project_settings(
            ARCHIVE_DIR=str(tmp_path), REDIS_URL=redis_url, EXTENSIONS={"crawler.extensions.state.StateExtension": 50}
        ),
    )
    state = crawler.get_extension(StateExtension)
    assert isinstance(state.store, RedisStateStore) and state.store.key == "news-archiver:state"
    scheduler = LeasedScheduler.from_crawler(crawler)
    spider = Spider("one")
    crawler.spider = spider
    spider.crawler, spider.settings = crawler, crawler.settings

    async def opened():  # the scheduler's poll needs a running loop
        scheduler.open(spider)
        scheduler.close("shutdown")

    asyncio.run(opened())
    gate = HostGuardMiddleware.from_crawler(crawler).gate
    assert scheduler.server is state.store.client
    assert scheduler.df.server is state.store.client
    assert gate._script.registered_client is state.store.client
    assert scheduler.server.connection_pool.connection_kwargs["socket_connect_timeout"] == 10
    assert not (tmp_path / "state.sqlite").exists()

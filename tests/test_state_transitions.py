"""A URL's state after a download the WARC extension archived (crawler/state/transitions.py), and
the state component that lends the store (crawler/extensions/state.py)."""

from __future__ import annotations

import time

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.extensions.state import StateExtension
from crawler.state.base import UrlState
from crawler.state.sqlite import SqliteStateStore
from crawler.state.transitions import Archived, after_download

from .conftest import project_settings

URL = "http://news.example.cn/2024/05/a.html"
RECORD = Archived("b.warc.gz", 4096, "<urn:uuid:2>", "sha1:NEW", "2024-05-02T00:00:00Z")
KNOWN = UrlState(
    URL,
    200,
    etag='"e1"',
    last_modified="Wed, 01 May 2024 00:00:00 GMT",
    payload_digest="sha1:OLD",
    warc_file="a.warc.gz",
    warc_offset=0,
    record_id="<urn:uuid:1>",
    warc_date="2024-05-01T00:00:00Z",
    fetched_at=100.0,
    failures=2,
    retry_at=900.0,
)


def test_a_full_response_is_the_new_record():
    assert after_download(KNOWN, URL, 200, '"e2"', None, 500.0, archived=RECORD) == UrlState(
        URL,
        200,
        etag='"e2"',
        payload_digest="sha1:NEW",
        warc_file="b.warc.gz",
        warc_offset=4096,
        record_id="<urn:uuid:2>",
        warc_date="2024-05-02T00:00:00Z",
        fetched_at=500.0,
    )


def test_a_revisit_keeps_the_record_and_renews_validators_and_time():
    assert after_download(KNOWN, URL, 304, None, "Thu, 02 May 2024 00:00:00 GMT", 500.0, revisit=True) == UrlState(
        URL,
        200,
        etag='"e1"',
        last_modified="Thu, 02 May 2024 00:00:00 GMT",
        payload_digest="sha1:OLD",
        warc_file="a.warc.gz",
        warc_offset=0,
        record_id="<urn:uuid:1>",
        warc_date="2024-05-01T00:00:00Z",
        fetched_at=500.0,
        failures=0,
        retry_at=0.0,
    )


def test_a_wall_changes_nothing():
    assert after_download(KNOWN, URL, 200, '"wall"', None, 500.0, archived=RECORD, wall=True) == KNOWN
    assert after_download(None, URL, 403, None, None, 500.0, archived=RECORD, wall=True) == UrlState(URL, 403)


def test_a_removal_drops_the_validators_and_another_status_only_changes_the_status():
    assert after_download(KNOWN, URL, 404, None, None, 500.0, archived=RECORD, removal=True) == UrlState(
        URL,
        404,
        payload_digest="sha1:OLD",
        warc_file="a.warc.gz",
        warc_offset=0,
        record_id="<urn:uuid:1>",
        warc_date="2024-05-01T00:00:00Z",
        fetched_at=100.0,
        failures=2,
        retry_at=900.0,
    )
    assert after_download(KNOWN, URL, 500, '"err"', None, 500.0, archived=RECORD) == UrlState(
        URL,
        500,
        etag='"e1"',
        last_modified="Wed, 01 May 2024 00:00:00 GMT",
        payload_digest="sha1:OLD",
        warc_file="a.warc.gz",
        warc_offset=0,
        record_id="<urn:uuid:1>",
        warc_date="2024-05-01T00:00:00Z",
        fetched_at=100.0,
        failures=2,
        retry_at=900.0,
    )


def test_the_extension_opens_the_configured_backend_on_the_offset_clock_and_closes_it(tmp_path):
    crawler = get_crawler(
        Spider,
        project_settings(
            ARCHIVE_DIR=str(tmp_path),
            STATE_CLOCK_OFFSET="8d",
            EXTENSIONS={"crawler.extensions.state.StateExtension": 50},
        ),
    )
    state = crawler.get_extension(StateExtension)
    assert isinstance(state.store, SqliteStateStore) and (tmp_path / "state.sqlite").is_file()
    assert state.options.clock_offset == 8 * 86400 and state.options.warc_dir == tmp_path / "warc"
    assert abs(state.clock() - time.time() - 8 * 86400) < 60
    state.store.put(UrlState(URL, 200))
    state.spider_closed(Spider("x"))
    assert SqliteStateStore(tmp_path / "state.sqlite").get(URL) == UrlState(URL, 200)


def test_the_backend_is_a_setting(tmp_path):
    settings = project_settings(ARCHIVE_DIR=str(tmp_path), STATE_BACKEND="tests.test_state_transitions.MemoryStore")
    state = build_from_crawler(StateExtension, get_crawler(Spider, settings))
    assert isinstance(state.store, MemoryStore) and state.store.config.redis is None


def test_not_configured(tmp_path):
    with pytest.raises(NotConfigured, match="STATE_ENABLED is off"):
        build_from_crawler(StateExtension, get_crawler(Spider, project_settings(STATE_ENABLED=False)))


class MemoryStore(dict):
    """A third-party backend: any class with ``open(config)``."""

    @classmethod
    def open(cls, config):
        store = cls()
        store.config = config
        return store

"""The add-ons (crawler/addons.py) in process: ``get_crawler`` with the project's settings applies
them as ``scrapy crawl`` does; what they set, and that settings.py / ``-s`` values still win."""

from __future__ import annotations

from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler import __version__
from crawler.addons import REDIS_BACKEND, SQLITE_BACKEND

from .conftest import project_settings


def settings_of(**overrides):
    return get_crawler(Spider, project_settings(**overrides)).settings


def test_without_redis_url_the_state_is_sqlite_and_scheduling_is_scrapys():
    settings = settings_of()
    assert settings["STATE_BACKEND"] == SQLITE_BACKEND
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"


def test_redis_url_switches_state_scheduler_dupefilter_queue_and_persistence():
    settings = settings_of(REDIS_URL="redis://127.0.0.1:1/0")
    assert settings["STATE_BACKEND"] == REDIS_BACKEND
    assert settings["SCHEDULER"] == "crawler.schedulers.LeasedScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["SCHEDULER_QUEUE_CLASS"] == "scrapy_redis.queue.PriorityQueue"
    assert settings.getbool("SCHEDULER_PERSIST") is True


def test_a_backend_named_in_settings_wins_over_the_addon():
    settings = settings_of(REDIS_URL="redis://127.0.0.1:1/0", STATE_BACKEND="my.Store")
    assert settings["STATE_BACKEND"] == "my.Store"


def test_the_identity_names_the_contact_or_says_there_is_none():
    settings = settings_of(ARCHIVER_CONTACT=" archive@example.org ")
    assert settings["USER_AGENT"] == f"scrapy-news-archiver/{__version__} (+archive@example.org)"
    assert settings["WARC_OPERATOR"] == "archive@example.org"
    anonymous = settings_of(ARCHIVER_CONTACT="")
    assert anonymous["USER_AGENT"] == f"scrapy-news-archiver/{__version__} (web archiver; no contact configured)"
    assert anonymous["WARC_OPERATOR"] == ""


def test_a_user_agent_set_by_the_user_wins():
    assert settings_of(ARCHIVER_CONTACT="a@b.c", USER_AGENT="mine/1.0")["USER_AGENT"] == "mine/1.0"

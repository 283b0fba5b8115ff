"""Defaults live in one place: every setting the code reads has its default in crawler/settings.py,
in an add-on's ``update_settings`` or in Scrapy's own defaults, and no reader repeats one."""

from __future__ import annotations

import re

from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.addons import REDIS_BACKEND, SQLITE_BACKEND

from .conftest import project_settings
from .test_docs import settings_read, sources

#: a read with a fallback: ``settings.get("X", ...)``, ``getint("X", ...)``
FALLBACK = re.compile(r"settings\.get\w*\(\s*\"([A-Z][A-Z0-9_]+)\"\s*,")
#: scrapy-redis' own settings, read as its Scheduler.from_settings reads them (no value: its default)
SCRAPY_REDIS = {
    "SCHEDULER_FLUSH_ON_START",
    "SCHEDULER_IDLE_BEFORE_CLOSE",
    "SCHEDULER_QUEUE_KEY",
    "SCHEDULER_DUPEFILTER_KEY",
    "SCHEDULER_SERIALIZER",
    "SCHEDULER_PERSIST",
    "SCHEDULER_QUEUE_CLASS",
}


def read_in_code() -> set[str]:
    return settings_read(sources())


def test_no_reader_repeats_a_default():
    assert FALLBACK.findall(sources()) == []


def test_every_setting_read_has_a_default():
    read = read_in_code()
    assert {"ARCHIVE_DIR", "STATE_BACKEND", "WARC_OPERATOR", "HOSTGUARD_BREAKER_THRESHOLD"} <= read  # pattern works
    settings = get_crawler(Spider, project_settings()).settings
    assert sorted(name for name in read - SCRAPY_REDIS if name not in settings) == []
    assert settings["STATE_BACKEND"] == SQLITE_BACKEND
    assert settings["WARC_OPERATOR"] == ""


def test_the_add_on_moves_the_state_to_redis_and_settings_still_win():
    distributed = get_crawler(Spider, project_settings(REDIS_URL="redis://127.0.0.1:1/0")).settings
    assert (distributed["STATE_BACKEND"], distributed["SCHEDULER"]) == (
        REDIS_BACKEND,
        "crawler.schedulers.LeasedScheduler",
    )
    mine = get_crawler(Spider, project_settings(REDIS_URL="redis://127.0.0.1:1/0", STATE_BACKEND="my.Store")).settings
    assert mine["STATE_BACKEND"] == "my.Store"

"""Crawler traps: the URL shapes no real page has are not followed; real news addresses are."""

from __future__ import annotations

import pytest

from crawler.sources import DEFAULT_MAX_DEPTH, load_source
from crawler.spiders import source_settings
from crawler.traps import trap

from .conftest import ROOT


@pytest.mark.parametrize("url", [
    "https://news.example.cn/a/2024/05/06/c_1130123456.htm",
    "https://news.example.cn/content/2024-05/06/content_123_1.htm",
    "https://news.example.cn/news/list_12.html?page=3&node=7",
    "https://www.example.cn/gov/zwgk/zcwj/szfwj/2024/05/t20240506_1234.html",
    "https://news.example.cn/a/a/index.html",  # a segment twice is ordinary
])
def test_real_addresses_are_followed(url):
    assert trap(url) is None


@pytest.mark.parametrize(("url", "reason"), [
    ("https://news.example.cn/news/2024/news/2024/news/2024/x.html", "repeated-path"),
    ("https://news.example.cn/" + "/".join(f"d{i}" for i in range(25)) + "/x.html", "deep-path"),
    ("https://news.example.cn/cal?d=" + "1" * 2100, "long-url"),
])
def test_trap_shapes_are_named(url, reason):
    assert trap(url) == reason


def test_a_depth_limit_is_on_by_default_and_a_seed_can_change_it(tmp_path):
    seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8")
    assert source_settings(load_source(ROOT / "seeds" / "demo-news.yaml"))["DEPTH_LIMIT"] == DEFAULT_MAX_DEPTH == 1000
    (tmp_path / "s.yaml").write_text(seed + "limits: {max_depth: 0}\n", "utf-8")
    assert source_settings(load_source(tmp_path / "s.yaml"))["DEPTH_LIMIT"] == 0

"""Issue 22 case 12: crawler traps (calendars, repeated paths, depth), redirect chains and cookie
floods are bounded by default; a cookie flood never ends in silent 431s."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.cookies import CookiesMiddleware
from crawler.sources import DEFAULT_MAX_DEPTH, load_source
from crawler.spiders import source_settings
from crawler.traps import trap

from ..conftest import ROOT, run_scrapy
from .clean import comparable
from .hostile import archived, crawl, fault_server, server_log


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.cn/a/2024/05/06/c_1130123456.htm",
        "https://news.example.cn/content/2024-05/06/content_123_1.htm",
        "https://news.example.cn/news/list_12.html?page=3&node=7",
        "https://www.example.cn/gov/zwgk/zcwj/szfwj/2024/05/t20240506_1234.html",
        "https://news.example.cn/a/a/index.html",  # a segment twice is ordinary
    ],
)
def test_real_addresses_are_followed(url):
    assert trap(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://news.example.cn/news/2024/news/2024/news/2024/x.html", "repeated-path"),
        ("https://news.example.cn/" + "/".join(f"d{i}" for i in range(25)) + "/x.html", "deep-path"),
        ("https://news.example.cn/cal?d=" + "1" * 2100, "long-url"),
    ],
)
def test_trap_shapes_are_named(url, reason):
    assert trap(url) == reason


def test_a_depth_limit_is_on_by_default_and_a_seed_can_change_it(tmp_path):
    seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8")
    assert source_settings(load_source(ROOT / "seeds" / "demo-news.yaml"))["DEPTH_LIMIT"] == DEFAULT_MAX_DEPTH == 1000
    (tmp_path / "s.yaml").write_text(seed + "limits: {max_depth: 0}\n", "utf-8")
    assert source_settings(load_source(tmp_path / "s.yaml"))["DEPTH_LIMIT"] == 0


def test_a_cookie_flood_is_capped_with_one_warning(caplog):
    crawler = get_crawler(settings_dict={"COOKIES_ENABLED": True})
    middleware = CookiesMiddleware.from_crawler(crawler)
    for i in range(12):  # each page sets one more 1,000-byte cookie
        request = Request(f"https://news.example.cn/a/{i}.html")
        middleware.process_request(request)
        response = HtmlResponse(
            request.url, request=request, body=b"<html></html>", headers={"Set-Cookie": f"c{i}={'x' * 1000}; Path=/"}
        )
        middleware.process_response(request, response)
    for n in range(3):
        flood = Request(f"https://news.example.cn/b/{n}.html")
        middleware.process_request(flood)
        assert flood.headers.get("Cookie") is None
    assert crawler.stats.get_value("cookies/oversize") == 3 + 3  # pages 9, 10 and 11 of the flood too
    warnings = [r.getMessage() for r in caplog.records if "cookies add up to" in r.getMessage()]
    assert len(warnings) == 1 and "requests to news.example.cn are sent without them" in warnings[0]


def test_redirect_chain_stops_at_the_cap_and_each_hop_is_archived_once(tmp_path):
    with fault_server() as base:
        stats, _ = crawl(tmp_path, base, ["/chain/0", "/loop"], "-s", "REDIRECT_MAX_TIMES=20")
        log = server_log(base)
    hops = [p for _, _, p in archived(tmp_path) if p.startswith("/chain/")]
    assert hops == [f"/chain/{n}" for n in range(21)]
    assert log.count("/loop") == 1  # the loop's target is itself: filtered as a duplicate after one hop
    assert [p for _, _, p in archived(tmp_path)].count("/loop") == 1
    assert stats.get("text/documents", 0) == 0


FLOOD_SEED = """\
name: flood
start_urls: ['{base}/{site}/list0.html']
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/a\\d+\\.html$']
follow: ['/list\\d+\\.html$']
politeness: {{delay: 0, concurrency: 1, robots: true}}
"""


def test_a_cookie_flood_never_ends_in_silent_431s(tmp_path):
    """For real: a site (tests/mockserver.py, /flood/) sets a new 1,000-byte cookie on every
    response and answers 431 once the Cookie header passes 4 KB (stricter than the 8 KB cap).
    The first 431 is one warning line and a stat, that request goes again at once without
    cookies, and every later request to the host carries fewer bytes of cookies than were refused
    (so none at all here: the jar only grows). The crawl exits 0 with every article, and each text
    file and manifest line is the one a crawl of the same site without cookies (/calm/) gives;
    normalised (tests/faults/clean.py): the site's address, the record's place, the fetch time."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "mockserver.py")], stdout=subprocess.PIPE, text=True
    )
    try:
        base = server.stdout.readline().strip()
        runs = {}
        for site in ("flood", "calm"):
            (tmp_path / site / "seeds").mkdir(parents=True)
            (tmp_path / site / "seeds" / "flood.yaml").write_text(FLOOD_SEED.format(base=base, site=site))
            runs[site] = run_scrapy(
                "crawl",
                "flood",
                "-s",
                f"SEEDS_DIR={tmp_path / site / 'seeds'}",
                "-s",
                f"ARCHIVE_DIR={tmp_path / site / 'archive'}",
                timeout=120,
            )
    finally:
        server.kill()
        server.wait()
    result = runs["flood"]
    assert (result.returncode, runs["calm"].returncode) == (0, 0), result.stderr[-3000:]
    [warning] = [line.split("] WARNING: ", 1)[1] for line in result.stderr.splitlines() if "] WARNING: " in line]
    match = re.fullmatch(
        rf"{base}/flood/(a|list)\d+\.html: the server refused (\d+) bytes of cookies \(431 Request "
        r"Header Fields Too Large\): sent again without them; requests to 127\.0\.0\.1 carry at most (\d+)",
        warning,
    )
    assert match and int(match[2]) > 4096 and int(match[3]) == int(match[2]) - 1, warning
    report = json.loads(next((tmp_path / "flood" / "archive" / "reports").glob("*.json")).read_text())
    records = archived(tmp_path / "flood")
    refused = [p for _, s, p in records if s == "431"]
    # the requests sent when the jar first passed 4 KB (a list page gives two at once) got a 431,
    # archived as the server sent it; each went again without cookies, and so did every later one
    assert report["cookies/rejected"] == len(refused) >= 1 and report["cookies/oversize"] >= 1
    pages = {f"/flood/{kind}{n}.html" for kind in ("a", "list") for n in range(8)}
    assert {p for _, s, p in records if s == "200"} == pages | {"/robots.txt"}
    assert set(refused) <= pages
    flood_texts, flood_manifest = comparable(tmp_path / "flood" / "archive", f"{base}/flood/")
    assert len(flood_texts) == 8
    assert (flood_texts, flood_manifest) == comparable(tmp_path / "calm" / "archive", f"{base}/calm/")

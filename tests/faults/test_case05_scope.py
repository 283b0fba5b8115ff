"""Issue 22 case 5: no request outside the crawl's scope: private addresses in every spelling and
behind a public-looking name (DNS rebinding), redirects out of scope, no public-suffix download."""

from __future__ import annotations

import json
import socket

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.cookies import OFFLINE_SUFFIXES, CookiesMiddleware
from crawler.downloadermiddlewares.scope import refusal

from ..conftest import run_scrapy
from ..test_downloadermiddleware_scope import DOMAINS
from .hostile import SEED, archived, crawl, fault_server, server_log


@pytest.mark.parametrize(
    ("url", "allow_private", "expected"),
    [
        ("https://news.example.cn/a/1.html", False, None),
        ("https://m.news.example.cn/a/1.html", False, None),
        ("https://evil.example.com/a/1.html", False, "offsite"),
        ("https://news.example.cn.evil.com/", False, "offsite"),
        ("file:///etc/passwd", False, "scheme"),
        ("data:text/html,<p>hi</p>", False, "scheme"),
        ("ftp://news.example.cn/x", False, "scheme"),
        ("http://127.0.0.1:8080/", False, "private-address"),
        ("http://10.1.2.3/", False, "private-address"),
        ("http://192.168.0.1/", False, "private-address"),
        ("http://169.254.169.254/latest/meta-data/", False, "private-address"),
        ("http://[::1]/", False, "private-address"),
        ("http://localhost:8000/", False, "private-address"),
        # the other spellings of loopback and private addresses that a resolver (inet_aton) accepts
        ("http://2130706433/", False, "private-address"),
        ("http://0x7f.1/", False, "private-address"),
        ("http://0x7f000001/", False, "private-address"),
        ("http://0177.0.0.1/", False, "private-address"),
        ("http://127.1:8000/", False, "private-address"),
        ("http://017700000001/", False, "private-address"),
        ("http://167772161/", False, "private-address"),  # 10.0.0.1
        ("http://[::ffff:127.0.0.1]/", False, "private-address"),
        ("http://[::ffff:a9fe:a9fe]/", False, "private-address"),  # 169.254.169.254
        ("http://0/", False, "private-address"),  # 0.0.0.0
        # names made of hex letters are names, not addresses
        ("http://cafe.example.cn/", False, "offsite"),
        ("http://face.bead/", False, "offsite"),
        ("http://8.8.8.8/", False, "offsite"),
        ("http://134744072/", False, "offsite"),  # 8.8.8.8: public, only out of scope
        ("http://127.0.0.1:8080/", True, "offsite"),
    ],
)
def test_refusal(url, allow_private, expected):
    assert refusal(url, DOMAINS, allow_private) == expected


def test_private_address_allowed_when_the_source_opts_in():
    assert refusal("http://127.0.0.1:8080/a.html", ("127.0.0.1",), True) is None
    assert refusal("http://127.0.0.1:8080/a.html", ("127.0.0.1",), False) == "private-address"


def test_a_domain_cookie_is_checked_against_the_bundled_list_without_a_connection(monkeypatch):
    attempts = []

    def no_network(self, address, *args):  # the internet is the one thing mocked
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: no_network(None, address))
    crawler = get_crawler(settings_dict={"COOKIES_ENABLED": True})
    middleware = CookiesMiddleware.from_crawler(crawler)
    assert scrapy_cookies._split_domain is OFFLINE_SUFFIXES
    request = Request("https://news.example.com.cn/a/1.html")
    response = HtmlResponse(
        request.url,
        request=request,
        body=b"<html></html>",
        headers={"Set-Cookie": ["visitor=1; Domain=.example.com.cn; Path=/", "bad=1; Domain=.com.cn; Path=/"]},
    )
    middleware.process_response(request, response)
    follow = Request("https://www.example.com.cn/b/2.html")
    middleware.process_request(follow)
    assert follow.headers.get("Cookie") == b"visitor=1"  # .com.cn is a public suffix: refused
    assert scrapy_cookies._is_public_domain("com.cn") and not scrapy_cookies._is_public_domain("example.com.cn")
    assert attempts == []


def test_redirects_off_site_to_private_addresses_and_file_are_never_followed(tmp_path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, ["/to-private", "/to-file", "/to-offsite"])
    assert result.returncode == 1, result.stderr[-2000:]  # only redirects out of scope: nothing of the site
    assert result.stderr.strip().splitlines()[-1] == (
        "error: crawl of faults failed: nothing archived: start URLs (or their redirects) lead outside "
        "the seed's `allowed_domains`"
    )
    # Scrapy drops the file: hop (RedirectMiddleware) and, for ordinary requests, the off-site hops
    # when they are scheduled (OffsiteMiddleware); the fence catches dont_filter ones (unit tests)
    assert "scope/refused/scheme" not in stats
    assert stats["offsite/filtered"] + stats.get("scope/refused/offsite", 0) == 2  # 10.20.30.40 and offsite.example.org
    assert sorted(p for _, _, p in archived(tmp_path)) == ["/robots.txt", "/to-file", "/to-offsite", "/to-private"]


def test_private_addresses_need_an_explicit_opt_in(tmp_path):
    with fault_server() as base:
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "faults.yaml").write_text(SEED.format(starts=f"'{base}/ok'").replace("allow_private: true\n", ""))
        result = run_scrapy("crawl", "faults", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
        log = server_log(base)
    stats = json.loads(next((tmp_path / "archive" / "reports").glob("*.json")).read_text())
    assert stats["scope/refused/private-address"] == 1
    assert log == []
    assert result.returncode == 1  # archived nothing: the one line names the key (tests/test_crawl_exit.py)


REBIND = """\
name: faults
start_urls: ['http://public.example:{port}/ok']
allowed_domains: [public.example]
{private}articles: ['/ok$']
politeness: {{delay: 0, concurrency: 8, robots: true}}
"""


@pytest.mark.parametrize("allow_private", [False, True])
def test_a_name_that_resolves_to_a_private_address_is_refused_before_connecting(tmp_path, allow_private):
    """DNS rebinding: ``public.example`` looks public but resolves to 127.0.0.1. The resolver here
    (tests/faults/hosts.py) answers as a hostile DNS server would, and only the DNS is replaced:
    the crawl, its middlewares and the connection ask it as they ask the real one. Without
    ``allow_private`` nothing reaches the server, one warning names the URL and the address, and
    the crawl ends with its one line; with it (a site on this machine, seeded on purpose) the same
    name is crawled and its text is the one a crawl of 127.0.0.1 gives."""
    with fault_server() as base:
        port = base.rsplit(":", 1)[1]
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "faults.yaml").write_text(
            REBIND.format(port=port, private="allow_private: true\n" if allow_private else "")
        )
        archive = tmp_path / "archive"
        result = run_scrapy(
            "crawl",
            "faults",
            "-s",
            f"SEEDS_DIR={seeds}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            "TWISTED_DNS_RESOLVER=tests.faults.hosts.HostsResolver",
            "-s",
            "TEST_HOSTS=public.example=127.0.0.1",
            timeout=120,
        )
        log = server_log(base)
        if allow_private:
            (tmp_path / "clean").mkdir()
            clean = crawl(tmp_path / "clean", base, ["/ok"])[1]
            assert clean.returncode == 0, clean.stderr[-2000:]
    stats = json.loads(next((archive / "reports").glob("*.json")).read_text())
    assert "Traceback" not in result.stderr
    if allow_private:
        assert result.returncode == 0, result.stderr[-2000:]
        assert log == ["/robots.txt", "/ok"]
        assert "scope/refused/private-address" not in stats
        [text] = (archive / "text" / "faults").glob("*.txt")
        [twin] = (tmp_path / "clean" / "archive" / "text" / "faults").glob("*.txt")
        body = text.read_bytes().split(b"---\n", 2)[2]
        assert body == twin.read_bytes().split(b"---\n", 2)[2]  # the front matter names the URL
        return
    assert log == []  # no connection at all, robots.txt included
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: crawl of faults failed: nothing archived: start URLs refused as private addresses; set "
        "`allow_private: true` in the seed of faults to crawl a site on this machine or network"
    )
    assert stats["scope/refused/private-address"] >= 1
    warnings = [
        line.split("] WARNING: ", 1)[1]
        for line in result.stderr.splitlines()
        if "[crawler.downloadermiddlewares.scope] WARNING" in line
    ]
    assert f"http://public.example:{port}/ok: refused (private-address, resolves to 127.0.0.1), not fetched" in warnings


def test_a_connection_that_went_to_a_private_address_is_dropped_and_not_archived(tmp_path):
    """DNS rebinding between the check and the connection: ``public.example`` answers 8.8.8.8 to
    the scope check and 127.0.0.1 to the connection (tests/faults/hosts.py, a rebinding DNS server
    with a zero TTL). The connection is made (that is what the check after the download is for),
    but the response from 127.0.0.1 is not archived, never reaches the spider and gives no text:
    one warning names the URL and the address, ``scope/refused/private-address-connected``, and
    the crawl ends with its one line, exit 1 (nothing archived). There is no good page to compare
    with a clean run: without ``allow_private`` no page of this name can be archived."""
    with fault_server() as base:
        port = base.rsplit(":", 1)[1]
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "faults.yaml").write_text(
            REBIND.format(port=port, private="").replace("robots: true", "robots: false")
        )
        archive = tmp_path / "archive"
        result = run_scrapy(
            "crawl",
            "faults",
            "-s",
            f"SEEDS_DIR={seeds}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            "TWISTED_DNS_RESOLVER=tests.faults.hosts.HostsResolver",
            "-s",
            "TEST_HOSTS=public.example=8.8.8.8|127.0.0.1",
            timeout=120,
        )
        log = server_log(base)
    stats = json.loads(next((archive / "reports").glob("*.json")).read_text())
    assert "Traceback" not in result.stderr
    assert log == ["/ok"]  # connected once: the check before connecting was given a public address
    warnings = [line.split("] WARNING: ", 1)[1] for line in result.stderr.splitlines() if "] WARNING: " in line]
    assert "ScrapyDeprecationWarning" not in result.stderr
    assert warnings == [
        f"http://public.example:{port}/ok: refused (private-address-connected: the connection "
        "went to 127.0.0.1), not archived"
    ]
    assert stats["scope/refused/private-address-connected"] == 1
    assert "scope/refused/private-address" not in stats
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: crawl of faults failed: nothing archived: the connections went to private addresses although the "
        "names resolved to public ones (DNS rebinding?); nothing from them was archived"
    )
    assert archived(tmp_path) == []  # no record of the response: the WARC holds no private page
    assert not list(archive.glob("text/*/*.txt"))

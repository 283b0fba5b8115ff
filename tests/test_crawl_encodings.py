"""A real `scrapy crawl` of a local server that answers each article in each Content-Encoding the
crawl's Accept-Encoding lists (tests/mockserver.py, /enc/), then `scrapy verify` and `scrapy
extract` of the same WARC under a file name with brackets, commas and spaces."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS
from warcio.archiveiterator import ArchiveIterator

from .conftest import mock_server, run_scrapy

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from mockserver import enc_article, enc_codings, enc_count  # noqa: E402  (the server's own content)

SEED = """\
name: enc
start_urls: ['{base}/enc/index.html']
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/enc/a\\d+\\.html$', '/enc/broken\\.html$']
follow: ['/enc/index\\.html$']
politeness: {{delay: 0, concurrency: 8, robots: true}}
"""
ACCEPT = ", ".join(coding.decode() for coding in ACCEPTED_ENCODINGS)  # what Scrapy sends


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("enc")
    with mock_server() as base:
        (tmp / "seeds").mkdir()
        (tmp / "seeds" / "enc.yaml").write_text(SEED.format(base=base), "utf-8")
        archive = tmp / "archive"
        result = run_scrapy(
            "crawl",
            "enc",
            "-s",
            f"SEEDS_DIR={tmp / 'seeds'}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            "TEXT_WORKERS=1",
            timeout=300,
        )
        yield tmp, base, archive, result


def texts(root: Path) -> dict[str, tuple[dict, list[str]]]:
    """Front matter (loaded) and body lines of every text file, by URL."""
    found = {}
    for path in sorted(root.glob("text/*/*.txt")):
        data = path.read_text("utf-8")
        front = yaml.safe_load(data.split("\n---\n")[0].removeprefix("---\n"))
        found[front["url"]] = (front, data.split("\n---\n", 1)[1].splitlines())
    return found


def expected(base: str) -> dict[str, tuple[str, str, str, list[str]]]:
    return {f"{base}/enc/a{n}.html": enc_article(n) for n in range(enc_count(ACCEPT))}


def test_the_server_answered_in_every_coding_scrapy_asks_for(crawled):
    _, _, archive, result = crawled
    assert result.returncode == 0, result.stderr[-3000:]
    sent, asked = set(), set()
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and "/enc/a" in record.rec_headers.get_header("WARC-Target-URI"):
                    sent.add(record.http_headers.get_header("Content-Encoding") or "identity")
                if record.rec_type == "request":
                    asked.add(record.http_headers.get_header("Accept-Encoding"))
    assert asked == {ACCEPT}
    assert sent == {", ".join(enc_codings(ACCEPT, n)) or "identity" for n in range(enc_count(ACCEPT))}
    assert sent >= {*ACCEPT.split(", "), "gzip, br", "identity"} and "zstd" in sent


def test_every_article_has_its_text_origin_and_author(crawled):
    _, base, archive, _ = crawled
    got = texts(archive)
    for url, (title, origin, author, paragraphs) in expected(base).items():
        front, body = got.pop(url)
        assert (front["title"], front["origin"], front["author"], front["published"]) == (
            title,
            origin,
            author,
            "2025-05-06T08:30:00+08:00",
        ), url
        assert body == [title, *paragraphs], url
    assert got == {}  # nothing else, and not the broken page


def test_a_page_archived_without_text_is_never_silent(crawled):
    tmp, base, archive, result = crawled
    broken = f"{base}/enc/broken.html"
    warnings = [line for line in result.stderr.splitlines() if "archived, no text" in line]
    assert len(warnings) == 1 and re.search(
        rf"\[crawler\.pipelines\] WARNING: {re.escape(broken)}: archived, no text \(bad-content-encoding\): "
        r"corrupt zstd payload \(.+\)$",
        warnings[0],
    ), warnings
    assert re.search(
        r"crawl summary: \d+ responses captured, 0 revisited, 0 young articles skipped, 10 articles "
        r"derived, 1 without text \(bad-content-encoding 1\), 0 failed \(due again\), 0 refused; .*"
        r"finish reason finished",
        result.stderr,
    )
    report = json.loads(sorted((archive / "reports").glob("enc-*.json"))[-1].read_text())
    assert report["text/dropped/bad-content-encoding"] == 1 and report["text/documents"] == enc_count(ACCEPT)
    assert report["httpcompression/undecodable"] == 1
    assert "Error downloading" not in result.stderr and "Traceback" not in result.stderr
    verify = run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}", "-s", f"SEEDS_DIR={tmp / 'seeds'}")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    listed = [line for line in verify.stdout.splitlines() if line.startswith("no text: ")]
    assert len(listed) == 1 and re.match(
        rf"no text: {re.escape(broken)} \(.+\.warc\.gz:\d+\): bad-content-encoding: "
        r"corrupt zstd payload \(",
        listed[0],
    ), verify.stdout
    assert verify.stdout.splitlines()[-1].endswith(", 1 captured articles without text; 0 problem(s)")


def test_extract_under_a_name_with_brackets_commas_and_spaces(crawled, tmp_path):
    _, base, archive, _ = crawled
    [warc] = sorted((archive / "warc").glob("*.warc.gz"))
    odd = tmp_path / "crawl[1], part 2.warc.gz"
    shutil.copy(warc, odd)
    out = tmp_path / "out"
    result = run_scrapy("extract", str(odd), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"extracted {enc_count(ACCEPT)} documents into {out}; "
        "without text: bad-content-encoding 1, no-text 1, not-html 1\n"
    )
    crawl_texts = texts(archive)
    for url, (front, body) in texts(out).items():
        assert front["warc"]["file"] == "crawl[1], part 2.warc.gz"
        assert front["source"] == "enc"  # the warcinfo's source
        assert body == crawl_texts[url][1]
        assert {k: v for k, v in front.items() if k != "warc"} == {
            k: v for k, v in crawl_texts[url][0].items() if k != "warc"
        }
    assert len(texts(out)) == enc_count(ACCEPT)


SITEMAP_SEED = """\
name: maps
start_urls: ['{base}/enc/a5.html']
sitemaps: ['{base}/sm/damaged.xml.gz', '{base}/sm/bomb.xml.gz', '{base}/sm/page.html', '{base}/sm/good.xml']
feeds: ['{base}/sm/notfeed.xml', '{base}/sm/feed.xml']
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/enc/a\\d+\\.html$']
politeness: {{delay: 0, concurrency: 4, robots: false}}
"""


def test_bad_feeds_and_sitemaps_cost_one_line_each_and_the_crawl_goes_on(tmp_path):
    with mock_server() as base:
        (tmp_path / "seeds").mkdir()
        (tmp_path / "seeds" / "maps.yaml").write_text(SITEMAP_SEED.format(base=base), "utf-8")
        archive = tmp_path / "archive"
        result = run_scrapy(
            "crawl",
            "maps",
            "-s",
            f"SEEDS_DIR={tmp_path / 'seeds'}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            "TEXT_WORKERS=1",
            timeout=300,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    warnings = sorted(
        re.sub(r"^.*\[crawler\.spiders\] WARNING: ", "", line)
        for line in result.stderr.splitlines()
        if "[crawler.spiders] WARNING" in line
    )
    assert warnings == sorted(
        [
            f"{base}/sm/damaged.xml.gz: sitemap: damaged gzip data (the gzip payload ends before its end "
            "(a truncated download)), ignored",
            f"{base}/sm/bomb.xml.gz: sitemap: larger than 52428800 bytes decompressed, ignored",
            f"{base}/sm/page.html: sitemap: not a sitemap, ignored",
            f"{base}/sm/notfeed.xml: feed: not an RSS or Atom feed, ignored",
        ]
    )
    assert sorted(texts(archive)) == [f"{base}/enc/a{n}.html" for n in (0, 1, 2, 5)]
    report = json.loads(sorted((archive / "reports").glob("maps-*.json"))[-1].read_text())
    assert (report["spider/ignored/sitemap"], report["spider/ignored/feed"]) == (3, 1)

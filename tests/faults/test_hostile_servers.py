"""Faults and hostile servers, against a raw-socket server (tests/faultserver.py) and a real crawl.

Each test crawls one small source and reads the crawl report (ARCHIVE_DIR/reports/*.json), the
WARC files and the text files it left.
"""

from __future__ import annotations

import sqlite3
import time
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from ..conftest import run_scrapy
from .hostile import SEED, archived, crawl, fault_server, server_log


@pytest.mark.parametrize(("robots", "fetched"), [("500", False), ("hang", False), ("404", True)])
def test_robots_txt_errors_follow_rfc_9309(tmp_path, robots, fetched):
    with fault_server(robots) as base:
        stats, _ = crawl(tmp_path, base, ["/ok"], "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=0")
        log = server_log(base)
    assert ("/ok" in log) is fetched
    assert stats.get("robots/unreachable", 0) == (0 if fetched else 1)
    assert stats.get("robotstxt/exception_count/<class 'scrapy.exceptions.DownloadTimeoutError'>", 0) == (
        1 if robots == "hang" else 0
    )  # Scrapy's key for the failed robots.txt download


def test_retry_after_delays_the_next_request_to_that_host(tmp_path):
    with fault_server() as base:
        stats, _ = crawl(tmp_path, base, ["/retry-after"], "-s", "RETRY_TIMES=1")
        with urllib.request.urlopen(f"{base}/__log") as response:
            times = [
                float(line.split()[2])
                for line in response.read().decode().splitlines()
                if line.split()[1] == "/retry-after"
            ]
    assert len(times) == 2
    assert times[1] - times[0] >= 2.0
    assert stats["hostguard/retry_after"] == 2
    assert [s for _, s, p in archived(tmp_path) if p == "/retry-after"] == ["503", "503"]


def test_a_5xx_storm_opens_the_breaker_and_fails_the_crawl(tmp_path):
    with fault_server() as base:
        stats, result = crawl(
            tmp_path,
            base,
            [f"/storm/{n}" for n in range(8)],
            "-s",
            "HOSTGUARD_BREAKER_THRESHOLD=3",
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "CONCURRENT_REQUESTS=1",
        )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "error: crawl of faults failed: circuit breaker open for 127.0.0.1 after 3 failures"
    )
    assert stats["hostguard/breaker_open"] == 1
    storms = [p for _, _, p in archived(tmp_path) if p.startswith("/storm/")]
    assert len(storms) == 3  # every response that came back is archived; the rest were not sent
    assert stats["hostguard/refused"] == 5


def test_tarpit_and_slow_drip_time_out_and_other_pages_keep_flowing(tmp_path):
    with fault_server() as base:
        stats, result = crawl(
            tmp_path, base, ["/tarpit", "/drip", "/ok"], "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=0"
        )
    assert result.returncode == 0
    assert stats["text/documents"] == 1  # /ok arrived while the other two hung
    assert stats["downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError"] == 2
    assert stats["elapsed_time_seconds"] < 30


def test_gzip_bomb_is_archived_raw_without_text(tmp_path):
    with fault_server() as base:
        stats, _ = crawl(
            tmp_path,
            base,
            ["/gzip-bomb"],
            "-s",
            "TEXT_MAX_DECOMPRESSED_SIZE=5000000",
            "-s",
            "DOWNLOAD_MAXSIZE=1000000000",
        )
    assert ("response", "200", "/gzip-bomb") in archived(tmp_path)
    assert stats["text/dropped/too-large"] == 1


@pytest.mark.parametrize("path", ["/huge-header", "/many-headers"])
def test_monstrous_headers_fail_cleanly_and_are_not_retried_forever(tmp_path, path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, [path, "/ok"], "-s", "RETRY_TIMES=2")
        log = server_log(base)
    assert result.returncode == 0
    assert log.count(path) <= 3  # the first try and at most RETRY_TIMES retries
    assert stats["text/documents"] == 1


def test_same_payload_without_validators_becomes_an_identical_payload_revisit(tmp_path):
    with fault_server() as base:
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "faults.yaml").write_text(SEED.format(starts=f"'{base}/ok'") + "refresh: {articles_after: 0s}\n")
        for _ in range(2):
            result = run_scrapy(
                "crawl", "faults", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}"
            )
            assert result.returncode == 0, result.stderr[-2000:]
    revisits = []
    for path in sorted((tmp_path / "archive" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "revisit":
                    headers = record.rec_headers
                    revisits.append(
                        (
                            headers.get_header("WARC-Profile"),
                            headers.get_header("WARC-Truncated"),
                            headers.get_header("WARC-Refers-To-Target-URI"),
                            bool(headers.get_header("WARC-Refers-To")),
                            bool(headers.get_header("WARC-Refers-To-Date")),
                        )
                    )
    assert revisits == [
        (
            "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
            "length",
            f"{base}/robots.txt",
            True,
            True,
        ),
        ("http://netpreserve.org/warc/1.1/revisit/identical-payload-digest", "length", f"{base}/ok", True, True),
    ]
    assert len(list((tmp_path / "archive" / "text" / "faults").glob("*.txt"))) == 1


def state_rows(tmp_path: Path) -> dict[str, tuple]:
    """URL path -> (status, failures, retry_at) from the archive's state."""
    db = sqlite3.connect(tmp_path / "archive" / "state.sqlite")
    try:
        return {
            "/" + url.split("/", 3)[3]: (status, failures, retry_at)
            for url, status, failures, retry_at in db.execute("SELECT url, status, failures, retry_at FROM urls")
        }
    finally:
        db.close()


def test_failed_urls_stay_due_with_a_retry_time_that_backs_off(tmp_path):
    paths = ["/storm/1", "/retry-after", "/tarpit", "/ok"]
    with fault_server() as base:
        before = time.time()
        stats, result = crawl(tmp_path, base, paths, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "STATE_RETRY_BASE=600")
        assert result.returncode == 0
        rows = state_rows(tmp_path)
        # each 5xx was archived; every failure is in the state with its retry time (two tries each)
        assert [(t, s) for t, s, p in archived(tmp_path) if p != "/robots.txt"].count(("response", "500")) == 2
        assert {p: rows[p][:2] for p in paths} == {
            "/storm/1": (500, 1),
            "/retry-after": (503, 1),
            "/tarpit": (0, 1),
            "/ok": (200, 0),
        }
        for path in ("/storm/1", "/retry-after", "/tarpit"):
            assert before + 600 <= rows[path][2] <= time.time() + 600
        assert rows["/ok"][2] == 0
        assert stats["incremental/failed"] == 6

        # the next crawl does not ask for them before their time (nor for the young article /ok)
        served = len(server_log(base))
        stats, result = crawl(tmp_path, base, paths, "-s", "DOWNLOAD_TIMEOUT=1")
        assert result.returncode == 0
        assert (stats["incremental/skipped/retry_later"], stats["incremental/skipped/fresh"]) == (3, 1)
        assert [p for p in server_log(base)[served:] if p != "/robots.txt"] == []

        # once the time has come it is fetched again, and a second failed crawl waits twice as long
        db = sqlite3.connect(tmp_path / "archive" / "state.sqlite")
        db.execute("UPDATE urls SET retry_at = 1 WHERE url LIKE '%/storm/1'")
        db.commit()
        db.close()
        before = time.time()
        stats, _ = crawl(tmp_path, base, paths, "-s", "DOWNLOAD_TIMEOUT=1")
        status, failures, retry_at = state_rows(tmp_path)["/storm/1"]
    assert (status, failures) == (500, 2)
    assert before + 1200 <= retry_at <= time.time() + 1200
    assert stats["incremental/skipped/retry_later"] == 2

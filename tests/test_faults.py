"""Faults and hostile servers, against a raw-socket server (tests/faultserver.py) and a real crawl.

Each test crawls one small source and reads the crawl report (ARCHIVE_DIR/reports/*.json), the
WARC files and the text files it left.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from .conftest import run_scrapy

HERE = Path(__file__).parent

SEED = """\
name: faults
start_urls: [{starts}]
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/ok$', '/bad-label$', '/binary$', '/chain/\\d+$', '/truncated$', '/badchunk$', '/gzip-bomb$']
follow: ['/loop$', '/to-']
politeness: {{delay: 0, concurrency: 8, robots: true}}
"""


@contextmanager
def fault_server(robots: str = "ok"):
    proc = subprocess.Popen([sys.executable, str(HERE / "faultserver.py"), "--robots", robots],
                            stdout=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait()


def crawl(tmp_path: Path, base: str, paths: list[str], *settings: str) -> tuple[dict, subprocess.CompletedProcess]:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    starts = ", ".join(f"'{base}{p}'" for p in paths)
    (seeds / "faults.yaml").write_text(SEED.format(starts=starts))
    archive = tmp_path / "archive"
    result = run_scrapy("crawl", "faults", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}",
                        "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=3", *settings, timeout=240)
    reports = sorted((archive / "reports").glob("faults-*.json"))
    assert reports, result.stderr[-3000:]
    return json.loads(reports[-1].read_text()), result


def archived(tmp_path: Path) -> list[tuple[str, str, str]]:
    """(record type, status, URL path) of every response/revisit record, in file order."""
    out = []
    for path in sorted((tmp_path / "archive" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "revisit"):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    status = record.http_headers.get_statuscode() if record.http_headers else ""
                    out.append((record.rec_type, status, "/" + url.split("/", 3)[3]))
    return out


def server_log(base: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/__log") as response:
        return [line.split()[1] for line in response.read().decode().splitlines() if line and " /__log " not in line]


def test_redirects_off_site_to_private_addresses_and_file_are_never_followed(tmp_path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, ["/to-private", "/to-file", "/to-offsite"])
    assert result.returncode == 1, result.stderr[-2000:]  # only redirects out of scope: nothing of the site
    assert result.stderr.strip().splitlines()[-1] == (
        "error: crawl of faults failed: nothing archived: start URLs (or their redirects) lead outside "
        "the seed's `allowed_domains`")
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


def test_redirect_chain_stops_at_the_cap_and_each_hop_is_archived_once(tmp_path):
    with fault_server() as base:
        stats, _ = crawl(tmp_path, base, ["/chain/0", "/loop"], "-s", "REDIRECT_MAX_TIMES=20")
        log = server_log(base)
    hops = [p for _, _, p in archived(tmp_path) if p.startswith("/chain/")]
    assert hops == [f"/chain/{n}" for n in range(21)]
    assert log.count("/loop") == 1  # the loop's target is itself: filtered as a duplicate after one hop
    assert [p for _, _, p in archived(tmp_path)].count("/loop") == 1
    assert stats.get("text/documents", 0) == 0


def test_truncated_and_badly_chunked_bodies_give_no_text(tmp_path):
    with fault_server() as base:
        stats, _ = crawl(tmp_path, base, ["/truncated", "/badchunk", "/ok"])
    assert stats["text/documents"] == 1  # /ok only
    texts = sorted((tmp_path / "archive" / "text" / "faults").glob("*.txt"))
    assert len(texts) == 1
    assert [p for _, _, p in archived(tmp_path) if p in ("/truncated", "/badchunk")] == []


def test_binary_page_is_archived_without_text_and_bad_label_decodes(tmp_path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, ["/binary", "/bad-label"], "-s", "LOG_LEVEL=DEBUG")
    assert ("response", "200", "/binary") in archived(tmp_path)
    # the dropped page is logged by its URL and reason, never with its body (its repr leaves it out)
    assert max(len(line) for line in result.stderr.splitlines()) < 2000
    assert "body=" not in result.stderr
    assert stats["text/dropped/undecodable"] == 1
    [text] = (tmp_path / "archive" / "text" / "faults").glob("*.txt")
    body = text.read_text("utf-8").split("---\n", 2)[2].splitlines()
    assert body[0] == "标签错误"
    assert body[1] == "这一页的字符集标签无效，正文使用国标码编写，应当按后备规则正确解码。"


@pytest.mark.parametrize(("robots", "fetched"), [("500", False), ("hang", False), ("404", True)])
def test_robots_txt_errors_follow_rfc_9309(tmp_path, robots, fetched):
    with fault_server(robots) as base:
        stats, _ = crawl(tmp_path, base, ["/ok"], "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=0")
        log = server_log(base)
    assert ("/ok" in log) is fetched
    assert stats.get("robots/unreachable", 0) == (0 if fetched else 1)


def test_retry_after_delays_the_next_request_to_that_host(tmp_path):
    with fault_server() as base:
        stats, _ = crawl(tmp_path, base, ["/retry-after"], "-s", "RETRY_TIMES=1")
        with urllib.request.urlopen(f"{base}/__log") as response:
            times = [float(line.split()[2]) for line in response.read().decode().splitlines()
                     if line.split()[1] == "/retry-after"]
    assert len(times) == 2
    assert times[1] - times[0] >= 2.0
    assert stats["hostguard/retry_after"] == 2
    assert [s for _, s, p in archived(tmp_path) if p == "/retry-after"] == ["503", "503"]


def test_a_5xx_storm_opens_the_breaker_and_fails_the_crawl(tmp_path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, [f"/storm/{n}" for n in range(8)],
                              "-s", "HOSTGUARD_BREAKER_THRESHOLD=3", "-s", "RETRY_TIMES=0",
                              "-s", "CONCURRENT_REQUESTS=1")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "error: crawl of faults failed: circuit breaker open for 127.0.0.1 after 3 failures")
    assert stats["hostguard/breaker_open"] == 1
    storms = [p for _, _, p in archived(tmp_path) if p.startswith("/storm/")]
    assert len(storms) == 3  # every response that came back is archived; the rest were not sent
    assert stats["hostguard/refused"] == 5


def test_tarpit_and_slow_drip_time_out_and_other_pages_keep_flowing(tmp_path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, ["/tarpit", "/drip", "/ok"], "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=0")
    assert result.returncode == 0
    assert stats["text/documents"] == 1  # /ok arrived while the other two hung
    assert stats["downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError"] == 2
    assert stats["elapsed_time_seconds"] < 30


def test_gzip_bomb_is_archived_raw_without_text(tmp_path):
    with fault_server() as base:
        stats, _ = crawl(tmp_path, base, ["/gzip-bomb"], "-s", "TEXT_MAX_DECOMPRESSED_SIZE=5000000",
                         "-s", "DOWNLOAD_MAXSIZE=1000000000")
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
            result = run_scrapy("crawl", "faults", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
            assert result.returncode == 0, result.stderr[-2000:]
    revisits = []
    for path in sorted((tmp_path / "archive" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "revisit":
                    headers = record.rec_headers
                    revisits.append((headers.get_header("WARC-Profile"), headers.get_header("WARC-Truncated"),
                                     headers.get_header("WARC-Refers-To-Target-URI"),
                                     bool(headers.get_header("WARC-Refers-To")), bool(headers.get_header("WARC-Refers-To-Date"))))
    assert revisits == [
        ("http://netpreserve.org/warc/1.1/revisit/identical-payload-digest", "length", f"{base}/robots.txt", True, True),
        ("http://netpreserve.org/warc/1.1/revisit/identical-payload-digest", "length", f"{base}/ok", True, True),
    ]
    assert len(list((tmp_path / "archive" / "text" / "faults").glob("*.txt"))) == 1


def state_rows(tmp_path: Path) -> dict[str, tuple]:
    """URL path -> (status, failures, retry_at) from the archive's state."""
    db = sqlite3.connect(tmp_path / "archive" / "state.sqlite")
    try:
        return {"/" + url.split("/", 3)[3]: (status, failures, retry_at)
                for url, status, failures, retry_at in db.execute("SELECT url, status, failures, retry_at FROM urls")}
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
        assert {p: rows[p][:2] for p in paths} == {"/storm/1": (500, 1), "/retry-after": (503, 1),
                                                    "/tarpit": (0, 1), "/ok": (200, 0)}
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

"""WarcExtension (crawler/extensions/warc.py) in real `scrapy crawl` runs against tests/mockserver.py.

Spiders are in tests/data/warc/warcspiders.py. Only Scrapy's own middlewares and the WARC
extension are enabled, so these tests see exactly what the extension does.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.extensions.warc import WarcExtension
from crawler.warc.members import iter_members
from crawler.warc.reader import iter_records, read_record_at
from crawler.warc.verify import verify_warc

from .conftest import project_settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from mockserver import ARTICLE, ROBOTS  # noqa: E402  (the server's own constants)

from .conftest import mock_server, project_settings  # noqa: E402


@pytest.fixture(scope="module")
def server():
    with mock_server() as base:
        yield base


def crawl_args(spider: str, archive: Path, base: str, *extra: str) -> list[str]:
    settings = {
        "SPIDER_LOADER_CLASS": "scrapy.spiderloader.SpiderLoader",
        "SPIDER_MODULES": "warcspiders",
        "ARCHIVE_DIR": str(archive),
        "DOWNLOADER_MIDDLEWARES": "{}",
        "ITEM_PIPELINES": "{}",
        "EXTENSIONS": json.dumps({"crawler.extensions.warc.WarcExtension": 100}),
        "RETRY_ENABLED": "False",
        "LOG_LEVEL": "INFO",
        "USER_AGENT": "warc-test-agent/1.0",
    }
    args = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base={base}"]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    return args + list(extra)


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE / "data" / "warc"), str(ROOT)])}


def crawl(spider, archive, base, *extra, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        crawl_args(spider, archive, base, *extra),
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec_fn,
    )


def stat(stderr: str, key: str) -> int | None:
    found = re.search(rf"'{re.escape(key)}': (\d+)", stderr)
    return int(found.group(1)) if found else None


def warcio_check(path: Path) -> int:
    return subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True).returncode


def b32sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def all_sound(archive: Path) -> list[Path]:
    files = sorted((archive / "warc").iterdir())
    assert [p for p in files if not p.name.endswith(".warc.gz")] == []
    for path in files:
        assert verify_warc(path) == []
        assert warcio_check(path) == 0
    return files


@pytest.fixture(scope="module")
def edge(server, tmp_path_factory):
    archive = tmp_path_factory.mktemp("edge")
    result = crawl("warcedge", archive, server)
    assert result.returncode == 0, result.stderr
    files = all_sound(archive)
    records = []
    for path, offset, record in iter_records(files):
        records.append(
            (path, offset, record.rec_type, record.rec_headers, record.http_headers, record.raw_stream.read())
        )
    return archive, server, result.stderr, records


def responses(edge, path: str):
    _, base, _, records = edge
    return [r for r in records if r[2] == "response" and r[3].get_header("WARC-Target-URI") == base + path]


def concurrent(edge, record_id: str, rec_type: str):
    found = [r for r in edge[3] if r[2] == rec_type and r[3].get_header("WARC-Concurrent-To") == record_id]
    assert len(found) == 1
    return found[0]


def test_disabled_extension_is_not_configured():
    crawler = get_crawler(Spider, {"WARC_ENABLED": False})
    with pytest.raises(NotConfigured, match="WARC_ENABLED is off"):
        build_from_crawler(WarcExtension, crawler)


def test_every_download_is_a_response_request_metadata_triple(edge):
    archive, _, stderr, records = edge
    kinds = [r[2] for r in records]
    assert kinds[0] == "warcinfo"
    assert kinds[1:] == ["response", "request", "metadata"] * 10
    for i in range(1, len(records), 3):
        response_id = records[i][3].get_header("WARC-Record-ID")
        assert records[i + 1][3].get_header("WARC-Concurrent-To") == response_id
        assert records[i + 2][3].get_header("WARC-Concurrent-To") == response_id
        assert records[i][3].get_header("WARC-Payload-Digest") == b32sha1(records[i][5])
        assert records[i][3].get_header("WARC-IP-Address") == "127.0.0.1"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", records[i][3].get_header("WARC-Date"))
    assert (
        stat(stderr, "warc/records/response"),
        stat(stderr, "warc/records/request"),
        stat(stderr, "warc/records/metadata"),
        stat(stderr, "warc/files"),
    ) == (10, 10, 10, 1)
    assert stat(stderr, "warc/bytes") == sum(p.stat().st_size for p in (archive / "warc").iterdir()) - records[1][1]


def test_warcinfo_describes_the_crawl(edge):
    _, _, _, records = edge
    fields = dict(line.split(": ", 1) for line in records[0][5].decode().splitlines())
    assert fields["software"].startswith("scrapy-news-archiver/0.1.0 warcio/")
    assert (fields["format"], fields["source"], fields["robots"], fields["http-header-user-agent"]) == (
        "WARC File Format 1.1",
        "warcedge",
        "classic",
        "warc-test-agent/1.0",
    )
    assert records[0][3].get_header("WARC-Filename") == records[0][0].name


def test_gzip_chunked_body_kept_encoded_and_dechunked(edge):
    [(_, _, _, headers, http, payload)] = responses(edge, "/gzip-chunked")
    assert gzip.decompress(payload) == ARTICLE
    assert payload == gzip.compress(ARTICLE, mtime=0)
    assert http.get_header("Content-Encoding") == "gzip"
    assert http.get_header("Transfer-Encoding") is None
    assert http.get_header("Content-Length") == str(len(payload))
    # Twisted drops the Transfer-Encoding header before Scrapy sees it: the metadata record says
    # the body was de-chunked (``via``) and that Content-Length is ours
    meta = concurrent(edge, headers.get_header("WARC-Record-ID"), "metadata")
    assert meta[5].decode().splitlines() == [
        "via: scrapy response_downloaded signal: body de-chunked, still Content-Encoded",
        "reconstructed: status-reason, header-case, header-order, content-length",
        "request-reconstructed: header-case, header-order, host",
        "protocol: HTTP/1.1",
    ]


def test_redirect_chain_every_hop_archived(edge):
    hops = [responses(edge, p) for p in ("/redirect?step=1", "/redirect?step=2", "/page?id=3&q=%E6%96%B0%E9%97%BB")]
    assert [(h[0][4].get_statuscode(), h[0][4].get_header("Location")) for h in hops] == [
        ("302", "/redirect?step=2"),
        ("301", "/page?id=3&q=%E6%96%B0%E9%97%BB"),
        ("200", None),
    ]


def test_conditional_get_304_and_its_request(edge):
    etag = sorted(responses(edge, "/etag"), key=lambda r: r[4].get_statuscode())
    assert [r[4].get_statuscode() for r in etag] == ["200", "304"]
    assert etag[1][5] == b""
    request = concurrent(edge, etag[1][3].get_header("WARC-Record-ID"), "request")
    assert request[4].get_header("If-None-Match") == '"v1"'


def test_500_robots_cookies_and_query_string(edge):
    _, base, _, _ = edge
    [error] = responses(edge, "/error")
    assert (error[4].statusline, error[5]) == ("500 Internal Server Error", b"internal error\n")
    [robots] = responses(edge, "/robots.txt")
    assert robots[5] == ROBOTS
    [cookies] = responses(edge, "/cookies")
    assert [v for k, v in cookies[4].headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]
    [page] = responses(edge, "/page?id=7&q=%E4%B8%AD%E6%96%87")
    request = concurrent(edge, page[3].get_header("WARC-Record-ID"), "request")
    lines = request[4].to_str().splitlines()
    assert lines[0] == "GET /page?id=7&q=%E4%B8%AD%E6%96%87 HTTP/1.1"
    assert lines[1] == f"Host: {base.split('//')[1]}"
    assert request[4].get_header("User-Agent") == "warc-test-agent/1.0"


def test_capture_in_request_meta_is_the_archived_record(edge):
    archive, _, _, _ = edge
    seen = json.loads((archive / "captures.json").read_text())
    assert len(seen) == 7  # every callback (robots.txt and the two redirect hops have none)
    for entry in seen:
        capture = entry["capture"]
        stored = read_record_at(archive / "warc" / capture["file"], capture["offset"])
        assert stored.rec_type == "response"
        assert stored.rec_headers.get_header("WARC-Record-ID") == capture["record_id"]
        assert stored.rec_headers.get_header("WARC-Payload-Digest") == capture["payload_digest"]
        assert stored.rec_headers.get_header("WARC-Date") == capture["warc_date"]
        assert hashlib.sha1(stored.payload).hexdigest() == capture["body_sha1"]
        assert [list(h) for h in stored.http_headers.headers] == capture["headers"]
        assert (capture["url"], capture["status"], capture["source"]) == (entry["url"], entry["status"], "warcedge")
        assert entry["located"] == ["Located", entry["url"], capture["warc_date"], "warcedge"]


def test_request_meta_carries_where_the_record_is_never_a_body(edge):
    archive, _, _, _ = edge
    seen = json.loads((archive / "captures.json").read_text())
    assert [e["url"] for e in seen if e["capture"] is None] == []
    # the largest page's payload is read back from the record, not found in the request's meta
    assert all(entry["meta_with_bytes"] == [] for entry in seen), [e for e in seen if e["meta_with_bytes"]]


def test_the_capture_built_at_download_is_the_record_read_back(edge):
    """One builder of a Capture: the extension's, from the record it has just written, equals
    the one a worker reads back from the WARC file (crawler.warc.reader.capture_of)."""
    archive, base, _, _ = edge
    from scrapy.http import Request as ScrapyRequest
    from scrapy.http import Response as ScrapyResponse

    from crawler.workers import read_capture

    ext = WarcExtension.from_crawler(get_crawler(Spider, project_settings(ARCHIVE_DIR=str(archive / "again"))))
    spider = Spider("warcedge")
    ext.spider_opened(spider)
    request = ScrapyRequest(base + "/built")
    body = bytes(range(256)) * 40  # not text: the payload's bytes as they came
    response = ScrapyResponse(
        base + "/built",
        status=200,
        headers={"Content-Type": "application/octet-stream", "ETag": '"x"'},
        body=body,
        request=request,
    )
    captured = {}
    original = ext._capture

    def keep(*args):
        captured["capture"] = original(*args)
        return captured["capture"]

    ext._capture = keep
    ext.response_downloaded(response, request, spider)
    ext.spider_closed(spider, "finished")
    located = request.meta["capture"]
    assert read_capture(located.file, located.offset, located.source) == captured["capture"]
    assert captured["capture"].body == body and captured["capture"].url == base + "/built"


def test_cdxj_index_written_without_request_or_metadata_lines(edge):
    archive, _, _, records = edge
    lines = (archive / "index.cdxj").read_text().splitlines()
    assert lines == sorted(lines)
    fields = [json.loads(line.split(" ", 2)[2]) for line in lines]
    offsets = sorted(int(f["offset"]) for f in fields)
    assert offsets == sorted(r[1] for r in records if r[2] == "response")


def test_sigkill_while_writing_then_restart_leaves_only_sound_files(server, tmp_path):
    proc = subprocess.Popen(
        crawl_args("warcbig", tmp_path, server, "-a", "n=40", "-a", "size=400000", "-a", "delay=0.002"),
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            opened = list((tmp_path / "warc").glob("*.open")) if (tmp_path / "warc").is_dir() else []
            if opened and opened[0].stat().st_size > 3_000_000:
                break
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    [opened] = (tmp_path / "warc").iterdir()
    assert opened.suffix == ".open"
    # os.write puts a whole record in the page cache in one call, so a SIGKILL almost always
    # lands between records; a torn tail (what an OS crash or a kill inside write() leaves) is
    # added here: the first half of a copy of the file's last member
    last = list(iter_members(io.BytesIO(opened.read_bytes())))[-1]
    torn = opened.read_bytes()[last.offset : last.offset + last.length // 2]
    with open(opened, "ab") as fh:
        fh.write(torn)
    size_before = opened.stat().st_size
    result = crawl("warcedge", tmp_path, server)
    assert result.returncode == 0, result.stderr
    assert "WARC crash repair: " in result.stderr
    assert "bytes of a partial record cut (truncated gzip member at offset" in result.stderr
    assert stat(result.stderr, "warc/repaired_files") == 1
    files = all_sound(tmp_path)
    assert len(files) == 2
    assert files[0].stat().st_size == size_before - len(torn)
    lines = (tmp_path / "index.cdxj").read_text().splitlines()
    assert {json.loads(line.split(" ", 2)[2])["filename"] for line in lines} == {p.name for p in files}

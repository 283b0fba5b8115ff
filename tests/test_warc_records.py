"""Record building (crawler/warc/records.py): byte-exact golden records, digests, reconstruction."""

from __future__ import annotations

import base64
import hashlib
import itertools
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from crawler.warc.records import (
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    Exchange,
    RecordFactory,
    RefersTo,
    host_header,
    http_protocol,
    request_target,
    warc_date,
)

DATA = Path(__file__).parent / "data" / "warc"
BODY = "<html><body><p>\u65b0\u95fb\u6b63\u6587</p></body></html>".encode("gbk")


def fixed_factory() -> RecordFactory:
    ids = (f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>" for n in itertools.count(1))
    return RecordFactory(make_id=lambda: next(ids), clock=lambda: datetime(2026, 11, 22, 6, 50, 53, 123456, tzinfo=UTC))


def exchange(**changes) -> Exchange:
    values = dict(
        url="http://news.example.cn/a/2026/1122/42.html?from=home&page=2",
        method="GET",
        request_headers=(("User-Agent", "test-agent/1.0"), ("Accept-Encoding", "gzip, deflate"), ("Cookie", "sid=abc")),
        request_body=b"",
        status=200,
        protocol="HTTP/1.1",
        response_headers=(
            ("Content-Type", "text/html; charset=gbk"),
            ("Set-Cookie", "a=1; Path=/"),
            ("Set-Cookie", "b=2; Path=/"),
            ("Transfer-Encoding", "chunked"),
        ),
        body=BODY,
        ip_address="203.0.113.7",
    )
    values.update(changes)
    return Exchange(**values)


def serialize(records) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    for record in records:
        writer.write_record(record)
    return out.getvalue()


def golden_bytes() -> bytes:
    factory = fixed_factory()
    warcinfo = factory.build_warcinfo(
        "news-20261122065053-00000-host-1.warc.gz",
        {
            "software": "scrapy-news-archiver/0.1.0 warcio/1.8.1 scrapy/2.19.0",
            "format": "WARC File Format 1.1",
            "source": "demo-news",
            "operator": "",
        },
    )
    refers = RefersTo(
        "<urn:uuid:00000000-0000-4000-8000-000000000002>",
        exchange().url,
        "2026-11-22T06:50:53Z",
        "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    )
    return serialize(
        [
            warcinfo,
            *factory.build_exchange(exchange()),
            *factory.build_revisit(exchange(status=304, body=b"", response_headers=()), PROFILE_NOT_MODIFIED, refers),
            *factory.build_revisit(exchange(), PROFILE_IDENTICAL, refers),
        ]
    )


def b32sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_records_equal_the_golden_file_byte_for_byte():
    assert golden_bytes() == (DATA / "golden-records.warc").read_bytes()


def test_golden_file_passes_warcio_digest_checks():
    records = []
    for record in ArchiveIterator(BytesIO(golden_bytes()), check_digests=True):
        record.content_stream().read()
        records.append((record.rec_type, record.digest_checker.passed))
    assert records == [
        ("warcinfo", True),
        ("response", True),
        ("request", True),
        ("metadata", True),
        ("revisit", None),
        ("request", True),
        ("metadata", True),
        ("revisit", None),
        ("request", True),
        ("metadata", True),
    ]


def test_payload_and_block_digests_recomputed_independently():
    response = fixed_factory().build_exchange(exchange())[0]
    data = serialize([response])
    head, _, rest = data.partition(b"\r\n\r\n")
    block = rest[:-4]  # the record ends with two CRLF
    http_head, _, payload = block.partition(b"\r\n\r\n")
    assert payload == BODY
    assert f"WARC-Payload-Digest: {b32sha1(BODY)}".encode() in head
    assert f"WARC-Block-Digest: {b32sha1(block)}".encode() in head
    assert f"Content-Length: {len(block)}".encode() in head


def test_response_keeps_repeats_drops_transfer_encoding_sets_length():
    response = fixed_factory().build_exchange(exchange())[0]
    assert response.http_headers.protocol == "HTTP/1.1"
    assert response.http_headers.statusline == "200 OK"
    assert response.http_headers.headers == [
        ("Content-Type", "text/html; charset=gbk"),
        ("Set-Cookie", "a=1; Path=/"),
        ("Set-Cookie", "b=2; Path=/"),
        ("Content-Length", str(len(BODY))),
    ]
    assert response.rec_headers.get_header("WARC-IP-Address") == "203.0.113.7"
    assert response.rec_headers.get_header("WARC-Date") == "2026-11-22T06:50:53Z"


def test_received_content_length_replaced_in_place():
    headers = (("Content-Length", "999"), ("Content-Type", "text/plain"))
    factory = fixed_factory()
    response, _, meta = factory.build_exchange(exchange(response_headers=headers))
    assert response.http_headers.headers == [("Content-Length", str(len(BODY))), ("Content-Type", "text/plain")]
    assert b"content-length" in meta.raw_stream.getvalue()
    same = (("Content-Length", str(len(BODY))),)
    _, _, meta = factory.build_exchange(exchange(response_headers=same))
    assert b"reconstructed: status-reason, header-case, header-order\r\n" in meta.raw_stream.getvalue()


def test_head_and_304_keep_the_servers_content_length():
    response = fixed_factory().build_exchange(
        exchange(status=304, body=b"", response_headers=(("Content-Length", "512"),))
    )[0]
    assert response.http_headers.headers == [("Content-Length", "512")]
    assert response.http_headers.statusline == "304 Not Modified"


def test_request_record_line_host_and_concurrency():
    response, request, meta = fixed_factory().build_exchange(exchange())
    assert request.http_headers.to_str().splitlines()[:2] == [
        "GET /a/2026/1122/42.html?from=home&page=2 HTTP/1.1",
        "Host: news.example.cn",
    ]
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id
    assert meta.rec_headers.get_header("WARC-Concurrent-To") == response_id
    assert meta.raw_stream.getvalue().decode().splitlines() == [
        "via: scrapy response_downloaded signal: body de-chunked, still Content-Encoded",
        "reconstructed: status-reason, header-case, header-order, content-length, transfer-encoding-removed",
        "request-reconstructed: header-case, header-order, host",
        "protocol: HTTP/1.1",
    ]


def test_post_request_body_gets_its_length():
    request = fixed_factory().build_exchange(exchange(method="POST", request_body=b"q=1"))[1]
    assert ("Content-Length", "3") in request.http_headers.headers
    assert serialize([request]).endswith(b"\r\n\r\nq=1\r\n\r\n")


def test_h2_unknown_status_non_ascii_header_and_dataloss():
    response, _, meta = fixed_factory().build_exchange(
        exchange(protocol="h2", status=599, response_headers=(("X-Title", "\u65b0\u95fb"),), truncated="disconnect")
    )
    data = serialize([response])
    assert b"\r\nHTTP/2.0 599\r\n" in data
    assert b"X-Title: %E6%96%B0%E9%97%BB\r\n" in data
    assert response.rec_headers.get_header("WARC-Truncated") == "disconnect"
    fields = meta.raw_stream.getvalue().decode()
    assert (
        "reconstructed: protocol, status-reason, header-case, header-order, content-length, "
        "header-percent-encoded\r\n" in fields
    )
    assert "protocol: h2\r\ntruncated: disconnect\r\n" in fields


def test_revisit_profiles():
    factory = fixed_factory()
    refers = RefersTo("<urn:uuid:old>", "http://a.cn/", "2026-01-02T03:04:05Z", "sha1:OLD")
    not_modified = factory.build_revisit(exchange(status=304, body=b""), PROFILE_NOT_MODIFIED, refers)[0]
    identical = factory.build_revisit(exchange(), PROFILE_IDENTICAL, refers)[0]
    for record, profile in ((not_modified, PROFILE_NOT_MODIFIED), (identical, PROFILE_IDENTICAL)):
        headers = record.rec_headers
        assert (
            headers.get_header("WARC-Profile"),
            headers.get_header("WARC-Refers-To"),
            headers.get_header("WARC-Refers-To-Target-URI"),
            headers.get_header("WARC-Refers-To-Date"),
            headers.get_header("WARC-Payload-Digest"),
        ) == (profile, "<urn:uuid:old>", "http://a.cn/", "2026-01-02T03:04:05Z", "sha1:OLD")
    assert b"\r\nContent-Length: 0\r\n" in serialize([not_modified])
    assert not_modified.rec_headers.get_header("Content-Type") is None
    assert identical.rec_headers.get_header("WARC-Truncated") == "length"
    assert serialize([identical]).endswith(b"Content-Length: %d\r\n\r\n\r\n\r\n" % len(BODY))
    with pytest.raises(ValueError):
        factory.build_revisit(exchange(), "http://example.com/other", refers)


@pytest.mark.parametrize(
    ("url", "target", "host"),
    [
        ("http://a.cn", "/", "a.cn"),
        ("https://a.cn:443/x?y=1#frag", "/x?y=1", "a.cn"),
        ("http://u:p@a.cn:8080/p;q?r", "/p;q?r", "a.cn:8080"),
    ],
)
def test_request_target_and_host(url, target, host):
    assert (request_target(url), host_header(url)) == (target, host)


def test_protocol_and_date_spelling():
    assert [http_protocol(p) for p in ("HTTP/1.0", "h2", None, "weird")] == [
        "HTTP/1.0",
        "HTTP/2.0",
        "HTTP/1.1",
        "HTTP/1.1",
    ]
    assert warc_date(datetime(2026, 1, 2, 3, 4, 5, 999999)) == "2026-01-02T03:04:05Z"


def test_the_request_line_says_what_scrapy_sent_whatever_the_server_answered():
    """An HTTP/1.0 server is still asked in HTTP/1.1 (Scrapy's handler); h2 answers were h2 requests."""
    for answered, sent in (("HTTP/1.0", "HTTP/1.1"), ("HTTP/1.1", "HTTP/1.1"), ("h2", "HTTP/2.0"), (None, "HTTP/1.1")):
        response, request, _ = fixed_factory().build_exchange(exchange(protocol=answered))
        assert request.http_headers.to_str().splitlines()[0] == f"GET /a/2026/1122/42.html?from=home&page=2 {sent}"
        if answered == "HTTP/1.0":
            assert response.http_headers.protocol == "HTTP/1.0"  # the response keeps its own


def test_a_304s_own_headers_are_kept_in_the_revisits_metadata_record():
    factory = fixed_factory()
    refers = RefersTo("<urn:uuid:old>", "http://news.example.cn/a/1.html", "2026-11-01T00:00:00Z", "sha1:OLD")
    received = (("Date", "Sun, 06 Dec 2026 10:00:00 GMT"), ("ETag", '"v7"'), ("Cache-Control", "max-age=60"))
    revisit, _, meta = factory.build_revisit(
        exchange(status=304, body=b"", response_headers=received), PROFILE_NOT_MODIFIED, refers
    )
    assert revisit.http_headers is None  # replay shows the referred payload, not a 304
    fields = meta.raw_stream.getvalue().decode().splitlines()
    assert [x for x in fields if x.startswith("received-")] == [
        "received-status: 304",
        "received-header: Date: Sun, 06 Dec 2026 10:00:00 GMT",
        'received-header: ETag: "v7"',
        "received-header: Cache-Control: max-age=60",
    ]

"""Reading records back (crawler/warc/reader.py): offsets, capped payloads, captures."""

from __future__ import annotations

import gzip

import pytest

from crawler.warc.errors import WarcReadError
from crawler.warc.reader import capture_of, iter_records, read_content, read_payload, read_record_at
from crawler.warc.records import Exchange
from tests.test_warc_writer import NAME, group, make_writer

HTML = "<p>\u4f8b\u5b50</p>".encode("utf-8") * 100


def gzipped_page(tmp_path):
    w = make_writer(tmp_path)
    ex = Exchange(
        "http://a.cn/x?y=1",
        "GET",
        (),
        b"",
        200,
        "HTTP/1.1",
        (
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ),
        gzip.compress(HTML, mtime=0),
    )
    locations = w.write(w.factory.build_exchange(ex))
    w.write(group(w, 2))
    w.close()
    return tmp_path / NAME.format(0), locations


def test_iter_records_gives_the_writers_offsets(tmp_path):
    path, locations = gzipped_page(tmp_path)
    seen = [(offset, record.rec_headers.get_header("WARC-Record-ID")) for _, offset, record in iter_records([path])]
    assert seen[1:4] == [(loc.offset, loc.record_id) for loc in locations]
    assert len(seen) == 7


def test_payload_as_stored_and_content_decoded_both_capped(tmp_path):
    path, locations = gzipped_page(tmp_path)
    for _, offset, record in iter_records([path]):
        if offset == locations[0].offset:
            assert read_content(record) == HTML
    for _, offset, record in iter_records([path]):
        if offset == locations[0].offset:
            with pytest.raises(WarcReadError, match=r"^http://a.cn/x\?y=1: payload larger than 100 bytes$"):
                read_content(record, limit=100)
    stored = read_record_at(path, locations[0].offset)
    assert stored.payload == gzip.compress(HTML, mtime=0)
    with pytest.raises(WarcReadError, match="payload larger than 10 bytes"):
        read_record_at(path, locations[0].offset, limit=10)
    for _, offset, record in iter_records([path]):
        if offset == locations[0].offset:
            assert read_payload(record, limit=len(stored.payload)) == stored.payload


def test_capture_of_a_response_record(tmp_path):
    path, locations = gzipped_page(tmp_path)
    capture = capture_of(read_record_at(path, locations[0].offset), "demo")
    assert capture.url == "http://a.cn/x?y=1"
    assert capture.headers == (
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "gzip"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Content-Length", str(len(capture.body))),
    )
    assert (capture.warc.file, capture.warc.offset, capture.warc.record_id) == (
        NAME.format(0),
        locations[0].offset,
        locations[0].record_id,
    )
    assert capture.warc_date == "2026-11-22T06:50:53Z"
    with pytest.raises(WarcReadError, match="a request record, not an HTTP response"):
        capture_of(read_record_at(path, locations[1].offset), "demo")


def test_no_record_at_a_wrong_offset(tmp_path):
    path, locations = gzipped_page(tmp_path)
    with pytest.raises(WarcReadError, match=rf"^{path}: offset 5: no readable record "):
        read_record_at(path, 5)


def test_payload_digest_is_warcios_and_the_hand_written_one_it_replaced(tmp_path):
    import base64
    import hashlib

    from crawler.extensions.warc import payload_digest

    path, locations = gzipped_page(tmp_path)
    stored = read_record_at(path, locations[0].offset)
    assert payload_digest(stored.payload) == stored.rec_headers.get_header("WARC-Payload-Digest")
    for body in (b"", stored.payload, HTML, bytes(range(256)) * 100):
        assert payload_digest(body) == "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")

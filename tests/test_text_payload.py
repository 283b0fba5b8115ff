"""Content-Encoding on the text path (crawler/text/payload.py): every coding Scrapy asks for."""

from __future__ import annotations

import gzip
import itertools
import random
import resource
import zlib

import brotli
import pytest
from backports import zstd
from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS

from crawler.text.model import Capture, TextError
from crawler.text.payload import DECODERS, decode_payload

PAGE = "<html><body><p>社区志愿者为独居老人送去年夜饭。</p></body></html>".encode("gb18030") * 50

#: how a server applies each coding; Scrapy advertising one that is missing here fails the tests below
ENCODERS = {
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


def scrapy_codings() -> list[str]:
    """What the crawl's Accept-Encoding asks for, read from the installed Scrapy."""
    return [coding.decode("ascii") for coding in ACCEPTED_ENCODINGS]


def capture(body: bytes, coding: str) -> Capture:
    return Capture("http://x.cn/a", 200, (("Content-Encoding", coding),), body, "2026-01-01T00:00:00Z", "s")


def encode(data: bytes, codings: list[str]) -> bytes:
    for coding in codings:
        data = ENCODERS[coding](data)
    return data


def test_every_coding_scrapy_asks_for_is_decoded():
    asked = scrapy_codings()
    assert "zstd" in asked and len(asked) >= 4  # Scrapy 2.19: gzip, deflate, br, zstd
    assert sorted(set(asked) - set(DECODERS)) == []
    for coding in asked:
        assert decode_payload(capture(encode(PAGE, [coding]), coding), 1 << 20) == PAGE, coding


def test_stacked_codings_in_every_order():
    for first, second in itertools.permutations(scrapy_codings(), 2):
        header = f"{first}, {second}"
        assert decode_payload(capture(encode(PAGE, [first, second]), header), 1 << 20) == PAGE, header
    assert decode_payload(capture(encode(PAGE, ["gzip", "br", "zstd"]), "GZIP,br , zstd"), 1 << 20) == PAGE


def test_several_gzip_members_and_zstd_frames_are_read_whole():
    assert (
        decode_payload(capture(gzip.compress(b"<p>a</p>") + gzip.compress(b"<p>b</p>"), "gzip"), 100)
        == b"<p>a</p><p>b</p>"
    )
    assert (
        decode_payload(capture(zstd.compress(b"<p>a</p>") + zstd.compress(b"<p>b</p>"), "zstd"), 100)
        == b"<p>a</p><p>b</p>"
    )
    assert decode_payload(capture(zlib.compress(PAGE)[2:-4], "deflate"), 1 << 20) == PAGE  # raw deflate


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_a_truncated_stream_is_refused_not_published_short(coding):
    body = encode(PAGE, [coding])
    with pytest.raises(TextError) as info:
        decode_payload(capture(body[: len(body) // 2], coding), 1 << 20)
    assert (info.value.reason, str(info.value)) == (
        "truncated",
        f"http://x.cn/a: the {coding} payload ends before its end (a truncated download)",
    )


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_corrupt_streams_name_the_url_and_coding(coding):
    body = encode(PAGE, [coding])
    broken = body[:6] + bytes(b ^ 0x5A for b in body[6:40]) + body[40:]
    with pytest.raises(TextError) as info:
        decode_payload(capture(broken, coding), 1 << 20)
    assert info.value.reason == "bad-content-encoding"
    assert str(info.value).startswith(f"http://x.cn/a: corrupt {coding} payload (")


def test_repeated_content_encoding_headers_are_one_list():
    body = encode(PAGE, ["gzip", "br"])
    both = Capture(
        "http://x.cn/a",
        200,
        (("Content-Encoding", "gzip"), ("Content-Type", "text/html"), ("content-encoding", "br")),
        body,
        "2026-01-01T00:00:00Z",
        "s",
    )
    assert decode_payload(both, 1 << 20) == PAGE


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "zstd", "none", "utf-8", "gzip, zstd"])
def test_plain_html_under_a_label_it_does_not_have_is_read_as_browsers_show_it(coding):
    assert decode_payload(capture(b"  <html><p>hi</p></html>", coding), 1000) == b"  <html><p>hi</p></html>"


def test_an_unknown_coding_is_named():
    with pytest.raises(TextError) as info:
        decode_payload(capture(b"xx", "compress"), 100)
    assert (info.value.reason, str(info.value)) == (
        "bad-content-encoding",
        "http://x.cn/a: unknown Content-Encoding 'compress'",
    )


@pytest.mark.parametrize("coding", ["zstd", "deflate", "gzip, zstd"])
def test_bombs_are_refused_with_bounded_memory(coding):
    zeros = b"\0" * (64 * 1024 * 1024)
    body = encode(zeros, [c.strip() for c in coding.split(",")])
    del zeros
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TextError) as info:
        decode_payload(capture(body, coding), 5 * 1024 * 1024)
    assert (info.value.reason, str(info.value)) == ("too-large", "http://x.cn/a: decoded payload exceeds 5242880 bytes")
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 32


def test_a_zstd_window_over_rfc_9659s_8_mb_is_refused_in_one_line():
    data = random.Random(1).randbytes(1 << 20) * 10  # repeats 1 MiB apart: only a long window helps
    compressor = zstd.ZstdCompressor(options={zstd.CompressionParameter.window_log: 25})
    body = compressor.compress(data) + compressor.flush()
    with pytest.raises(TextError) as info:
        decode_payload(capture(body, "zstd"), 32 << 20)
    assert (info.value.reason, str(info.value)) == (
        "bad-content-encoding",
        "http://x.cn/a: corrupt zstd payload (Unable to decompress Zstandard data: "
        "Frame requires too much memory for decoding)",
    )
    assert decode_payload(capture(zstd.compress(data), "zstd"), 32 << 20) == data  # the default window: read

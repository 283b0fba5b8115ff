"""verify_warc (crawler/warc/verify.py) and gzip member scanning (crawler/warc/members.py)."""

from __future__ import annotations

import gzip
import io
import zlib

from crawler.warc.members import iter_members, scan_members
from crawler.warc.verify import verify_warc
from tests.test_warc_writer import NAME, group, make_writer


def written(tmp_path, groups=2):
    w = make_writer(tmp_path)
    locations = [w.write(group(w, n, size=5000)) for n in range(groups)]
    w.close()
    return tmp_path / NAME.format(0), locations


def test_sound_file_has_no_problem(tmp_path):
    path, _ = written(tmp_path)
    assert verify_warc(path) == []


def test_truncated_last_member_is_named_with_its_offset(tmp_path):
    path, locations = written(tmp_path)
    last = locations[-1][-1]
    data = path.read_bytes()
    path.write_bytes(data[: last.offset + 20])
    problems = verify_warc(path)
    assert problems[0] == (
        f"{path}: truncated gzip member at offset {last.offset} (file ends at "
        f"{last.offset + 20}); `scrapy crawl` repairs .open files, else cut at {last.offset}"
    )


def test_changed_payload_byte_fails_its_digests(tmp_path):
    path, locations = written(tmp_path)
    response = locations[0][0]
    data = path.read_bytes()
    member = gzip.decompress(data[response.offset : response.offset + response.length])
    broken = member[:-10] + bytes([member[-10] ^ 0xFF]) + member[-9:]  # a byte of the payload
    path.write_bytes(data[: response.offset] + gzip.compress(broken) + data[response.offset + response.length :])
    problems = verify_warc(path)
    where = f"{path}: offset {response.offset} response {response.record_id}"
    assert sorted(p.split(" sha1:")[0].rstrip(":") for p in problems) == [
        f"{where}: block digest failed",
        f"{where}: payload digest failed",
    ]


def test_garbage_after_members_is_bad_gzip(tmp_path):
    path, _ = written(tmp_path, groups=1)
    size = path.stat().st_size
    with open(path, "ab") as fh:
        fh.write(b"not gzip at all")
    problems = verify_warc(path)
    assert problems[0].startswith(f"{path}: bad gzip data in the member at offset {size} (")


def test_members_walk_many_small_and_one_large_member():
    parts = [gzip.compress(b"a" * n) for n in (1, 10, 3_000_000)] + [gzip.compress(bytes(range(256)) * 9000)]
    data = b"".join(parts)
    members = list(iter_members(io.BytesIO(data)))
    offsets = [0]
    for part in parts[:-1]:
        offsets.append(offsets[-1] + len(part))
    assert [(m.offset, m.length) for m in members] == list(zip(offsets, map(len, parts)))
    assert members[2].head == b"a" * 512


def test_scan_stops_at_a_member_cut_mid_stream():
    whole = gzip.compress(b"x" * 1000)
    members, error = scan_members(io.BytesIO(whole + zlib.compress(b"no gzip header")))
    assert [m.end for m in members] == [len(whole)]
    assert error.offset == len(whole)

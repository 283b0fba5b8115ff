"""CDXJ index (crawler/warc/index.py): record types, sorting, incremental atomic update."""

from __future__ import annotations

import json
import stat

from crawler.warc.index import update_index
from crawler.warc.records import PROFILE_NOT_MODIFIED, Exchange, RefersTo
from tests.test_warc_writer import NAME, group, make_writer


def archive(tmp_path):
    """One file: a response (with request and metadata), then a 304 revisit of the same URL."""
    warc = tmp_path / "warc"
    w = make_writer(warc)
    first = w.write(group(w, 1))
    refers = RefersTo(first[0].record_id, "http://a.cn/p/1?q=1", "2026-11-22T06:50:53Z", "sha1:X")
    ex = Exchange("http://a.cn/p/1?q=1", "GET", (), b"", 304, "HTTP/1.1", (), b"")
    w.write(w.factory.build_revisit(ex, PROFILE_NOT_MODIFIED, refers))
    w.close()
    return warc


def parsed(index):
    return [(line.split(" ")[0], json.loads(line.split(" ", 2)[2])) for line in index.read_text().splitlines()]


def test_index_has_response_and_revisit_and_no_request_or_metadata(tmp_path):
    """A metadata record shares its response's URL and date and would sort first: pywb would
    replay it instead of the page. Only what replays is indexed."""
    warc = archive(tmp_path)
    index = tmp_path / "index.cdxj"
    assert update_index(index, sorted(warc.iterdir())) == 2
    lines = index.read_text().splitlines()
    assert lines == sorted(lines)
    kinds = sorted((fields.get("mime"), fields.get("status")) for _, fields in parsed(index))
    assert kinds == [("application/octet-stream", "200"), ("warc/revisit", None)]
    assert {key for key, _ in parsed(index)} == {"cn,a)/p/1?q=1"}
    assert {fields["filename"] for _, fields in parsed(index)} == {NAME.format(0)}
    assert stat.S_IMODE(index.stat().st_mode) == 0o644


def test_update_adds_new_files_and_drops_gone_ones(tmp_path):
    warc = archive(tmp_path)
    index = tmp_path / "index.cdxj"
    update_index(index, sorted(warc.iterdir()))
    second = make_writer(warc)
    second.serial = 1
    second.write(group(second, 9))
    second.close()
    assert update_index(index, sorted(warc.iterdir())) == 3
    assert {fields["filename"] for _, fields in parsed(index)} == {NAME.format(0), NAME.format(1)}
    (warc / NAME.format(0)).unlink()
    assert update_index(index, sorted(warc.iterdir())) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.cdxj.lock", "index.cdxj", "warc"]  # no temp file left

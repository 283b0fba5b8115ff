"""Rotating crash-safe writer (crawler/warc/writer.py): names, rotation, rollback, repair."""

from __future__ import annotations

import errno
import itertools
import json
import os
import random
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.warc import writer as writer_module
from crawler.warc.errors import WarcWriteError
from crawler.warc.reader import iter_records, read_record_at
from crawler.warc.records import Exchange, RecordFactory
from crawler.warc.verify import verify_warc
from crawler.warc.writer import RotatingWarcWriter, repair_open_files

ROOT = Path(__file__).resolve().parent.parent
NAME = "news-20261122065053-{:05d}-host-42.warc.gz"


def factory() -> RecordFactory:
    ids = (f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>" for n in itertools.count(1))
    return RecordFactory(make_id=lambda: next(ids), clock=lambda: datetime(2026, 11, 22, 6, 50, 53, tzinfo=UTC))


def make_writer(directory: Path, max_size: int = 1_000_000_000) -> RotatingWarcWriter:
    return RotatingWarcWriter(directory, "news", max_size, "host", 42, {"software": "test"}, factory())


def group(w: RotatingWarcWriter, n: int, size: int = 200):
    body = random.Random(n).randbytes(size)
    ex = Exchange(
        f"http://a.cn/p/{n}?q={n}",
        "GET",
        (("User-Agent", "t"),),
        b"",
        200,
        "HTTP/1.1",
        (("Content-Type", "application/octet-stream"),),
        body,
    )
    return w.factory.build_exchange(ex)


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True)


def test_open_suffix_while_writing_then_renamed(tmp_path):
    w = make_writer(tmp_path)
    locations = w.write(group(w, 1))
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME.format(0) + ".open"]
    assert [(loc.file, loc.record_type) for loc in locations] == [
        (NAME.format(0), "response"),
        (NAME.format(0), "request"),
        (NAME.format(0), "metadata"),
    ]
    w.close()
    path = tmp_path / NAME.format(0)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    types = [(record.rec_type, offset) for _, offset, record in iter_records([path])]
    assert types == [("warcinfo", 0), *((loc.record_type, loc.offset) for loc in locations)]
    assert locations[0].offset + locations[0].length == locations[1].offset
    assert verify_warc(path) == []
    assert warcio_check(path).returncode == 0


def test_location_points_at_the_record(tmp_path):
    w = make_writer(tmp_path)
    w.write(group(w, 1))
    locations = w.write(group(w, 2))
    w.close()
    stored = read_record_at(tmp_path / locations[0].file, locations[0].offset)
    assert (stored.rec_type, stored.rec_headers.get_header("WARC-Record-ID")) == ("response", locations[0].record_id)
    assert stored.payload == random.Random(2).randbytes(200)
    warcinfo = read_record_at(tmp_path / locations[0].file, 0)
    assert warcinfo.rec_headers.get_header("WARC-Filename") == NAME.format(0)
    assert warcinfo.payload == b"software: test\r\n"


def test_rotation_keeps_groups_whole_and_opens_each_file_with_warcinfo(tmp_path):
    w = make_writer(tmp_path, max_size=6000)
    for n in range(6):
        w.write(group(w, n, size=1500))  # incompressible: about 2 KB per group
    w.close()
    files = sorted(tmp_path.iterdir())
    assert [p.name for p in files] == [NAME.format(i) for i in range(3)]
    assert w.files_opened == 3
    for path in files:
        types = [record.rec_type for _, _, record in iter_records([path])]
        assert types == ["warcinfo"] + ["response", "request", "metadata"] * 2
        assert path.stat().st_size <= 6000
        assert verify_warc(path) == []


def test_single_group_larger_than_max_size_still_written(tmp_path):
    w = make_writer(tmp_path, max_size=100)
    w.write(group(w, 1, size=1000))
    w.write(group(w, 2, size=1000))
    w.close()
    assert len(list(tmp_path.iterdir())) == 2


def test_never_reuses_an_existing_name(tmp_path):
    (tmp_path / NAME.format(0)).write_bytes(b"someone else's")
    (tmp_path / (NAME.format(1) + ".open")).write_bytes(b"")
    w = make_writer(tmp_path)
    assert w.write(group(w, 1))[0].file == NAME.format(2)
    w.close()
    assert (tmp_path / NAME.format(0)).read_bytes() == b"someone else's"


def test_enospc_rolls_back_to_last_complete_group(tmp_path, monkeypatch):
    w = make_writer(tmp_path)
    w.write(group(w, 1))
    good_size = w.path.stat().st_size
    real = writer_module._write_all

    def disk_full(fd, data):  # half a record reaches the disk, then the disk is full
        real(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer_module, "_write_all", disk_full)
    with pytest.raises(WarcWriteError) as failure:
        w.write(group(w, 2))
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith(f"{w.path}: write failed (No space left on device)")
    assert w.path.stat().st_size == good_size
    monkeypatch.setattr(writer_module, "_write_all", real)
    w.write(group(w, 3))  # space is back: the writer goes on after the cut
    w.close()
    path = tmp_path / NAME.format(0)
    urls = [r.rec_headers.get_header("WARC-Target-URI") for _, _, r in iter_records([path]) if r.rec_type == "response"]
    assert urls == ["http://a.cn/p/1?q=1", "http://a.cn/p/3?q=3"]
    assert verify_warc(path) == []


EFBIG_SCRIPT = textwrap.dedent("""
    import json, resource, signal, sys
    from tests.test_warc_writer import group, make_writer
    from crawler.warc.errors import WarcWriteError
    from pathlib import Path
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
    w = make_writer(Path(sys.argv[1]))
    written = 0
    try:
        for n in range(100):
            w.write(group(w, n, size=3000))
            written += 1
    except WarcWriteError as exc:
        error = str(exc)
    w.close()
    print(json.dumps({"written": written, "error": error}))
""")


def test_efbig_from_rlimit_fsize_loses_nothing_written(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", EFBIG_SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "File too large" in report["error"]
    path = tmp_path / NAME.format(0)
    assert path.stat().st_size < 20000
    responses = [r for _, _, r in iter_records([path]) if r.rec_type == "response"]
    assert len(responses) == report["written"] > 0
    assert verify_warc(path) == []
    assert warcio_check(path).returncode == 0


def cut_copy(tmp_path: Path, keep: int) -> Path:
    """A closed file of three groups (the last one large), renamed .open and cut at ``keep`` bytes
    into the last response's gzip member."""
    w = make_writer(tmp_path)
    w.write(group(w, 1))
    w.write(group(w, 2))
    last = w.write(group(w, 3, size=300_000))[0]
    w.close()
    final = tmp_path / last.file
    opened = final.with_name(final.name + ".open")
    final.rename(opened)
    os.truncate(opened, last.offset + keep)
    return opened, last.offset


def test_repair_cuts_a_partial_record_back_to_the_previous_one(tmp_path):
    opened, last_offset = cut_copy(tmp_path, keep=150_000)
    lines = repair_open_files(tmp_path)
    final = tmp_path / NAME.format(0)
    assert lines == [
        f"{final}: repaired, 7 complete records kept, 150000 bytes of a partial record cut "
        f"(truncated gzip member at offset {last_offset} (file ends at {last_offset + 150000}))"
    ]
    assert not opened.exists()
    assert final.stat().st_size == last_offset
    assert subprocess.run(["gzip", "-t", str(final)]).returncode == 0
    assert [r.rec_type for _, _, r in iter_records([final])] == ["warcinfo"] + ["response", "request", "metadata"] * 2
    assert verify_warc(final) == []


def test_repair_of_a_file_cut_after_a_whole_member_only_renames(tmp_path):
    opened, last_offset = cut_copy(tmp_path, keep=0)
    assert repair_open_files(tmp_path) == [f"{tmp_path / NAME.format(0)}: repaired, 7 complete records kept"]


def test_repair_removes_a_file_without_any_capture(tmp_path):
    w = make_writer(tmp_path)
    first = w.write(group(w, 1, size=100_000))[0]
    w.fd, fd = None, w.fd  # simulate a crash: the file stays .open
    os.close(fd)
    os.truncate(w.path, first.offset + 1000)
    assert repair_open_files(tmp_path) == [f"{w.path}: removed (no complete record besides warcinfo)"]
    assert list(tmp_path.iterdir()) == []


def test_repair_leaves_a_live_writers_file_alone(tmp_path):
    w = make_writer(tmp_path)
    w.write(group(w, 1))
    assert repair_open_files(tmp_path) == []  # left alone: a running writer holds it
    assert w.path.exists()
    w.close()
    assert repair_open_files(tmp_path) == []

"""Issue 22 case 2: a damaged gzip member, a record cut short, a file that is no archive, a broken
body from the server: each costs only itself, with one line naming file and offset."""

from __future__ import annotations

import gzip

from ..conftest import run_scrapy
from ..test_command_extract_foreign import expected, extract, http_headers, page, response, texts, url, write_warc
from ..test_command_verify import SEED
from .clean import comparable
from .hostile import archived, crawl, fault_server


def test_truncated_and_broken_records_cost_only_themselves(tmp_path):
    broken_chunks = b"64\r\n" + page(2)[:100] + b"\r\nZZ\r\n" + page(2)[100:]
    offsets = write_warc(
        tmp_path / "mixed.warc.gz",
        lambda w: [
            response(w, 0),
            response(w, 1, page(1)[:300], headers=http_headers(page(1), length=len(page(1)))),  # a cut download
            response(w, 2, broken_chunks, headers=http_headers(b"", ("Transfer-Encoding", "chunked"), length=False)),
            response(
                w,
                3,
                gzip.compress(page(3), mtime=0)[:200],
                headers=http_headers(b"", ("Content-Encoding", "gzip"), length=False),
            ),
            response(w, 4),
        ],
    )
    path = tmp_path / "mixed.warc.gz"
    result, out = extract(tmp_path, path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"skipped: {path}: offset {offsets[1]}: truncated record: payload 300 of {len(page(1))} bytes",
        f'skipped: {path}: offset {offsets[2]}: broken chunked body (ChunkedDataException: b"Couldn\'t decode length header ZZ\\r\\n")',
        f"skipped: {path}: offset {offsets[3]}: {url(3)}: the gzip payload ends before its end (a truncated download)",
    ]
    assert result.stdout == f"extracted 2 documents into {out}; without text: truncated 3; 3 skipped\n"
    assert texts(out) == expected(0, 4)
    # the clean run: the same command on a WARC of the good records only (only their place differs)
    write_warc(tmp_path / "clean.warc.gz", lambda w: [response(w, 0), response(w, 4)])
    (tmp_path / "c").mkdir()
    clean, clean_out = extract(tmp_path / "c", tmp_path / "clean.warc.gz")
    assert (clean.returncode, clean.stderr) == (0, "")
    assert comparable(out) == comparable(clean_out)


def test_a_damaged_gzip_member_and_a_file_cut_short(tmp_path):
    path = tmp_path / "damaged.warc.gz"
    offsets = write_warc(path, lambda w: [response(w, n) for n in range(4)])
    data = bytearray(path.read_bytes())
    for i in range(offsets[1] + 30, offsets[1] + 60):  # inside the second record's deflate data
        data[i] ^= 0xFF
    path.write_bytes(bytes(data[: (offsets[3] + len(data)) // 2]))  # and the last member cut in half
    plain = tmp_path / "cut.warc"
    plain_offsets = write_warc(plain, lambda w: [response(w, n, host="cut.example.cn") for n in (5, 6)], gz=False)
    plain.write_bytes(plain.read_bytes()[:-200])
    result, out = extract(tmp_path, path, plain)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith(f"skipped: {path}: offset {offsets[1]}: unreadable record skipped (")
    assert lines[1].startswith(f"skipped: {path}: offset {offsets[3]}: truncated record: the file ends ")
    assert (
        lines[2]
        == f"skipped: {plain}: offset {plain_offsets[1]}: truncated record: the file ends 196 bytes before its end"
    )
    assert all(len(line) < 300 and line.isprintable() for line in lines)
    assert texts(out) == {**expected(0, 2), **expected(5, host="cut.example.cn")}
    # the clean run: the same command on undamaged files of the good records (only their place differs)
    write_warc(tmp_path / "clean.warc.gz", lambda w: [response(w, n) for n in (0, 2)])
    write_warc(tmp_path / "clean.warc", lambda w: [response(w, 5, host="cut.example.cn")], gz=False)
    (tmp_path / "c").mkdir()
    clean, clean_out = extract(tmp_path / "c", tmp_path / "clean.warc.gz", tmp_path / "clean.warc")
    assert (clean.returncode, clean.stderr) == (0, "")
    assert comparable(out) == comparable(clean_out)


def test_a_file_that_is_not_an_archive_costs_only_itself(tmp_path):
    (tmp_path / "notes.warc.gz").write_bytes(b"these are my notes, not a WARC file\n" * 10)
    write_warc(tmp_path / "good.warc.gz", lambda w: [response(w, 0)])
    result, out = extract(tmp_path, tmp_path / "notes.warc.gz", tmp_path / "good.warc.gz")
    assert result.returncode == 1
    assert result.stderr == f"skipped: {tmp_path / 'notes.warc.gz'}: offset 0: not a WARC or ARC file, skipped\n"
    assert texts(out) == expected(0)


def test_a_warc_gzipped_whole_says_how_to_fix_it(tmp_path):
    plain = tmp_path / "plain.warc"
    write_warc(plain, lambda w: [response(w, n) for n in range(3)], gz=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
    result, out = extract(tmp_path, whole)
    assert result.returncode == 1
    assert result.stderr == (
        f"skipped: {whole}: offset 0: records from here skipped: the file is one gzip stream, "
        "not a member per record: run `warcio recompress` on it\n"
    )
    assert texts(out) == expected(0)  # the first record is at offset 0 and read; the others have no offset


def test_rebuild_of_an_archive_with_a_damaged_member_costs_only_that_record(tmp_path):

    archive = tmp_path / "archive"
    (archive / "warc").mkdir(parents=True)
    path = archive / "warc" / "hepan-1.warc.gz"

    def records(w):
        info = w.create_warcinfo_record(path.name, {"software": "scrapy-news-archiver", "source": "hepan"})
        return [info, *(response(w, n) for n in range(4))]

    offsets = write_warc(path, records)
    data = bytearray(path.read_bytes())
    for i in range(offsets[2] + 30, offsets[2] + 60):  # the second page's member
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "hepan.yaml").write_text(SEED, "utf-8")
    result = run_scrapy("rebuild", "-s", f"ARCHIVE_DIR={archive}", "-s", f"SEEDS_DIR={tmp_path / 'seeds'}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"skipped: {path}: offset {offsets[2]}: unreadable record skipped (")
    assert len(result.stderr.splitlines()) == 1
    assert texts(archive) == expected(0, 2, 3)


def test_truncated_and_badly_chunked_bodies_give_no_text(tmp_path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, ["/truncated", "/badchunk", "/ok"])
        (tmp_path / "clean").mkdir()
        clean = crawl(tmp_path / "clean", base, ["/ok"])[1]  # the same crawl without the broken pages
    assert (result.returncode, clean.returncode) == (0, 0), result.stderr[-2000:]
    assert stats["text/documents"] == 1  # /ok only
    texts = sorted((tmp_path / "archive" / "text" / "faults").glob("*.txt"))
    assert len(texts) == 1
    assert [p for _, _, p in archived(tmp_path) if p in ("/truncated", "/badchunk")] == []
    # each broken body: Scrapy's retry middleware names the URL once it gives up (RETRY_TIMES=1)
    retry = [
        line.split("] ERROR: ", 1)[1]
        for line in result.stderr.splitlines()
        if "[scrapy.downloadermiddlewares.retry] ERROR: " in line
    ]
    assert sorted(retry) == [
        f"Gave up retrying <GET {base}{path}> (failed 2 times): " for path in ("/badchunk", "/truncated")
    ]
    assert comparable(tmp_path / "archive") == comparable(tmp_path / "clean" / "archive")

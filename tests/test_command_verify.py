"""`scrapy verify` reports what is wrong with an archive, one line each, never a traceback (issue 22 case 11)."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.state.lock import ArchiveLock

from .conftest import run_scrapy
from .test_command_extract_foreign import response, write_warc


def archive_with_one_text(tmp_path: Path) -> Path:
    """An archive built by `scrapy extract` (text files, manifest, the WARC copied in)."""
    warc = tmp_path / "src.warc.gz"
    write_warc(warc, lambda w: [response(w, 0)])
    out = tmp_path / "archive"
    assert run_scrapy("extract", str(warc), "--out", str(out)).returncode == 0
    (out / "warc").mkdir()
    (out / "warc" / "src.warc.gz").write_bytes(warc.read_bytes())
    (out / ".scrapy-extract").unlink()
    return out


def verify(archive: Path, tmp_path: Path):
    (tmp_path / "seeds").mkdir(exist_ok=True)
    return run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}", "-s", f"SEEDS_DIR={tmp_path / 'seeds'}")


def test_a_sound_archive_passes(tmp_path):
    archive = archive_with_one_text(tmp_path)
    result = verify(archive, tmp_path)
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert result.stdout == ("verify: 1 warc files, 1 manifest lines, 1 text files, "
                             "0 captured articles without text; 0 problem(s)\n")


def test_bad_manifest_lines_open_and_empty_warcs_are_problems(tmp_path):
    archive = archive_with_one_text(tmp_path)
    manifest = archive / "manifest.jsonl"
    good = manifest.read_bytes()
    manifest.write_bytes(good + b"\xff\xfe not utf-8\n" + b"[1, 2]\n" + b"{not json\n" + json.dumps({"warc": "x"}).encode() + b"\n")
    (archive / "warc" / "crashed.warc.gz.open").write_bytes(b"")
    (archive / "warc" / "empty.warc.gz").write_bytes(b"")
    result = verify(archive, tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        f"{archive / 'warc' / 'crashed.warc.gz.open'}: left open by a crawl that did not finish: the next `scrapy crawl` repairs it",
        f"{archive / 'warc' / 'empty.warc.gz'}: empty WARC file",
        f"{manifest}:2: not UTF-8",
        f"{manifest}:3: not a JSON object",
        f"{manifest}:4: not a JSON line",
    ]
    assert lines[-1].startswith("verify: 2 warc files, 5 manifest lines, 1 text files, ")


def test_a_missing_warc_directory_and_an_archive_in_use(tmp_path):
    archive = archive_with_one_text(tmp_path)
    with ArchiveLock(archive, shared=True):  # as a crawl holds it
        busy = verify(archive, tmp_path)
    assert busy.returncode == 2 and f"{archive}: one or more crawls are using" in busy.stderr.strip().splitlines()[-1]
    for path in (archive / "warc").iterdir():
        path.unlink()
    (archive / "warc").rmdir()
    result = verify(archive, tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines()[0] == f"{archive / 'warc'}: no WARC directory"


def test_rebuild_refuses_an_archive_in_use(tmp_path):
    archive = archive_with_one_text(tmp_path)
    (tmp_path / "seeds").mkdir()
    with ArchiveLock(archive, shared=True):  # as a crawl holds it
        busy = run_scrapy("rebuild", "--check", "-s", f"ARCHIVE_DIR={archive}", "-s", f"SEEDS_DIR={tmp_path / 'seeds'}")
    assert (busy.returncode, busy.stdout) == (2, "")
    assert f"{archive}: one or more crawls are using this archive" in busy.stderr.strip().splitlines()[-1]


SEED = """\
name: hepan
start_urls: ['http://www.hepan.example.cn/']
allowed_domains: [www.hepan.example.cn]
articles: ['/news/2023/10/a\\d+\\.html$']
"""


def test_rebuild_of_an_archive_with_a_damaged_member_costs_only_that_record(tmp_path):
    from .test_command_extract_foreign import expected, texts

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

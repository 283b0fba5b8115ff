"""Issue 22 case 11: ``verify`` reports bad manifest lines, a missing ``warc/``, ``.open`` and empty
WARC files as problems, never a traceback; ``verify`` and ``rebuild`` take the archive lock."""

from __future__ import annotations

import json

from crawler.state.lock import ArchiveLock

from ..conftest import run_scrapy
from ..test_command_verify import archive_with_one_text, verify


def test_bad_manifest_lines_open_and_empty_warcs_are_problems(tmp_path):
    archive = archive_with_one_text(tmp_path)
    manifest = archive / "manifest.jsonl"
    good = manifest.read_bytes()
    manifest.write_bytes(
        good + b"\xff\xfe not utf-8\n" + b"[1, 2]\n" + b"{not json\n" + json.dumps({"warc": "x"}).encode() + b"\n"
    )
    (archive / "warc" / "crashed.warc.gz.open").write_bytes(b"")
    (archive / "warc" / "empty.warc.gz").write_bytes(b"")

    def files() -> dict:  # all but the lock file, which holds the pid of its last holder
        return {p: p.read_bytes() for p in sorted(archive.rglob("*")) if p.is_file() and p.name != ".lock"}

    before = files()
    (tmp_path / "c").mkdir()
    clean = verify(archive_with_one_text(tmp_path / "c"), tmp_path / "c")  # the same archive without the faults
    result = verify(archive, tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert files() == before  # verify writes nothing
    lines = result.stdout.splitlines()
    assert (clean.returncode, clean.stdout.splitlines()[:-1]) == (0, [])
    # the good text, manifest line and WARC record pass as in the clean archive: the six faults are
    # the only problem lines (a problem of the good record would be a seventh)
    assert len(lines) == 7
    assert lines[:6] == [
        f"{archive / 'warc' / 'crashed.warc.gz.open'}: left open by a crawl that did not finish: the next `scrapy crawl` repairs it",
        f"{archive / 'warc' / 'empty.warc.gz'}: empty WARC file",
        f"{manifest}:2: not UTF-8",
        f"{manifest}:3: not a JSON object",
        f"{manifest}:4: not a JSON line",
        f"{manifest}:5: not a manifest entry (missing or of the wrong type: id, url, source, sha256, warc)",
    ]
    assert (
        lines[-1]
        == "verify: 2 warc files, 5 manifest lines, 1 text files, 0 captured articles without text; 6 problem(s)"
    )


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

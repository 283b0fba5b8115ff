"""Issue 22 case 7: a full disk, a file-size limit, a read-only or unusable archive directory, a
garbage state database: one line, a non-zero exit, and a resume that gives a clean crawl's archive."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

from crawler.warc.reader import iter_records

from ..conftest import run_scrapy
from ..test_extension_warc import all_sound, crawl, server, stat


def test_an_unusable_archive_directory_is_one_line_and_exit_2(tmp_path):
    """ARCHIVE_DIR naming a file, a directory that cannot be written, a damaged state database:
    one line each, exit 2, nothing touched (issue 22 case 7)."""
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    garbage = bytes(range(256)) * 20
    (damaged / "state.sqlite").write_bytes(garbage)
    cases = {
        a_file: f"error: ARCHIVE_DIR {a_file}: exists and is not a directory",
        Path("/sys/archive-test"): "error: ARCHIVE_DIR /sys/archive-test: cannot write there (Operation not permitted)",
        damaged: (f"error: {damaged / 'state.sqlite'}: not a usable SQLite database (file is not a database); move it "
                  "away and crawl again: every page is then revalidated from scratch, and the WARC files keep "
                  "everything archived"),
    }
    for archive, line in cases.items():
        result = run_scrapy("crawl", "demo-news", "-s", f"ARCHIVE_DIR={archive}")
        assert result.returncode == 2, archive
        assert result.stderr.strip().splitlines()[-1] == line
        assert "Traceback" not in result.stderr
    assert a_file.read_text() == "x"
    assert (damaged / "state.sqlite").read_bytes() == garbage
    assert sorted(p.name for p in damaged.iterdir()) == ["state.sqlite"]


def limit_file_size():
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death; inherited across exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))


def test_write_error_stops_the_crawl_with_exit_status_1(server, tmp_path):
    result = crawl("warcbig", tmp_path, server, "-a", "n=8", "-a", "size=100000", "-s", "CONCURRENT_REQUESTS=1",
                   preexec_fn=limit_file_size)
    assert result.returncode == 1, result.stderr
    assert "error: crawl of warcbig failed: warc_write_error" in result.stderr
    [line] = [l for l in result.stderr.splitlines() if "] ERROR: " in l]
    assert re.search(r"\[crawler\.extensions\.warc\] ERROR: .*\.warc\.gz\.open: write failed \(File too large\); "
                     r"file cut back to its last complete record at \d+ bytes, nothing earlier lost; stopping the crawl$", line)
    assert stat(result.stderr, "warc/write_error") == 1
    [path] = all_sound(tmp_path)
    archived = [r for _, _, r in iter_records([path]) if r.rec_type == "response"]
    assert len(archived) == stat(result.stderr, "warc/records/response") >= 2
    seen = json.loads((tmp_path / "captures.json").read_text())
    assert {e["capture"]["record_id"] for e in seen if e["capture"]} <= {
        r.rec_headers.get_header("WARC-Record-ID") for r in archived}

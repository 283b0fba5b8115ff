"""Issue 22 case 7: a full disk, a file-size limit, a read-only or unusable archive directory, a
garbage state database: one line, a non-zero exit, and a resume that gives a clean crawl's archive."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.warc.reader import iter_records

from ..conftest import ROOT, run_scrapy
from ..test_extension_warc import all_sound, crawl, server, stat  # noqa: F401 (server: a fixture)
from .clean import comparable


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
        damaged: (
            f"error: {damaged / 'state.sqlite'}: not a usable SQLite database (file is not a database); move it "
            "away and crawl again: every page is then revalidated from scratch, and the WARC files keep "
            "everything archived"
        ),
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
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death; inherited across exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))


def test_write_error_stops_the_crawl_with_exit_status_1(server, tmp_path):
    result = crawl(
        "warcbig",
        tmp_path,
        server,
        "-a",
        "n=8",
        "-a",
        "size=100000",
        "-s",
        "CONCURRENT_REQUESTS=1",
        preexec_fn=limit_file_size,
    )
    assert result.returncode == 1, result.stderr
    assert (
        result.stderr.strip().splitlines()[-1] == "error: crawl of warcbig failed: WARC write failed (File too large)"
    )
    [line] = [text for text in result.stderr.splitlines() if "] ERROR: " in text]
    assert re.search(
        r"\[crawler\.extensions\.warc\] ERROR: .*\.warc\.gz\.open: write failed \(File too large\); "
        r"file cut back to its last complete record at \d+ bytes, nothing earlier lost; stopping the crawl$",
        line,
    )
    assert stat(result.stderr, "warc/write_error") == 1
    [path] = all_sound(tmp_path)
    archived = [r for _, _, r in iter_records([path]) if r.rec_type == "response"]
    assert len(archived) == stat(result.stderr, "warc/records/response") >= 2
    seen = json.loads((tmp_path / "captures.json").read_text())
    assert {e["capture"]["record_id"] for e in seen if e["capture"]} <= {
        r.rec_headers.get_header("WARC-Record-ID") for r in archived
    }


# --- a full disk, for real: a small tmpfs (root), else a file-size limit (RLIMIT_FSIZE, `ulimit -f`)


def _mount(path: Path, options: str) -> bool:
    return (
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True).returncode == 0
    )


@contextmanager
def small_disk(path: Path, size: int):
    """A disk of ``size`` bytes at ``path``: yields (preexec_fn, the OS's word for "full", grow).

    As root it is a tmpfs of that size, and ``grow()`` frees space the way an operator does
    (remount with 64 MiB). Elsewhere no process may write a file larger than ``size`` (the soft
    RLIMIT_FSIZE of the crawl), and ``grow()`` lifts the limit."""
    path.mkdir()
    limited = {"on": True}
    if _mount(path, f"size={size}"):
        try:
            yield (
                None,
                "No space left on device",
                lambda: subprocess.run(["mount", "-o", "remount,size=64m", str(path)], check=True),
            )
        finally:
            subprocess.run(["umount", str(path)], check=True)
        return

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
        if limited["on"]:
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

    yield limit, "File too large", lambda: limited.update(on=False)


def crawl_demo(archive: Path, demo_url: str, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "demo-news", "-s", f"ARCHIVE_DIR={archive}"],
        cwd=ROOT,
        env={**os.environ, "DEMO_SITE": demo_url},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=preexec_fn,
    )


FULL = re.compile(
    r"error: crawl of demo-news failed: (WARC write failed|text archive not published) \({full}\)"
    r"|error: crawl of demo-news failed: state database failed \((database or disk is full|disk I/O error)\)"
    r"|error: (?P<state>\S+/state\.sqlite): cannot be written \((database or disk is full|disk I/O error)\); "
    r"free disk space and crawl again"
)


@pytest.mark.parametrize("size", [16_384, 102_400, 204_800])  # full at once, mid-crawl, at the publish
def test_a_full_disk_is_one_line_and_a_resume_gives_a_clean_crawls_archive(tmp_path, demo_url, size):
    """The disk fills during the crawl (or is full from the start): the crawl stops with one line
    naming the problem and a non-zero exit, never a traceback. Once there is space again, the next
    crawl resumes, and its text files and manifest are a clean crawl's (tests/faults/clean.py:
    fetch times and the records' places differ, nothing else)."""
    clean = tmp_path / "clean"
    assert crawl_demo(clean, demo_url).returncode == 0
    with small_disk(tmp_path / "disk", size) as (preexec_fn, full, grow):
        archive = tmp_path / "disk" / "archive"
        result = crawl_demo(archive, demo_url, preexec_fn)
        last = result.stderr.strip().splitlines()[-1]
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        match = re.fullmatch(FULL.pattern.replace("{full}", full), last)
        assert match, last
        assert result.returncode == (2 if match["state"] else 1)
        assert not (archive / "text").is_dir() or not list((archive / "text").glob("*/*.txt.tmp*"))
        grow()
        resumed = crawl_demo(archive, demo_url)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert comparable(archive) == comparable(clean)
        assert len(comparable(archive)[1]) == 7  # the demo's /news/ articles
        verify = run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}")
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_read_only_archive_is_one_line_and_left_as_it_was(tmp_path, demo_url):
    """An archive on a file system mounted read-only (a directory without write permission when
    not root): one line, exit 2, before anything starts; not a byte of the archive changes."""
    (tmp_path / "ro").mkdir()
    archive = tmp_path / "ro" / "archive"
    mounted = _mount(tmp_path / "ro", "size=8m")
    try:
        assert crawl_demo(archive, demo_url).returncode == 0
        before = {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()}
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(tmp_path / "ro")], check=True)
            why = "Read-only file system"
        else:
            archive.chmod(0o555)
            why = "Permission denied"
        result = crawl_demo(archive, demo_url)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines()[-1] == f"error: ARCHIVE_DIR {archive}: cannot write there ({why})"
        assert "Traceback" not in result.stderr and "] ERROR: " not in result.stderr
        assert {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()} == before
    finally:
        if mounted:
            subprocess.run(["umount", str(tmp_path / "ro")], check=True)
        else:
            archive.chmod(0o755)

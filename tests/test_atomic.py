"""Atomic writes respect the umask: every file the archiver writes is readable as the user's
files are (0644 under umask 022), never 0600 whatever the umask (crawler/atomic.py)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.atomic import open_atomic, write_atomic

from .conftest import ROOT


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_written_file_has_0666_less_the_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        assert write_atomic(tmp_path / "a" / "one.txt", b"one\n") is True
        with open_atomic(tmp_path / "two.bin") as fh:
            fh.write(b"two")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a" / "one.txt").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "two.bin").stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "two.bin"]  # no temp file left


def test_identical_bytes_leave_the_file_alone_and_an_error_leaves_the_old_file(tmp_path):
    path = tmp_path / "f.txt"
    assert write_atomic(path, b"same") is True
    inode = path.stat().st_ino
    assert write_atomic(path, b"same") is False
    with open_atomic(path) as fh:
        fh.write(b"same")
    assert path.stat().st_ino == inode
    with pytest.raises(RuntimeError), open_atomic(path) as fh:
        fh.write(b"half")
        raise RuntimeError("interrupted")
    assert path.read_bytes() == b"same"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]
    with open_atomic(path, if_changed=False) as fh:
        fh.write(b"same")
    assert path.stat().st_ino != inode  # replaced all the same when asked


def _run(mask: int, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = " ".join(["umask", f"{mask:03o}", "&&", "exec", sys.executable, "-m", "scrapy", *map(_quote, args)])
    return subprocess.run(
        ["sh", "-c", command], cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=600
    )


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def _modes(root: Path) -> dict[str, set[str]]:
    """{"files": modes of every file, "dirs": modes of every directory} under ``root`` (itself included)."""
    found = {"files": set(), "dirs": {oct(stat.S_IMODE(root.stat().st_mode))}}
    for path in root.rglob("*"):
        kind = "dirs" if path.is_dir() else "files"
        found[kind].add(oct(stat.S_IMODE(path.stat().st_mode)))
    return found


@pytest.mark.parametrize(("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)])
def test_a_crawl_extract_and_export_leave_every_file_with_the_users_umask(
    demo_url, tmp_path, mask, file_mode, dir_mode
):
    archive = tmp_path / "archive"
    crawl = _run(
        mask, "crawl", "demo-blog", "-s", f"ARCHIVE_DIR={archive}", "-s", "TEXT_WORKERS=1", env={"DEMO_SITE": demo_url}
    )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    extracted = archive / "extracted"
    warcs = sorted(str(p) for p in (archive / "warc").glob("*.warc.gz"))
    extract = _run(mask, "extract", *warcs, "--out", str(extracted))
    assert extract.returncode == 0, extract.stderr[-3000:]
    for out in ("rows.jsonl", "rows.csv", "rows.parquet"):
        export = _run(mask, "export", "-s", f"ARCHIVE_DIR={archive}", str(archive / out))
        assert export.returncode == 0, export.stderr[-3000:]
    wacz = _run(mask, "export", "-s", f"ARCHIVE_DIR={archive}", "--wacz", str(archive / "all.wacz"))
    assert wacz.returncode == 0, wacz.stderr[-3000:]
    # what was written: WARCs, index, state, derived documents, text files, manifest,
    # boilerplate sets, report, the extract's files and marker, every export
    names = {p.relative_to(archive).parts[0] for p in archive.iterdir()}
    assert {
        "warc",
        "index.cdxj",
        "state.sqlite",
        "derived",
        "text",
        "manifest.jsonl",
        "boilerplate",
        "reports",
        "extracted",
        "rows.jsonl",
        "rows.csv",
        "rows.parquet",
        "all.wacz",
    } <= names
    assert list(archive.rglob("*.txt")) and list((extracted / "text").rglob("*.txt"))
    assert _modes(archive) == {"files": {oct(file_mode)}, "dirs": {oct(dir_mode)}}

"""Issue 22 case 3: ``extract --out`` writes only into an empty directory or its own, never deletes
what it did not write, and takes the archive lock."""

from __future__ import annotations

from pathlib import Path

from crawler.text.model import document_id

from ..conftest import run_scrapy
from ..test_command_extract import write_foreign_warc


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_extract_never_writes_into_a_directory_it_did_not_make(tmp_path):
    warc = tmp_path / "one.warc.gz"
    write_foreign_warc(warc, "http://www.hepan.example.cn/news/a1.html")
    archive = tmp_path / "archive"
    (archive / "text" / "demo-news").mkdir(parents=True)
    (archive / "text" / "demo-news" / "0123456789abcdef.txt").write_text("---\ntitle: t\n---\nt\n", "utf-8")
    (archive / "manifest.jsonl").write_text('{"id": "0123456789abcdef"}\n', "utf-8")
    before = tree(archive)
    result = run_scrapy("extract", str(warc), "--out", str(archive))
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(
            f": error: {archive}: not empty and not made by `scrapy extract` (no .scrapy-extract): give a new or empty directory"
        )
    )
    assert tree(archive) == before
    assert "Traceback" not in result.stderr


def test_extract_again_into_its_own_directory_and_not_over_a_foreign_file(tmp_path):
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    write_foreign_warc(first, "http://www.hepan.example.cn/news/a1.html")
    write_foreign_warc(second, "http://www.hepan.example.cn/news/b2.html")
    out = tmp_path / "out"
    assert run_scrapy("extract", str(first), "--out", str(out)).returncode == 0
    assert (out / ".scrapy-extract").is_file()
    again = run_scrapy("extract", str(second), "--out", str(out))
    assert (again.returncode, again.stdout) == (0, f"extracted 1 documents into {out}\n")
    names = sorted(p.name for p in out.glob("text/*/*.txt"))
    assert names == [f"{document_id('http://www.hepan.example.cn/news/b2.html')}.txt"]
    # the clean run: the same command into a new directory; every byte equal but the lock file's
    # (the pid of the process that held it)
    clean = run_scrapy("extract", str(second), "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0
    assert tree(out).keys() == tree(tmp_path / "clean").keys()
    assert {k: v for k, v in tree(out).items() if k != ".lock"} == {
        k: v for k, v in tree(tmp_path / "clean").items() if k != ".lock"
    }
    mine = out / "text" / "www.hepan.example.cn" / "notes.txt"
    mine.write_text("my own notes", "utf-8")
    before = tree(out)
    refused = run_scrapy("extract", str(first), "--out", str(out))
    assert refused.returncode == 2
    assert (
        refused.stderr.strip()
        .splitlines()[-1]
        .endswith(
            f": error: {mine}: not written by `scrapy extract` (1 such file(s)): move them away or give another directory"
        )
    )
    assert tree(out) == before


def test_extract_out_naming_a_file_and_a_directory_in_use(tmp_path):
    warc = tmp_path / "one.warc.gz"
    write_foreign_warc(warc, "http://www.hepan.example.cn/news/a1.html")
    result = run_scrapy("extract", str(warc), "--out", str(warc))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(f": error: {warc}: exists and is not a directory: give a directory for --out")
    )
    from crawler.state.lock import ArchiveLock

    out = tmp_path / "busy"
    with ArchiveLock(out):
        busy = run_scrapy("extract", str(warc), "--out", str(out))
    assert busy.returncode == 2
    assert f": error: {out}: another process (pid " in busy.stderr.strip().splitlines()[-1]
    assert not (out / "text").exists() and "Traceback" not in busy.stderr + result.stderr

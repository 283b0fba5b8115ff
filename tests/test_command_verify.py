"""`scrapy verify` reports what is wrong with an archive, one line each, never a traceback (issue 22 case 11)."""

from __future__ import annotations

from pathlib import Path

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
    assert result.stdout == (
        "verify: 1 warc files, 1 manifest lines, 1 text files, 0 captured articles without text; 0 problem(s)\n"
    )


SEED = """\
name: hepan
start_urls: ['http://www.hepan.example.cn/']
allowed_domains: [www.hepan.example.cn]
articles: ['/news/2023/10/a\\d+\\.html$']
"""

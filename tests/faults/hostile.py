"""Helpers for crawls against the raw-socket server that misbehaves on purpose (tests/faultserver.py):
start it, crawl one small source against it, and read the report, the WARC records and the
server's own request log."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.demo.launcher import ServerProcess

from ..conftest import ROOT, run_scrapy

SEED = """\
name: faults
start_urls: [{starts}]
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/ok$', '/bad-label$', '/binary$', '/chain/\\d+$', '/truncated$', '/badchunk$', '/gzip-bomb$']
follow: ['/loop$', '/to-']
politeness: {{delay: 0, concurrency: 8, robots: true}}
"""


def fault_server(robots: str = "ok") -> ServerProcess:
    """tests/faultserver.py in a subprocess: ``with fault_server() as base:`` (crawler/demo/launcher.py)."""
    return ServerProcess([sys.executable, str(ROOT / "tests" / "faultserver.py"), "--robots", robots])


def crawl(tmp_path: Path, base: str, paths: list[str], *settings: str) -> tuple[dict, subprocess.CompletedProcess]:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    starts = ", ".join(f"'{base}{p}'" for p in paths)
    (seeds / "faults.yaml").write_text(SEED.format(starts=starts))
    archive = tmp_path / "archive"
    result = run_scrapy(
        "crawl",
        "faults",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={archive}",
        "-s",
        "RETRY_TIMES=1",
        "-s",
        "DOWNLOAD_TIMEOUT=3",
        *settings,
        timeout=240,
    )
    reports = sorted((archive / "reports").glob("faults-*.json"))
    assert reports, result.stderr[-3000:]
    return json.loads(reports[-1].read_text()), result


def archived(tmp_path: Path) -> list[tuple[str, str, str]]:
    """(record type, status, URL path) of every response/revisit record, in file order."""
    out = []
    for path in sorted((tmp_path / "archive" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "revisit"):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    status = record.http_headers.get_statuscode() if record.http_headers else ""
                    out.append((record.rec_type, status, "/" + url.split("/", 3)[3]))
    return out


def server_log(base: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/__log") as response:
        return [line.split()[1] for line in response.read().decode().splitlines() if line and " /__log " not in line]

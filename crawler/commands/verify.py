"""``scrapy verify``: check the whole archive and name every problem, one line each.

Checks every WARC file (each gzip member complete, each record's block and payload digests),
every manifest line (its WARC record exists with the stated id and digest, its text file exists
with the stated sha256) and every text file (listed in the manifest). Exit status 0 or 1.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from warcio.archiveiterator import ArchiveIterator

from crawler.rebuild import warc_files
from crawler.text.store import safe_name
from crawler.warc.verify import verify_warc


def _record_at(path: Path, offset: int):
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        return (record.rec_headers.get_header("WARC-Record-ID"),
                record.rec_headers.get_header("WARC-Payload-Digest"))


def check_manifest_line(root: Path, entry: dict) -> list[str]:
    """Problems of one manifest entry: its WARC record and its text file."""
    problems = []
    warc = entry.get("warc") or {}
    path = root / "warc" / warc.get("file", "")
    where = f"{root / 'manifest.jsonl'}: id {entry.get('id')}"
    try:
        record_id, digest = _record_at(path, int(warc.get("offset", -1)))
    except Exception as exc:  # any failure to read the record is the problem reported
        problems.append(f"{where}: no readable WARC record at {path}:{warc.get('offset')} ({exc})")
    else:
        if record_id != warc.get("record_id") or digest != warc.get("payload_digest"):
            problems.append(f"{where}: WARC record at {path}:{warc.get('offset')} is not {warc.get('record_id')}")
    text = root / "text" / safe_name(entry.get("source", "")) / f"{entry.get('id')}.txt"
    if not text.is_file():
        problems.append(f"{text}: listed in the manifest but missing")
    elif hashlib.sha256(text.read_bytes()).hexdigest() != entry.get("sha256"):
        problems.append(f"{text}: sha256 differs from the manifest (file changed?)")
    return problems


def verify_archive(root: Path) -> tuple[list[str], dict[str, int]]:
    """All problems of the archive under ``root``, and what was checked."""
    problems: list[str] = []
    files = warc_files(root / "warc")
    for path in files:
        problems += verify_warc(path)
    listed = set()
    manifest = root / "manifest.jsonl"
    lines = manifest.read_text("utf-8").splitlines() if manifest.is_file() else []
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
        except ValueError:
            problems.append(f"{manifest}:{number}: not a JSON line")
            continue
        listed.add((safe_name(entry.get("source", "")), f"{entry.get('id')}.txt"))
        problems += check_manifest_line(root, entry)
    texts = sorted((root / "text").glob("*/*.txt"))
    for text in texts:
        if (text.parent.name, text.name) not in listed:
            problems.append(f"{text}: not listed in the manifest")
    return problems, {"warc files": len(files), "manifest lines": len(lines), "text files": len(texts)}


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def short_desc(self) -> str:
        return "Verify WARC digests and gzip members, the manifest and every text file"

    def run(self, args: list[str], opts) -> None:
        root = Path(args[0]) if args else Path(self.settings.get("ARCHIVE_DIR"))
        if not root.is_dir():
            raise UsageError(f"{root}: no archive directory")
        problems, checked = verify_archive(root)
        for line in problems:
            print(line)
        summary = ", ".join(f"{v} {k}" for k, v in checked.items())
        print(f"verify: {summary}; {len(problems)} problem(s)")
        self.exitcode = 1 if problems else 0

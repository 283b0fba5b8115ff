"""``scrapy verify``: check the whole archive and name every problem, one line each.

Checks every WARC file (each gzip member complete, each record's block and payload digests),
every manifest line (its WARC record exists with the stated id and digest, its text file exists
with the stated sha256) and every text file (listed in the manifest). Exit status 0 or 1.
It also lists every article captured without text (the latest capture of an article URL of the
seeds that has no manifest line), each with the reason re-derived from its record; those lines
are facts about the pages, not problems of the archive, and leave the exit status alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from warcio.archiveiterator import ArchiveIterator

from crawler.commands.base import CommandBase, locked
from crawler.options import warc_directory
from crawler.rebuild import locate
from crawler.sources import SeedError, load_sources
from crawler.text.model import TextError
from crawler.text.store import safe_name
from crawler.warc.errors import WarcError
from crawler.warc.files import warc_files
from crawler.warc.verify import verify_warc
from crawler.workers import read_capture


def _record_at(path: Path, offset: int):
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        return (record.rec_headers.get_header("WARC-Record-ID"), record.rec_headers.get_header("WARC-Payload-Digest"))


def check_manifest_line(root: Path, entry: dict, warcs: Path | None = None) -> list[str]:
    """Problems of one manifest entry: its WARC record (in ``warcs``, else ``root/warc``) and its
    text file."""
    problems = []
    warc = entry.get("warc") if isinstance(entry.get("warc"), dict) else {}
    path = warc_directory(root, warcs) / str(warc.get("file", ""))
    where = f"{root / 'manifest.jsonl'}: id {entry.get('id')}"
    try:
        record_id, digest = _record_at(path, int(warc.get("offset", -1)))
    except Exception as exc:  # any failure to read the record is the problem reported
        problems.append(f"{where}: no readable WARC record at {path}:{warc.get('offset')} ({exc})")
    else:
        if record_id != warc.get("record_id") or digest != warc.get("payload_digest"):
            problems.append(f"{where}: WARC record at {path}:{warc.get('offset')} is not {warc.get('record_id')}")
    text = root / "text" / safe_name(str(entry.get("source", ""))) / f"{entry.get('id')}.txt"
    if not text.is_file():
        problems.append(f"{text}: listed in the manifest but missing")
    elif hashlib.sha256(text.read_bytes()).hexdigest() != entry.get("sha256"):
        problems.append(f"{text}: sha256 differs from the manifest (file changed?)")
    return problems


def without_text(root: Path, sources, listed: set[str], max_size: int, warcs: Path | None = None) -> list[str]:
    """One line per article captured (its latest 200 response) that has no manifest line: why."""
    from crawler.text import derive  # imported here: trafilatura is slow to import

    lines = []
    damaged = []  # verify_warc names each damaged file already
    warcs = warc_directory(root, warcs)
    if not warcs.is_dir():
        return []
    for doc_id, found in sorted(locate(warc_files(warcs), sources, on_error=damaged.append).items()):
        if doc_id in listed:
            continue
        where = f"{found.file}:{found.offset}"
        try:
            capture = read_capture(found.file, found.offset, found.source)
            options = replace(sources[found.source].text, max_decompressed_size=max_size)
            reason = f"derivable, not published: run `scrapy rebuild` ({derive(capture, options).id})"
        except TextError as exc:
            reason = f"{exc.reason}: {str(exc).removeprefix(capture.url + ': ')}"
        except (WarcError, OSError) as exc:
            lines.append(f"no text: {where}: unreadable record ({exc})")
            continue
        lines.append(f"no text: {capture.url} ({where}): {reason}")
    return lines


#: the keys every manifest entry has (docs/formats.md), with their JSON types
_ENTRY_KEYS = {"id": str, "url": str, "source": str, "sha256": str, "warc": dict}
_WARC_KEYS = {"file": str, "offset": int, "record_id": str, "payload_digest": str}


def _bad_keys(entry: dict) -> list[str]:
    """The keys of a manifest entry that are missing or of the wrong type."""
    bad = [key for key, kind in _ENTRY_KEYS.items() if not isinstance(entry.get(key), kind)]
    warc = entry.get("warc") if isinstance(entry.get("warc"), dict) else {}
    return bad + [
        f"warc.{key}" for key, kind in _WARC_KEYS.items() if "warc" not in bad and not isinstance(warc.get(key), kind)
    ]


def manifest_entries(root: Path) -> tuple[list[dict], list[str], int]:
    """The manifest's entries, one problem line per line that is not a JSON object, the line count."""
    manifest = root / "manifest.jsonl"
    raw = manifest.read_bytes().splitlines() if manifest.is_file() else []
    entries, problems = [], []
    for number, line in enumerate(raw, 1):
        try:
            entry = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(f"{manifest}:{number}: not UTF-8")
            continue
        except ValueError:
            problems.append(f"{manifest}:{number}: not a JSON line")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{manifest}:{number}: not a JSON object")
            continue
        if bad := _bad_keys(entry):
            problems.append(
                f"{manifest}:{number}: not a manifest entry (missing or of the wrong type: {', '.join(bad)})"
            )
            continue
        entries.append(entry)
    return entries, problems, len(raw)


def warc_dir_problems(warc_dir: Path) -> list[str]:
    """A missing ``warc/``, WARC files left ``.open`` (the lock is ours: no crawl writes them) or empty."""
    if not warc_dir.is_dir():
        return [f"{warc_dir}: no WARC directory"]
    problems = []
    for path in sorted(warc_dir.iterdir()):
        if path.name.endswith((".warc.gz.open", ".warc.open")):
            problems.append(f"{path}: left open by a crawl that did not finish: the next `scrapy crawl` repairs it")
        elif path.name.endswith((".warc.gz", ".warc")) and path.is_file() and path.stat().st_size == 0:
            problems.append(f"{path}: empty WARC file")
    return problems


def verify_archive(root: Path, warcs: Path | None = None) -> tuple[list[str], dict[str, int]]:
    """All problems of the archive under ``root`` (its WARC files in ``warcs``, else
    ``root/warc``), and what was checked."""
    warcs = warc_directory(root, warcs)
    problems = warc_dir_problems(warcs)
    files = warc_files(warcs) if warcs.is_dir() else []
    for path in files:
        problems += verify_warc(path)
    listed = set()
    entries, bad_lines, count = manifest_entries(root)
    problems += bad_lines
    for entry in entries:
        listed.add((safe_name(str(entry.get("source", ""))), f"{entry.get('id')}.txt"))
        problems += check_manifest_line(root, entry, warcs)
    texts = sorted((root / "text").glob("*/*.txt"))
    for text in texts:
        if (text.parent.name, text.name) not in listed:
            problems.append(f"{text}: not listed in the manifest")
    return problems, {"warc files": len(files), "manifest lines": count, "text files": len(texts)}


class Command(CommandBase, ScrapyCommand):
    summary = "Verify WARC digests and gzip members, the manifest and every text file"

    def run(self, args: list[str], opts) -> None:
        root = Path(args[0]) if args else Path(self.settings.get("ARCHIVE_DIR"))
        if not root.is_dir():
            raise UsageError(f"{root}: no archive directory")
        with locked(root):  # a running crawl (or rebuild) is still writing what would be checked
            self._verify(root)

    def _verify(self, root: Path) -> None:
        warcs = warc_directory(root, self.settings.get("WARC_DIR"))
        problems, checked = verify_archive(root, warcs)
        for line in problems:
            print(line)
        try:
            sources = load_sources(self.settings.get("SEEDS_DIR"))
        except SeedError as exc:
            print(f"verify: articles without text not listed: {exc}")
        else:
            listed = {entry.get("id") for entry in manifest_entries(root)[0]}
            untexted = without_text(root, sources, listed, self.settings.getint("TEXT_MAX_DECOMPRESSED_SIZE"), warcs)
            for line in untexted:
                print(line)
            checked["captured articles without text"] = len(untexted)
        summary = ", ".join(f"{v} {k}" for k, v in checked.items())
        print(f"verify: {summary}; {len(problems)} problem(s)")
        self.exitcode = 1 if problems else 0

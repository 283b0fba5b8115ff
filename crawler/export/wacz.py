"""The archive as a WACZ 1.1.1 package: ``scrapy export --wacz OUT.wacz [--source NAME]``.

Layout (docs/formats.md, "WACZ")::

    archive/<name>.warc.gz     the archive's closed WARC files, byte for byte (stored, not deflated)
    indexes/index.cdx          the CDXJ lines of those files (ARCHIVE_DIR/index.cdxj, completed);
                               named .cdx as the WACZ spec names a plain CDXJ index (pywb looks for it);
                               without the lines of metadata records (see ``replayable``)
    pages/pages.jsonl          a json-pages-1.0 header, then one line per article: id, url, ts,
                               title and text (the text file's body: ReplayWeb.page searches it)
    datapackage.json           every file above with its sha256 and size, wacz_version 1.1.1
    datapackage-digest.json    the sha256 of datapackage.json

Written with the standard library's zipfile, not the ``wacz`` package: ``wacz create`` takes its
pages from its own text extraction (boilerpy3) instead of our text files, keeps every page in
memory, stamps the current time into every ZIP entry and into datapackage.json (no two runs give
the same bytes), and pulls 27 packages into the environment (frictionless, pydantic, typer,
rich, jinja2, petl, chardet...) that nothing else here needs. The format is a ZIP of four kinds
of files and a JSON manifest of their digests; here every date is the newest article's fetch
time (a WARC-Date), so the same archive always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from crawler import __version__
from crawler.atomic import open_atomic
from crawler.export.rows import Selection, iter_rows
from crawler.options import warc_directory
from crawler.warc.files import warc_files
from crawler.warc.index import index_lines, read_index

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True}
_CHUNK = 1 << 20


def warc_source(path: Path) -> str | None:
    """The ``source:`` of a WARC file's warcinfo record (the archiver writes one first in every file)."""
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "warcinfo":
                return None
            for line in record.content_stream().read(65536).decode("utf-8", "replace").splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() == "source":
                    return value.strip() or None
            return None
    return None


def select_warcs(root: Path, sources: Collection[str], warcs: Path | None = None) -> list[Path]:
    """The archive's closed WARC files (in ``warcs``, else ``root/warc``), sorted; only those of
    ``sources`` when given."""
    directory = warc_directory(root, warcs)
    files = warc_files(directory) if directory.is_dir() else []
    return [p for p in files if not sources or warc_source(p) in sources]


def _fields(line: str) -> dict:
    return json.loads(line.split(" ", 2)[2])


def replayable(line: str) -> bool:
    """Not the line of a ``metadata`` record. Ours share the URL and WARC-Date of their response
    and sort before it (``application/warc-fields`` < ``text/html``): pywb, given the package's
    index, replays the first line of a URL and time, which would be the metadata record."""
    fields = _fields(line)
    return "status" in fields or fields.get("mime") != "application/warc-fields"


def cdxj_lines(root: Path, warcs: list[Path]) -> list[str]:
    """The replayable CDXJ lines of ``warcs``: the archive's index, completed for any file it lacks."""
    names = {p.name for p in warcs}
    kept = [line for line in read_index(root / "index.cdxj") if _fields(line).get("filename") in names]
    indexed = {_fields(line).get("filename") for line in kept}
    lines = set(kept) | set(index_lines(p for p in warcs if p.name not in indexed))
    return sorted(line for line in lines if replayable(line))


class _Package:
    """The ZIP being written, and the datapackage resources of what went into it."""

    def __init__(self, fh: BinaryIO, date_time: tuple[int, ...]):
        self.zip = zipfile.ZipFile(fh, "w", allowZip64=True)
        self.date_time = date_time
        self.resources: list[dict] = []

    def add(self, path: str, source: BinaryIO, size: int, deflate: bool) -> None:
        """Copy ``source`` (``size`` bytes) into the entry ``path``, hashing it on the way."""
        info = zipfile.ZipInfo(path, self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        info.file_size = size
        digest = hashlib.sha256()
        with self.zip.open(info, "w", force_zip64=size > 0x7FFFFFFF) as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        self.resources.append(
            {"name": Path(path).name.lower(), "path": path, "hash": f"sha256:{digest.hexdigest()}", "bytes": size}
        )

    def add_bytes(self, path: str, data: bytes) -> None:
        info = zipfile.ZipInfo(path, self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, data)


def _spooled(lines: Iterable[bytes]) -> tuple[BinaryIO, int]:
    """``lines`` in a temporary file (rewound) and their size: written to disk, never held."""
    spool = tempfile.TemporaryFile()
    for line in lines:
        spool.write(line)
    size = spool.tell()
    spool.seek(0)
    return spool, size


def _page_lines(root: Path, sources: Collection[str], problem, newest: list[str]):
    yield json.dumps(PAGES_HEADER).encode("utf-8") + b"\n"
    for row in iter_rows(root, Selection(frozenset(sources)), problem):
        newest[0] = max(newest[0], row["fetched"] or "")
        pages = json.loads(row["article_pages"]) if row.get("article_pages") else []
        when = pages[0]["fetched"] if pages else row["fetched"]  # a multi-page article: its first page's capture
        page = {"id": row["id"], "url": row["url"], "ts": when, "title": row["title"], "text": row["text"]}
        yield json.dumps(page, ensure_ascii=False).encode("utf-8") + b"\n"


def _date_time(iso: str) -> tuple[int, ...]:
    """A ZIP entry's date from an ISO date (1980-01-01, the earliest ZIP can hold, when none)."""
    if len(iso) < 19:
        return (1980, 1, 1, 0, 0, 0)
    return tuple(int(x) for x in (iso[0:4], iso[5:7], iso[8:10], iso[11:13], iso[14:16], iso[17:19]))


def write_wacz(
    root: Path, out: Path, sources: Collection[str], problem: Callable[[str], None], warc_dir: Path | None = None
) -> dict[str, int]:
    """Package the archive at ``root`` (only ``sources`` when given) into ``out``; returns the counts
    of WARC files and pages. With no page, no file is written."""
    warcs = select_warcs(root, sources, warc_dir)
    newest = [""]
    pages, pages_size = _spooled(_page_lines(root, sources, problem, newest))
    count = sum(1 for _ in pages) - 1
    if count <= 0:
        return {"warcs": len(warcs), "pages": 0}
    pages.seek(0)
    index, index_size = _spooled(line.encode("utf-8") for line in cdxj_lines(root, warcs))
    created = newest[0] or "1980-01-01T00:00:00Z"
    with pages, index, open_atomic(out, if_changed=False) as fh:
        package = _Package(fh, _date_time(created))
        for path in warcs:
            with open(path, "rb") as warc:
                package.add(f"archive/{path.name}", warc, path.stat().st_size, deflate=False)
        package.add("indexes/index.cdx", index, index_size, deflate=True)
        package.add("pages/pages.jsonl", pages, pages_size, deflate=True)
        datapackage = {
            "profile": "data-package",
            "resources": package.resources,
            "wacz_version": WACZ_VERSION,
            "title": f"{', '.join(sorted(sources)) or root.name}: news archive",
            "software": f"scrapy-news-archiver {__version__}",
            "created": created,
        }
        data = json.dumps(datapackage, ensure_ascii=False, indent=2).encode("utf-8")
        package.add_bytes("datapackage.json", data)
        digest = {"path": "datapackage.json", "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}
        package.add_bytes("datapackage-digest.json", json.dumps(digest, indent=2).encode("utf-8"))
        package.zip.close()
    return {"warcs": len(warcs), "pages": count}


__all__ = ["write_wacz", "WACZ_VERSION"]

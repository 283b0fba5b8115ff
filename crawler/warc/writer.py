"""Rotating, crash-safe writer of gzipped WARC files (docs/formats.md, docs/operations.md).

Files are named ``<prefix>-<UTC YYYYmmddHHMMSS>-<serial>-<host>-<pid>.warc.gz`` and carry a
``.open`` suffix while written; each record is its own gzip member. A group of records (response,
request, metadata) is written with ``os.write`` and nothing else: once a group returns, its bytes
are in the kernel, and fsync happens at rotation and close only (one per file, not per page).
A failed write (ENOSPC, EFBIG) cuts the file back to the end of the last complete group, so no
earlier record is lost and no reader ever sees half a record; after a crash,
``repair_open_files`` does the same for the ``.open`` files left behind.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from crawler.warc.errors import WarcWriteError
from crawler.warc.members import scan_members
from crawler.warc.records import WARC_VERSION, RecordFactory

OPEN_SUFFIX = ".open"
DEFAULT_MAX_SIZE = 1_000_000_000


@dataclass(frozen=True)
class Location:
    """Where a record was written: file basename (final name), member offset and length."""

    file: str
    offset: int
    length: int
    record_id: str
    record_type: str


#: zlib level of each record's gzip member. warcio's own writer uses 9, which costs ~1.6x the
#: CPU of 6 on HTML for ~0.3% smaller files; 6 is zlib's and gzip(1)'s default.
GZIP_LEVEL = 6


def serialize(record: ArcWarcRecord) -> bytes:
    """One record as one gzip member: framed by warcio, compressed here (one member per record,
    as warcio does, only at GZIP_LEVEL; wbits 31 = gzip header with mtime 0, so same bytes in
    give the same bytes out)."""
    out = BytesIO()
    WARCWriter(out, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return zlib.compress(out.getvalue(), GZIP_LEVEL, wbits=31)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]  # os.write may write less than asked


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _problem(exc: OSError) -> str:
    return os.strerror(exc.errno) if exc.errno else str(exc)


class RotatingWarcWriter:
    """Writes record groups to a series of WARC files, each opened by a warcinfo record."""

    def __init__(
        self,
        directory: str | os.PathLike,
        prefix: str = "news",
        max_size: int = DEFAULT_MAX_SIZE,
        hostname: str = "localhost",
        pid: int | None = None,
        warcinfo_fields: dict[str, str] | None = None,
        factory: RecordFactory | None = None,
    ):
        self.directory = Path(directory)
        self.prefix, self.max_size, self.hostname = prefix, max_size, hostname
        self.pid = os.getpid() if pid is None else pid
        self.warcinfo_fields = dict(warcinfo_fields or {})
        self.factory = factory or RecordFactory()
        self.serial = 0
        self.files_opened = 0
        self.fd: int | None = None
        self.name = ""  # final basename of the file being written
        self.size = 0
        self.first_group_at = 0  # end of the warcinfo record

    @property
    def path(self) -> Path:
        """Path of the file being written (with its ``.open`` suffix)."""
        return self.directory / (self.name + OPEN_SUFFIX)

    def write(self, records: Iterable[ArcWarcRecord]) -> list[Location]:
        """Write one group of records; all of it is in the file when this returns, or none."""
        records = list(records)
        blobs = [serialize(record) for record in records]
        total = sum(map(len, blobs))
        if self.fd is not None and self.size > self.first_group_at and self.size + total > self.max_size:
            self.close()
        if self.fd is None:
            self._open()
        locations, offset = [], self.size
        for record, blob in zip(records, blobs):
            headers = record.rec_headers
            locations.append(
                Location(self.name, offset, len(blob), headers.get_header("WARC-Record-ID"), record.rec_type)
            )
            offset += len(blob)
        self._append(blobs)
        return locations

    def close(self) -> None:
        """fsync and close the current file, and drop its ``.open`` suffix."""
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        try:
            os.fsync(fd)
            os.close(fd)
            os.rename(self.path, self.directory / self.name)
            _fsync_dir(self.directory)
        except OSError as exc:
            raise WarcWriteError(f"{self.path}: cannot close ({_problem(exc)})") from exc

    def _next_name(self) -> str:
        stamp = self.factory.clock().strftime("%Y%m%d%H%M%S")
        while True:
            name = f"{self.prefix}-{stamp}-{self.serial:05d}-{self.hostname}-{self.pid}.warc.gz"
            self.serial += 1
            if not (self.directory / name).exists() and not (self.directory / (name + OPEN_SUFFIX)).exists():
                return name

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.name = self._next_name()
        try:
            # O_EXCL: never append to a file someone (a crashed run) left behind
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # less the umask: 0644 by default
            # held while writing: another worker's repair_open_files leaves a live file alone,
            # and the kernel drops it when this process dies, even by SIGKILL
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise WarcWriteError(f"{self.path}: cannot create ({_problem(exc)})") from exc
        self.size = 0
        self.files_opened += 1
        warcinfo = self.factory.build_warcinfo(self.name, self.warcinfo_fields)
        try:
            self._append([serialize(warcinfo)])
        except WarcWriteError:
            os.close(self.fd)
            self.fd = None
            self.path.unlink(missing_ok=True)
            raise
        self.first_group_at = self.size

    def _append(self, blobs: list[bytes]) -> None:
        try:
            for blob in blobs:
                _write_all(self.fd, blob)
        except OSError as exc:
            self._rollback(exc)
        self.size += sum(map(len, blobs))

    def _rollback(self, exc: OSError) -> None:
        """Cut the file back to the last complete group, then raise WarcWriteError."""
        try:
            os.ftruncate(self.fd, self.size)
            os.lseek(self.fd, self.size, os.SEEK_SET)
        except OSError as again:
            raise WarcWriteError(
                f"{self.path}: write failed ({_problem(exc)}) and so did the rollback "
                f"({_problem(again)}); the next start repairs it"
            ) from exc
        raise WarcWriteError(
            f"{self.path}: write failed ({_problem(exc)}); file cut back to its last "
            f"complete record at {self.size} bytes, nothing earlier lost"
        ) from exc


def _in_use(fh) -> bool:
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    return False


def repair_open_file(path: Path) -> str | None:
    """Cut one ``.open`` file after its last complete member and close it; says what was done.

    None when a live writer (another worker of a distributed crawl) holds the file: left alone.
    """
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    with open(path, "r+b") as fh:
        if _in_use(fh):
            return None
        members, error = scan_members(fh)
        if not [m for m in members if b"WARC-Type: warcinfo" not in m.head]:
            path.unlink()
            return f"{path}: removed (no complete record besides warcinfo)"
        cut = fh.seek(0, os.SEEK_END) - members[-1].end
        fh.truncate(members[-1].end)
        os.fsync(fh.fileno())
    if final.exists():
        raise WarcWriteError(f"{path}: cannot rename, {final.name} exists; move one of them away")
    os.rename(path, final)
    _fsync_dir(path.parent)
    why = f", {cut} bytes of a partial record cut ({error})" if cut else ""
    return f"{final}: repaired, {len(members)} complete records kept{why}"


def repair_open_files(directory: str | os.PathLike) -> list[str]:
    """Repair every ``*.open`` WARC file of ``directory`` that no live process writes (a crashed
    run's, or a dead worker's); one line per repaired file."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    lines = []
    for path in sorted(directory.glob("*" + OPEN_SUFFIX)):
        try:
            line = repair_open_file(path)
        except FileNotFoundError:  # another worker repaired it meanwhile
            continue
        if line is not None:
            lines.append(line)
    return lines

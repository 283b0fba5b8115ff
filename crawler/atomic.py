"""Atomic file writes for every file the archiver writes (text files, manifest, boilerplate sets,
derived documents, reports, the CDXJ index, exports): pure, no Scrapy.

A file is written to a temp file next to it (``.<name>.<random>.tmp``) and moved over the old one
with ``os.replace``, so a reader sees the old file or the new one, never half of one, and an
interrupted write leaves the old file as it was. The temp file is created with mode 0666 and the
kernel applies the umask, as for any file the user writes: 0644 under the usual umask 022, 0600
under 077. (``tempfile.mkstemp`` would make it 0600 whatever the umask: other users, a web server
or workers under another account could not read the archive.)
"""

from __future__ import annotations

import filecmp
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

TMP_SUFFIX = ".tmp"  # what an interrupted write leaves: ``.<name>.<random>.tmp``


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new, empty temp file beside ``path``, mode 0666 less the umask: (fd, its path)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TMP_SUFFIX}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


@contextmanager
def open_atomic(path: Path, *, if_changed: bool = True, fsync: bool = False) -> Iterator[BinaryIO]:
    """A binary file written in pieces that replaces ``path`` when the block ends without an
    error; on an error ``path`` is untouched. ``if_changed``: an identical file is left as it is
    (same inode and mtime). ``fsync``: the bytes are on disk before the rename."""
    path = Path(path)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        if if_changed and path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, *, if_changed: bool = True, fsync: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically; False (nothing written) when ``if_changed`` and the
    file already holds exactly these bytes."""
    path = Path(path)
    if if_changed:
        try:
            if path.read_bytes() == data:
                return False
        except OSError:
            pass
    with open_atomic(path, if_changed=False, fsync=fsync) as fh:
        fh.write(data)
    return True

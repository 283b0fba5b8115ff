"""The archive's CDXJ index (``ARCHIVE_DIR/index.cdxj``), built with cdxj-indexer, replayable in pywb.

Lines for response, revisit and resource records (never request or metadata records), sorted,
with ``filename`` the WARC basename. An update indexes only files not yet in the index and
drops lines of files that are gone; the file is replaced atomically (``crawler.atomic``: temp file
+ os.replace, mode 0666 less the umask, as the WARC files).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from crawler.atomic import write_atomic

# What replays: a metadata record shares its response's URL and WARC-Date and sorts before it, and
# pywb replays the first line of a URL and time, so indexing them replayed "what was
# reconstructed" instead of the page (seen with pywb 2.10). They stay in the WARC files.
RECORD_TYPES = "resource,response,revisit"


def index_lines(paths: Iterable[str | os.PathLike]) -> list[str]:
    """CDXJ lines (with newline) of every indexed record of ``paths``, sorted."""
    paths = [str(p) for p in sorted(map(Path, paths))]
    if not paths:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "part.cdxj")
        CDXJIndexer(output=out, inputs=paths, sort=True, records=RECORD_TYPES).process_all()
        with open(out, encoding="utf-8") as fh:
            return fh.readlines()


def _filename(line: str) -> str:
    return json.loads(line.split(" ", 2)[2]).get("filename", "")


def read_index(index: Path) -> list[str]:
    if not index.is_file():
        return []
    with open(index, encoding="utf-8") as fh:
        return [line for line in fh if line.strip() and not line.startswith("!")]


def update_index(
    index: str | os.PathLike, warc_paths: Iterable[str | os.PathLike] | Callable[[], Iterable[str | os.PathLike]]
) -> int:
    """Bring ``index`` up to date with ``warc_paths``; returns its number of lines.

    Workers of a distributed crawl finish at different times: an ``flock`` on ``.<index>.lock``
    makes their updates take turns, and ``warc_paths`` may be a function that lists the files
    once the lock is held, so no update drops the lines of a file another worker just closed.
    """
    index = Path(index)
    index.parent.mkdir(parents=True, exist_ok=True)
    with open(index.with_name(f".{index.name}.lock"), "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        return _update_index(index, warc_paths() if callable(warc_paths) else warc_paths)


def _update_index(index: Path, warc_paths: Iterable[str | os.PathLike]) -> int:
    by_name = {Path(p).name: Path(p) for p in warc_paths}
    kept = [line for line in read_index(index) if _filename(line) in by_name]
    indexed = {_filename(line) for line in kept}
    new = index_lines(path for name, path in by_name.items() if name not in indexed)
    lines = sorted(set(kept) | set(new))
    write_atomic(index, "".join(lines).encode("utf-8"), fsync=True)
    return len(lines)

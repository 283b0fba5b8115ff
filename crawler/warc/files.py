"""The WARC files of an archive directory."""

from __future__ import annotations

import os
from pathlib import Path


def warc_files(directory: str | os.PathLike) -> list[Path]:
    """Closed WARC files of an archive, sorted by name (``.open`` files are being written)."""
    directory = Path(directory)
    return sorted(p for p in directory.iterdir() if p.name.endswith((".warc.gz", ".warc")) and p.is_file())

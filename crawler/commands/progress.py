"""The progress bar of the commands that work through an archive (``rebuild``, ``extract``)."""

from __future__ import annotations

import sys


def terminal_progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty() or total == 0:
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()

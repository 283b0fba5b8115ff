"""One crawl per archive: an exclusive ``flock`` on ``ARCHIVE_DIR/.lock``.

The workers of a distributed crawl share the archive on purpose: each holds a shared lock, so
they run side by side while a single-machine crawl of the same archive is refused (and the other
way round). flock is released by the kernel when the process dies, SIGKILL included, so a crashed crawl
never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class ArchiveLocked(Exception):
    """Another process holds the archive; the message is one line naming it."""


class ArchiveLock:
    """``with ArchiveLock(dir):`` or ``acquire()`` / ``release()``."""

    def __init__(self, archive_dir: str | Path, shared: bool = False):
        self.path = Path(archive_dir) / ".lock"
        self.shared = shared
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f"another crawl (pid {holder}) is" if holder else "the workers of a distributed crawl are"
            raise ArchiveLocked(f"{self.path.parent}: {who} using this archive; "
                                "wait for it to finish or set ARCHIVE_DIR to another directory") from None
        os.ftruncate(fd, 0)
        if not self.shared:  # workers leave it empty: several hold it at once
            os.write(fd, str(os.getpid()).encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> ArchiveLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

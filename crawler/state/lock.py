"""Who may use an archive at once: ``flock`` on ``ARCHIVE_DIR/.lock`` and ``.lock-<source>``.

Every crawl holds the archive lock shared, so crawls of different sources run side by side in one
archive (WARC names carry host and pid, the index, the state database and the publish have their
own locks); a command that needs the whole archive to itself holds it exclusively. Each crawl also
holds its source's lock: exclusively for a single-machine crawl, shared by the workers of a
distributed crawl, so a second crawl of the same source is refused (and the other way round). flock is released by the kernel when the process dies, SIGKILL included, so a crashed crawl
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

    def __init__(self, archive_dir: str | Path, shared: bool = False, source: str | None = None):
        self.path = Path(archive_dir) / (f".lock-{source}" if source else ".lock")
        self.shared = shared
        self.source = source
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)  # less the umask, as every archive file
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            if self.source:
                who = (
                    f"another crawl of {self.source} (pid {holder}) is"
                    if holder
                    else f"the workers of a distributed crawl of {self.source} are"
                )
            else:  # an exclusive holder writes its pid; crawls hold it shared and leave it empty
                who = f"another process (pid {holder}) is" if holder else "one or more crawls are"
            raise ArchiveLocked(
                f"{self.path.parent}: {who} using this archive; "
                "wait for it to finish or set ARCHIVE_DIR to another directory"
            ) from None
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

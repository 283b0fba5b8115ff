"""What the project's own commands share (``crawlall``, ``demo``, ``export``, ``extract``, ``rebuild``,
``report``, ``verify``): no crawler process and no log of their own, their usage line, summary and
options declared as class data, and the archive lock held for the work, a lock in use being a
one-line usage error (exit status 2).

``CommandBase`` is a mixin, not a ScrapyCommand subclass: Scrapy lists every ScrapyCommand subclass
defined in a module of COMMANDS_MODULE as a command of that module's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scrapy.exceptions import UsageError

from crawler.state.lock import ArchiveLock, ArchiveLocked


def option(*flags: str, **kwargs) -> tuple[tuple[str, ...], dict]:
    """One ``parser.add_argument`` call as data: ``option("--workers", type=int, default=1)``."""
    return flags, kwargs


class CommandBase:
    """Mixin for a command class (``class Command(CommandBase, ScrapyCommand)``): module docstring."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}
    usage = ""  # what syntax() returns: the arguments after the command's name
    summary = ""  # what short_desc() returns
    arguments: tuple[tuple[tuple[str, ...], dict], ...] = ()  # option(...) each

    def syntax(self) -> str:
        return self.usage

    def short_desc(self) -> str:
        return self.summary

    def add_options(self, parser) -> None:
        super().add_options(parser)
        for flags, kwargs in self.arguments:
            parser.add_argument(*flags, **kwargs)


@contextmanager
def locked(archive: Path, unusable: str | None = None) -> Iterator[None]:
    """Hold ``archive``'s lock (crawler/state/lock.py) for the block: never alongside a crawl or
    another command writing it; a lock in use is a UsageError naming who holds it. ``unusable``:
    a lock file that cannot be made is a UsageError too, ``<archive>: <unusable> (<why>)``."""
    lock = ArchiveLock(archive)
    try:
        lock.acquire()
    except ArchiveLocked as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        if unusable is None:
            raise
        raise UsageError(f"{archive}: {unusable} ({exc.strerror})") from None
    try:
        yield
    finally:
        lock.release()

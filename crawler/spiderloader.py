"""A spider loader that makes one spider per seed file, so ``scrapy list`` and ``scrapy crawl NAME`` work.

Seeds are read lazily, on the first ``list()``/``load()``: those run inside the command, so a bad
seed file ends the command with one line on stderr and exit status 2, never a traceback.
Setting: ``SEEDS_DIR`` (default ``"seeds"``), see docs/settings.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.sources import SeedError, Source, scan_sources
from crawler.spiders import SourceSpider, source_settings

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.settings import BaseSettings


def spider_class(source: Source) -> type[SourceSpider]:
    """The spider class for one source."""
    attrs = {"name": source.name, "source": source, "custom_settings": source_settings(source)}
    return type(f"SourceSpider_{source.name.replace('-', '_')}", (SourceSpider,), attrs)


def fail(message: str) -> None:
    """End the command with one line: the boundary where a user mistake becomes an exit status."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(2)


class SourceSpiderLoader:
    """Implements Scrapy's SpiderLoaderProtocol over ``SEEDS_DIR``."""

    def __init__(self, seeds_dir: str):
        self.seeds_dir = seeds_dir
        self._spiders: dict[str, type[SourceSpider]] | None = None
        self.errors: dict[Path, str] = {}  # seed files that are not valid: each costs only itself

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings["SEEDS_DIR"])

    @property
    def spiders(self) -> dict[str, type[SourceSpider]]:
        if self._spiders is None:
            try:
                sources, self.errors = scan_sources(self.seeds_dir)
            except SeedError as exc:
                fail(str(exc))
            self._spiders = {name: spider_class(src) for name, src in sources.items()}
        return self._spiders

    def load(self, spider_name: str) -> type[SourceSpider]:
        if spider_name not in self.spiders:
            for path, error in self.errors.items():  # its own seed is broken: that line
                if path.stem == spider_name:
                    fail(error)
            known = ", ".join(self.spiders) or "none"
            fail(f"{self.seeds_dir}: no source named {spider_name!r} (known: {known})")
        for error in self.errors.values():  # other sources' broken seeds do not stop this one
            sys.stderr.write(f"warning: {error} (that seed is skipped)\n")
        return self.spiders[spider_name]

    def list(self) -> list[str]:
        return list(self.spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, cls in self.spiders.items() if cls.handles_request(request)]

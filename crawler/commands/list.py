"""``scrapy list``: every valid source; each invalid seed file is one error line on stderr and
makes the exit status 2 (the valid sources are still listed: a bad seed costs only itself)."""

from __future__ import annotations

import sys

from scrapy.commands.list import Command as ScrapyListCommand
from scrapy.spiderloader import get_spider_loader


class Command(ScrapyListCommand):
    def run(self, args, opts) -> None:
        loader = get_spider_loader(self.settings)
        names = sorted(loader.list())
        if names:
            print("\n".join(names))
        for error in getattr(loader, "errors", {}).values():
            sys.stderr.write(f"error: {error}\n")
            self.exitcode = 2

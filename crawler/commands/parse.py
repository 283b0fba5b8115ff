"""``scrapy parse``: Scrapy's own, on a scratch archive (crawler/commands/scratch.py)."""

from scrapy.commands.parse import Command as ScrapyCommand

from crawler.commands.scratch import ScratchArchive


class Command(ScratchArchive, ScrapyCommand):
    pass

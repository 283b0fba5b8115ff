"""``scrapy bench``: Scrapy's own, on a scratch archive (crawler/commands/scratch.py)."""

from scrapy.commands.bench import Command as ScrapyCommand

from crawler.commands.scratch import ScratchArchive


class Command(ScratchArchive, ScrapyCommand):
    pass

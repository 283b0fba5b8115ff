"""``scrapy extract WARC... --out DIR``: text files from any WARC files (wget, browsertrix, Heritrix).

No seed and no state: every HTML 200 response that reads as an article (crawler/text/articleness.py;
``--all``: every one) becomes a text file named by its id; the source is the warcinfo's ``source``
when this archiver wrote the file, else the host.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.rebuild import rebuild, terminal_progress


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "WARC [WARC ...] --out DIR"

    def short_desc(self) -> str:
        return "Derive clean text files from WARC files written by any tool"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--out", required=True, help="output directory")
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--all", action="store_true",
                            help="also pages that are not articles (list and index pages)")

    def run(self, args: list[str], opts) -> None:
        if not args:
            raise UsageError("give at least one WARC file")
        for name in args:
            if not Path(name).is_file():
                raise UsageError(f"{name}: no such WARC file")
        counts = rebuild([Path(name) for name in args], opts.out, None, workers=opts.workers,
                         progress=terminal_progress, only_articles=not opts.all)
        shutil.rmtree(Path(opts.out) / "derived", ignore_errors=True)
        lists = counts.get("dropped/not-article", 0)
        also = f" ({lists} pages that are not articles left out: --all writes them)" if lists else ""
        print(f"extracted {counts['documents']} documents into {opts.out}{also}")

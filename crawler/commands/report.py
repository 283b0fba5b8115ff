"""``scrapy report [--out DIR] [--pywb URL]``: a static HTML site of the archive (crawler/report/).

Per source: articles, dates, a chart of articles per day, encoding repairs, annotations and
boilerplate removed, near-duplicate clusters, failures and retries; per article: its clean text
with the paragraphs the archiver changed marked, and a link to its capture in a local pywb
(docs/report.md). ``--out`` defaults to ``<ARCHIVE_DIR>/report``. A user mistake (no archive) is
one line and exit status 2; an article left out (its text file missing or changed) exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands.base import CommandBase, option
from crawler.options import warc_directory
from crawler.report import ReportError

DEFAULT_PYWB = "http://127.0.0.1:8080/news"


class Command(CommandBase, ScrapyCommand):
    usage = "[--out DIR] [--pywb URL]"
    summary = "Write a browsable HTML report of the archive (sources, charts, articles)"
    arguments = (
        option("--out", metavar="DIR", help="where the site goes (default: ARCHIVE_DIR/report)"),
        option(
            "--pywb",
            metavar="URL",
            default=DEFAULT_PYWB,
            help=f"a pywb collection replaying the archive (default: {DEFAULT_PYWB})",
        ),
    )

    def run(self, args: list[str], opts) -> None:
        from crawler.report.site import write_site

        if args:
            raise UsageError(f"unexpected argument {args[0]!r}: give the directory with --out DIR")
        root = Path(self.settings.get("ARCHIVE_DIR"))
        out = Path(opts.out) if opts.out else root / "report"
        problems: list[str] = []
        try:
            sources = write_site(
                root, out, opts.pywb, problems.append, warc_directory(root, self.settings.get("WARC_DIR"))
            )
        except ReportError as exc:
            raise UsageError(str(exc), print_help=False) from None
        except OSError as exc:
            raise UsageError(f"{out}: cannot write the report ({exc.strerror})", print_help=False) from None
        for line in problems:
            print(f"warning: {line}", file=sys.stderr)
        count = sum(len(source.articles) for source in sources)
        print(f"report of {count} article(s) from {len(sources)} source(s): {out / 'index.html'}")
        self.exitcode = 1 if any("left out" in line for line in problems) else 0

"""``scrapy export OUT``: the archive's articles as a dataset; ``scrapy export --wacz OUT.wacz``: a WACZ.

One row per article, by id, in JSON lines, CSV or Parquet (``--format``, else the extension of
OUT), read from the manifest and the text files as they are (crawler/export/rows.py); ``--source``
(repeatable), ``--since`` and ``--until`` (YYYY-MM-DD, inclusive, on the publication date, else
the fetch date) select. ``--wacz`` packages the WARC files, the CDXJ index and the article texts
(crawler/export/wacz.py). A user mistake (format, source, dates, no archive) is one line and exit
status 2; nothing exported, or an article left out (its text file missing or changed), exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands.base import CommandBase, option
from crawler.export import ExportError
from crawler.options import warc_directory


class Command(CommandBase, ScrapyCommand):
    usage = (
        "OUT [--format jsonl|csv|parquet] [--source NAME] [--since YYYY-MM-DD] [--until YYYY-MM-DD]"
        " | --wacz OUT.wacz [--source NAME]"
    )
    summary = "Write the archive's articles as JSON lines, CSV or Parquet, or package it as a WACZ"
    arguments = (
        option("--format", help="jsonl, csv or parquet (default: from OUT's extension)"),
        option("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)"),
        option("--since", metavar="YYYY-MM-DD", help="articles of this day or later"),
        option("--until", metavar="YYYY-MM-DD", help="articles of this day or earlier"),
        option("--wacz", metavar="OUT.wacz", help="write a WACZ package instead"),
    )

    def run(self, args: list[str], opts) -> None:
        root = Path(self.settings.get("ARCHIVE_DIR"))
        if opts.wacz:
            if args or opts.format or opts.since or opts.until:
                raise UsageError("--wacz OUT.wacz packages whole sources: no OUT, --format, --since or --until with it")
            self._run(self._wacz, root, Path(opts.wacz), opts)
            return
        if len(args) != 1:
            raise UsageError("give one output file, e.g. articles.parquet (or --wacz OUT.wacz)")
        self._run(self._rows, root, Path(args[0]), opts)

    def _run(self, export, root: Path, out: Path, opts) -> None:
        if not out.parent.is_dir():
            raise UsageError(f"{out}: no such directory {out.parent}")
        problems: list[str] = []

        def problem(line: str) -> None:
            problems.append(line)
            sys.stderr.write(f"warning: {line}\n")

        try:
            done = export(root, out, opts, problem)
        except ExportError as exc:  # the archive itself (a user's mistake is a UsageError before)
            sys.stderr.write(f"error: {exc}\n")
            self.exitcode = 1
            return
        except OSError as exc:
            sys.stderr.write(f"error: {out}: cannot be written ({exc.strerror or exc})\n")
            self.exitcode = 1
            return
        if done is None:
            self.exitcode = 1
            return
        print(done)
        if problems:
            sys.stderr.write(f"error: {len(problems)} article(s) left out (see the warnings above)\n")
            self.exitcode = 1

    def _rows(self, root: Path, out: Path, opts, problem) -> str | None:
        from crawler.export.rows import Selection, check_archive, iter_rows
        from crawler.export.writers import output_format, write_rows

        try:
            fmt = output_format(out, opts.format)
            selection = Selection.of(opts.source, opts.since, opts.until)
            check_archive(root, selection.sources)
        except ExportError as exc:
            raise UsageError(str(exc)) from None
        count = write_rows(iter_rows(root, selection, problem), out, fmt)
        if count == 0:
            sys.stderr.write(
                f"error: nothing exported: no article of {root} matches "
                f"{_describe(opts) or 'the archive (its manifest is empty)'}; {out} not written\n"
            )
            return None
        return f"exported {count} article(s) to {out} ({fmt})"

    def _wacz(self, root: Path, out: Path, opts, problem) -> str | None:
        from crawler.export.rows import check_archive
        from crawler.export.wacz import write_wacz

        try:
            check_archive(root, opts.source)
        except ExportError as exc:
            raise UsageError(str(exc)) from None
        counts = write_wacz(
            root, out, frozenset(opts.source), problem, warc_directory(root, self.settings.get("WARC_DIR"))
        )
        if counts["pages"] == 0:
            sys.stderr.write(
                f"error: nothing exported: no article of {root} matches "
                f"{_describe(opts) or 'the archive'}; {out} not written\n"
            )
            return None
        return f"packaged {counts['warcs']} WARC file(s), {counts['pages']} page(s) into {out}"


def _describe(opts) -> str:
    parts = [f"--source {name}" for name in opts.source]
    parts += [f"--since {opts.since}"] if opts.since else []
    parts += [f"--until {opts.until}"] if opts.until else []
    return " ".join(parts)

"""``scrapy rebuild [DIR] [--check] [--workers N]``: re-derive the text archive from the WARCs alone.

No state and no network: every text file, boilerplate set and the manifest come from the WARC
records and the seeds. ``--check`` rebuilds into a temporary directory and compares it with the
archive byte for byte, naming every difference (exit status 1). A WARC record or file that
cannot be read (or a truncated one) costs only itself: one ``skipped:`` line on stderr naming the
file and offset, the rest is rebuilt, exit status 1.
"""

from __future__ import annotations

import filecmp
import sys
import tempfile
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands.base import CommandBase, locked, option
from crawler.commands.progress import terminal_progress
from crawler.options import warc_directory
from crawler.pool import pool_size
from crawler.rebuild import rebuild
from crawler.sources import SeedError, load_sources
from crawler.warc.files import warc_files

#: what a rebuild produces and --check compares (derived/ is a cache, not compared)
COMPARED = ("text", "boilerplate", "manifest.jsonl")


def archive_files(root: Path) -> dict[str, Path]:
    """Relative path -> file, for the compared outputs of an archive."""
    found = {}
    for name in COMPARED:
        base = root / name
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            found[path.relative_to(root).as_posix()] = path
    return found


def compare(expected: Path, actual: Path) -> list[str]:
    """One line per difference between two archives' outputs."""
    left, right = archive_files(expected), archive_files(actual)
    problems = []
    for rel in sorted(set(left) | set(right)):
        if rel not in right:
            problems.append(f"{expected / rel}: not produced by the rebuild")
        elif rel not in left:
            problems.append(f"{expected / rel}: missing from the archive (the rebuild produces it)")
        elif not filecmp.cmp(left[rel], right[rel], shallow=False):
            problems.append(f"{expected / rel}: differs from the rebuild")
    return problems


class Command(CommandBase, ScrapyCommand):
    usage = "[TARGET_DIR] [--check] [--workers N]"
    summary = "Re-derive text files, boilerplate sets and manifest from the WARC files alone"
    arguments = (
        option("--check", action="store_true", help="compare with ARCHIVE_DIR byte for byte"),
        option("--workers", type=int, default=0, help="processes (default: TEXT_WORKERS)"),
    )

    def run(self, args: list[str], opts) -> None:
        if len(args) > 1:
            raise UsageError("at most one TARGET_DIR")
        archive = Path(self.settings.get("ARCHIVE_DIR"))
        warc_dir = warc_directory(archive, self.settings.get("WARC_DIR"))
        if not warc_dir.is_dir():
            raise UsageError(f"{warc_dir}: no WARC directory to rebuild from")
        try:
            sources = load_sources(self.settings.get("SEEDS_DIR"))
        except SeedError as exc:
            raise UsageError(str(exc)) from None
        workers = pool_size(opts.workers or self.settings.getint("TEXT_WORKERS"))
        try:
            with locked(archive):  # never alongside a crawl (or another rebuild) of the archive
                self._run(archive, warc_dir, args, opts, sources, workers)
        except BrokenProcessPool as exc:  # a worker killed (out of memory, a signal): no traceback
            sys.stderr.write(
                f"error: rebuild from {warc_dir} stopped: a text worker process died ({exc}); "
                "the WARC files are untouched and every file written so far is whole: run it again\n"
            )
            self.exitcode = 1

    def _run(self, archive: Path, warc_dir: Path, args: list[str], opts, sources, workers: int) -> None:
        target = Path(args[0]) if args else archive
        if opts.check:  # TARGET_DIR (an earlier rebuild's output) or the archive itself
            with tempfile.TemporaryDirectory(prefix="rebuild-") as tmp:
                self._rebuild(warc_dir, Path(tmp), sources, workers)
                problems = compare(target, Path(tmp))
            for line in problems:
                print(line)
            print(f"rebuild --check: {len(problems)} difference(s)")
            self.exitcode = 1 if problems or self.exitcode else 0
            return
        counts = self._rebuild(warc_dir, target, sources, workers)
        print(
            f"rebuilt {counts['documents']} documents into {target} with {workers} worker(s): "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "documents")
        )

    def _rebuild(self, warc_dir: Path, target: Path, sources, workers: int) -> dict[str, int]:
        """Rebuild; every record or file that could not be read is named on stderr (exit status 1)."""
        skipped: list[str] = []
        counts = rebuild(
            warc_files(warc_dir),
            target,
            sources,
            workers=workers,
            max_decompressed_size=self.settings.getint("TEXT_MAX_DECOMPRESSED_SIZE"),
            progress=terminal_progress,
            skipped=skipped,
        )
        for line in skipped:
            sys.stderr.write(f"skipped: {line}\n")
        if skipped:
            self.exitcode = 1
        return counts

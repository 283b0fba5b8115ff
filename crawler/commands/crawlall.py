"""``scrapy crawlall [--parallel N] [--due] [--every DURATION]``: crawl every source, one report line each.

Each source is crawled by its own ``scrapy crawl NAME`` process (exactly what cron would run), up
to N at a time into the same archive (crawls of different sources share it: crawler/state/lock.py).
A broken seed file fails alone, with its one line; the other sources are crawled. ``--due`` crawls
only the sources whose last finished crawl (its report in ``ARCHIVE_DIR/reports/``) is older than
``--every`` (default 1d), or that were never crawled. One line per source: its exit status and what
it did; exit status 0 when every source succeeded, 1 otherwise (2 when nothing could be started).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands.base import CommandBase, option
from crawler.commands.demo import crawl_line
from crawler.sources import SeedError, parse_duration, scan_sources


def last_finished(archive: Path, source: str) -> float | None:
    """When the latest crawl of ``source`` that finished ended (epoch seconds), from its reports."""
    latest = None
    for report in (archive / "reports").glob(f"{source}-*.json"):
        try:
            stats = json.loads(report.read_text("utf-8"))
            if stats.get("finish_reason") != "finished" or "finish_time" not in stats:
                continue
            ended = datetime.fromisoformat(stats["finish_time"]).timestamp()
        except (OSError, ValueError, TypeError):
            continue
        latest = ended if latest is None else max(latest, ended)
    return latest


class Command(CommandBase, ScrapyCommand):
    usage = "[--parallel N] [--due] [--every DURATION]"
    summary = "Crawl every source (or those due), N at a time, one line per source"
    arguments = (
        option("--parallel", type=int, default=1, help="crawls at a time (default 1)"),
        option("--due", action="store_true", help="only sources not crawled within --every"),
        option("--every", default="1d", help="with --due: how often a source is crawled (default 1d)"),
    )

    def run(self, args: list[str], opts) -> None:
        if args:
            raise UsageError("crawlall takes no source names (use scrapy crawl NAME for one)")
        if opts.parallel < 1:
            raise UsageError("--parallel must be at least 1")
        try:
            every = parse_duration(opts.every)
            sources, errors = scan_sources(self.settings.get("SEEDS_DIR"))
        except (SeedError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        archive = Path(self.settings.get("ARCHIVE_DIR"))
        names = [name for name in sources if not opts.due or (last_finished(archive, name) or 0) <= time.time() - every]
        overrides = [arg for pair in (opts.set or []) for arg in ("-s", pair)]
        failed = len(errors)
        for error in errors.values():
            print(f"error: {error}")
        with ThreadPoolExecutor(opts.parallel) as pool:
            for name, code, line in pool.map(lambda n: self._crawl(n, archive, overrides), names):
                print(f"{name}: {'ok' if code == 0 else f'failed (exit {code})'}: {line}", flush=True)
                failed += code != 0
        print(f"crawlall: {len(names)} crawled, {failed} failed, {len(sources) - len(names)} not due")
        self.exitcode = 1 if failed else 0

    def _crawl(self, name: str, archive: Path, overrides: list[str]) -> tuple[str, int, str]:
        before = set((archive / "reports").glob(f"{name}-*.json"))
        cmd = [sys.executable, "-m", "scrapy", "crawl", name, "-s", "LOG_LEVEL=WARNING", *overrides]
        result = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        reports = sorted(set((archive / "reports").glob(f"{name}-*.json")) - before)
        errors = [x for x in result.stderr.splitlines() if x.startswith("error: ")]
        if result.returncode != 0 and errors:
            return name, result.returncode, errors[-1].removeprefix("error: ")
        return name, result.returncode, crawl_line(reports[-1]) if reports else "no report"

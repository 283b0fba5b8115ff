"""``scrapy demo``: crawl the bundled offline demo site into the archive and print a summary.

Starts the demo site (crawler/demo) on 127.0.0.1:``DEMO_PORT`` (8000, the demo seeds' default:
the same URLs every time, so a second ``scrapy demo`` is an incremental re-crawl), runs ``scrapy
crawl`` for every ``demo-*`` source one after another (each in its own process, exactly as a user
would), stops the site and summarizes what each crawl did and what the archive holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands.base import CommandBase, option
from crawler.options import warc_directory
from crawler.sources import SeedError, load_sources
from crawler.warc.files import warc_files


def summarize(root: Path, warcs: Path | None = None) -> list[str]:
    """Short human summary of an archive (its WARC files in ``warcs``, else ``root/warc``): WARC
    files and text files per source."""
    warcs = warc_directory(root, warcs)
    files = warc_files(warcs)
    size = sum(p.stat().st_size for p in files)
    lines = [f"archive: {root}", f"  WARC files: {len(files)} ({size / 1024:.0f} KiB) in {warcs}"]
    manifest = root / "manifest.jsonl"
    entries = [json.loads(x) for x in manifest.read_text("utf-8").splitlines()] if manifest.is_file() else []
    per_source = Counter(entry["source"] for entry in entries)
    lines.append(f"  text files: {len(entries)} in {root / 'text'}")
    lines += [f"    {name}: {count}" for name, count in sorted(per_source.items())]
    return lines


def reports(archive: Path) -> list[Path]:
    return sorted((archive / "reports").glob("*.json"))


def crawl_line(report: Path) -> str:
    """What one crawl did, from its report: captured, revisited, skipped, derived."""
    stats = json.loads(report.read_text("utf-8"))
    return (
        f"{stats.get('warc/records/response', 0)} responses captured, "
        f"{stats.get('warc/records/revisit', 0)} revisited (unchanged), "
        f"{stats.get('incremental/skipped/fresh', 0)} young articles not requested, "
        f"{stats.get('text/documents', 0)} articles derived"
        + (f", {stats['text/removed']} taken down (text kept)" if stats.get("text/removed") else "")
    )


class Command(CommandBase, ScrapyCommand):
    usage = "[--day N]"
    summary = "Crawl the bundled offline demo site into ARCHIVE_DIR and print a summary"
    arguments = (
        option(
            "--day",
            type=int,
            default=1,
            help="the demo site on day N (2: some articles taken down), crawled that many "
            "times eight days later (every article due again)",
        ),
    )

    def run(self, args: list[str], opts) -> None:
        try:
            names = [n for n in load_sources(self.settings.get("SEEDS_DIR")) if n.startswith("demo-")]
        except SeedError as exc:
            raise UsageError(str(exc)) from None
        if not names:
            raise UsageError(f"{self.settings.get('SEEDS_DIR')}: no demo-* sources")
        from crawler.demo.server import DemoServer  # imported here: every scrapy command imports this module

        overrides = [arg for pair in (opts.set or []) for arg in ("-s", pair)]
        if opts.day > 1 and not any(pair.startswith("STATE_CLOCK_OFFSET=") for pair in opts.set or []):
            # day N is 8 * (N - 1) days on: every article (refresh.articles_after 7d) is due again
            overrides += ["-s", f"STATE_CLOCK_OFFSET={8 * (opts.day - 1)}d"]
        archive = Path(self.settings.get("ARCHIVE_DIR"))
        failed = []
        try:
            server = DemoServer(port=self.settings.getint("DEMO_PORT"), day=max(1, opts.day))
            url = server.__enter__()
        except RuntimeError:  # the server said why on stderr (a busy port)
            self.exitcode = 1
            return
        try:
            print(f"demo site at {url}")
            env = {**os.environ, "DEMO_SITE": url}
            for name in names:
                print(f"crawling {name} ...", flush=True)
                before = set(reports(archive))
                cmd = [sys.executable, "-m", "scrapy", "crawl", name, "-s", "LOG_LEVEL=WARNING", *overrides]
                if subprocess.run(cmd, env=env).returncode != 0:
                    failed.append(name)
                for report in sorted(set(reports(archive)) - before):
                    print(f"  {crawl_line(report)}")
        finally:
            server.__exit__(None, None, None)
        print("\n".join(summarize(archive, warc_directory(archive, self.settings.get("WARC_DIR")))))
        if failed:
            print(f"failed: {', '.join(failed)}")
            self.exitcode = 1

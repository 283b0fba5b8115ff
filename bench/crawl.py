"""Crawl throughput and memory: the full archiver against a plain Scrapy spider.

    python bench/crawl.py [--pages 1000] [--runs 3] [--memory 500,2000,5000] [--recrawl]

Prints pages/s and peak RSS of the whole process tree (medians of alternating runs), their
ratio, peak RSS at several site sizes, and an unchanged re-crawl against the first crawl.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import PY, ROOT, make_site, median, run_measured, static_server

SEED = """\
name: bench
start_urls: ['{base}/index.html']
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/a/\\d+\\.html$']
politeness: {{delay: 0, concurrency: 16, robots: true}}
"""
COMMON = ["-s", "CONCURRENT_REQUESTS=16", "-s", "LOG_LEVEL=WARNING"]


def ours(base: str, work: Path, archive: Path) -> tuple[float, int, int]:
    seeds = work / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "bench.yaml").write_text(SEED.format(base=base))
    return run_measured([PY, "-m", "scrapy", "crawl", "bench", "-s", f"SEEDS_DIR={seeds}",
                         "-s", f"ARCHIVE_DIR={archive}", *COMMON])


def plain(base: str, work: Path) -> tuple[float, int, int]:
    # run outside the project directory so none of the project's components load
    return run_measured([PY, "-m", "scrapy", "runspider", str(ROOT / "bench" / "plain_spider.py"),
                         "-a", f"start={base}/index.html", *COMMON], cwd=work)


def compare(pages: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = make_site(work / "site", pages)
        with static_server(site) as base:
            mine, theirs = [], []
            for run in range(runs):  # alternate, so drift hits both alike
                theirs.append(plain(base, work))
                mine.append(ours(base, work, work / f"archive{run}"))
        total = pages + 1
        ours_rate = median(total / s for s, _, _ in mine)
        plain_rate = median(total / s for s, _, _ in theirs)
        print(f"site: {pages} pages; {runs} alternating runs each")
        print(f"plain scrapy : {plain_rate:7.1f} pages/s, peak RSS {median(r for _, r, _ in theirs) / 1024:6.0f} MiB")
        print(f"archiver     : {ours_rate:7.1f} pages/s, peak RSS {median(r for _, r, _ in mine) / 1024:6.0f} MiB")
        print(f"ratio        : {ours_rate / plain_rate:.2f}x plain scrapy")


def memory(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in sizes:
            site = make_site(work / f"site{size}", size)
            with static_server(site) as base:
                seconds, rss, status = ours(base, work, work / f"archive{size}")
            print(f"{size:6d} pages: peak RSS {rss / 1024:6.0f} MiB, {seconds:6.1f} s, exit {status}")


def recrawl(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = make_site(work / "site", pages)
        with static_server(site) as base:
            first, _, _ = ours(base, work, work / "archive")
            second, _, _ = ours(base, work, work / "archive")
        print(f"first crawl {first:.1f} s, unchanged re-crawl {second:.1f} s: {first / second:.2f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", default="", help="comma-separated site sizes, e.g. 500,2000,5000")
    parser.add_argument("--recrawl", action="store_true")
    args = parser.parse_args()
    compare(args.pages, args.runs)
    if args.memory:
        memory([int(x) for x in args.memory.split(",")])
    if args.recrawl:
        recrawl(args.pages)


if __name__ == "__main__":
    main()

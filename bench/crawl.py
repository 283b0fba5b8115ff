"""Crawl throughput and memory: the full archiver against a plain Scrapy spider.

    python bench/crawl.py [--pages 1000] [--runs 3] [--memory 500,2000,5000] [--recrawl] [--stages]

Prints pages/s and peak RSS of the whole process tree (medians of alternating runs), their
ratio, peak RSS at several site sizes, and an unchanged re-crawl against the first crawl.
``--stages``: the crawl process's CPU per article page, stage by stage (bench/crawlstages.py):
each step the crawl process runs for a page, timed on the pages of a real crawl's archive, and
the shares of a sampling profile (py-spy) of that crawl process.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import PY, ROOT, Measured, make_site, median, run_measured, static_server

SEED = """\
name: bench
start_urls: ['{base}/index.html']
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/a/\\d+\\.html$']
politeness: {{delay: 0, concurrency: 16, robots: true}}
"""
COMMON = ["-s", "CONCURRENT_REQUESTS=16", "-s", "LOG_LEVEL=WARNING"]


def ours(base: str, work: Path, archive: Path) -> Measured:
    seeds = work / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "bench.yaml").write_text(SEED.format(base=base))
    return run_measured(
        [PY, "-m", "scrapy", "crawl", "bench", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}", *COMMON]
    )


def plain(base: str, work: Path) -> Measured:
    # run outside the project directory so none of the project's components load
    return run_measured(
        [
            PY,
            "-m",
            "scrapy",
            "runspider",
            str(ROOT / "bench" / "plain_spider.py"),
            "-a",
            f"start={base}/index.html",
            *COMMON,
        ],
        cwd=work,
    )


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
        rates = {name: median(total / m.seconds for m in runs) for name, runs in (("plain", theirs), ("ours", mine))}
        print(f"site: {pages} pages; {runs} alternating runs each (medians)")
        for name, label, measured in (("plain", "plain scrapy ", theirs), ("ours", "archiver     ", mine)):
            print(
                f"{label}: {rates[name]:7.1f} pages/s, peak RSS {median(m.rss_kib for m in measured) / 1024:6.0f} MiB, "
                f"CPU {median(m.cpu for m in measured) * 1000 / total:5.1f} ms a page (whole process tree)"
            )
        print(f"ratio        : {rates['ours'] / rates['plain']:.2f}x plain scrapy's pages/s")


def memory(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in sizes:
            site = make_site(work / f"site{size}", size)
            with static_server(site) as base:
                m = ours(base, work, work / f"archive{size}")
            print(f"{size:6d} pages: peak RSS {m.rss_kib / 1024:6.0f} MiB, {m.seconds:6.1f} s, exit {m.status}")


def recrawl(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = make_site(work / "site", pages)
        with static_server(site) as base:
            first = ours(base, work, work / "archive")
            second = ours(base, work, work / "archive")
        print(
            f"first crawl {first.seconds:.1f} s ({first.cpu:.1f} s CPU), unchanged re-crawl {second.seconds:.1f} s "
            f"({second.cpu:.1f} s CPU): {first.seconds / second.seconds:.2f}x faster"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", default="", help="comma-separated site sizes, e.g. 500,2000,5000")
    parser.add_argument("--recrawl", action="store_true")
    parser.add_argument("--stages", action="store_true", help="only the crawl process's CPU per stage")
    args = parser.parse_args()
    if args.stages:
        from crawlstages import stages

        stages(args.pages)
        return
    compare(args.pages, args.runs)
    if args.memory:
        memory([int(x) for x in args.memory.split(",")])
    if args.recrawl:
        recrawl(args.pages)


if __name__ == "__main__":
    main()

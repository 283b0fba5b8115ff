"""Rebuild throughput: `scrapy rebuild` with 1 and 2 workers against trafilatura alone.

    python bench/rebuild.py [--pages 500] [--runs 3]

Crawls a generated site once (full archiver), then times: `rebuild` with 1 and 2 workers,
trafilatura alone (single process, same pages, decoded str in), and `text.derive` per page, and
prints pages/s and the added cost per page of our own steps (decode, repair, boilerplate, render).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import PY, ROOT, make_site, median, run_measured, static_server
from crawl import ours

sys.path.insert(0, str(ROOT))

from crawler.rebuild import locate, read_capture, warc_files  # noqa: E402
from crawler.sources import load_source  # noqa: E402
from crawler.text import derive  # noqa: E402
from crawler.text.model import TextOptions  # noqa: E402


def per_page(captures) -> tuple[float, float]:
    """CPU seconds per page (this process's: a shared machine stretches wall time, not this):
    trafilatura alone, and the whole of text.derive."""
    import trafilatura

    start = time.process_time()
    for capture in captures:
        trafilatura.extract(capture.body.decode("utf-8"), include_comments=False, deduplicate=False)
    alone = (time.process_time() - start) / len(captures)
    start = time.process_time()
    for capture in captures:
        derive(capture, TextOptions())
    ours_ = (time.process_time() - start) / len(captures)
    return alone, ours_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = make_site(work / "site", args.pages)
        with static_server(site) as base:
            ours(base, work, work / "archive")
        seeds = work / "seeds"
        for workers in (1, 2):
            runs = [run_measured([PY, "-m", "scrapy", "rebuild", str(work / f"out{workers}-{r}"),
                                  "--workers", str(workers), "-s", f"SEEDS_DIR={seeds}",
                                  "-s", f"ARCHIVE_DIR={work / 'archive'}"]) for r in range(args.runs)]
            print(f"rebuild, {workers} worker(s): {args.pages / median(m.seconds for m in runs):7.1f} pages/s, "
                  f"CPU {median(m.cpu for m in runs) * 1000 / args.pages:5.1f} ms a page "
                  f"(median of {args.runs}, process start included)")
        sources = {"bench": load_source(seeds / "bench.yaml")}
        found = locate(warc_files(work / "archive" / "warc"), sources)
        captures = [read_capture(f.file, f.offset, f.source) for _, f in sorted(found.items())]
        alone, whole = per_page(captures)
        print(f"trafilatura alone: {1 / alone:7.1f} pages/s ({alone * 1000:.1f} ms/page, 1 process)")
        print(f"text.derive      : {1 / whole:7.1f} pages/s ({whole * 1000:.1f} ms/page); "
              f"our steps add {(whole - alone) * 1000:.1f} ms/page ({(whole / alone - 1) * 100:.0f}%)")


if __name__ == "__main__":
    main()

"""Rebuild throughput: `scrapy rebuild` with 1 and 2 workers against trafilatura alone.

    python bench/rebuild.py [--pages 500] [--runs 3]

Crawls a generated site once (full archiver), then times: `rebuild` with 1 and 2 workers,
trafilatura alone on the same pages (decoded str in) as a whole process (bench/extract_alone.py:
start-up and WARC reading included, as in a rebuild's figure) and per call in this process, and
`text.derive` per call, and prints pages/s and the added cost per page of our own steps (decode,
repair, boilerplate, render).
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

from crawler.rebuild import locate  # noqa: E402
from crawler.warc.files import warc_files  # noqa: E402
from crawler.workers import read_capture  # noqa: E402
from crawler.sources import load_source  # noqa: E402
from crawler.text import derive  # noqa: E402
from crawler.text.model import TextOptions  # noqa: E402


def per_page(captures, rounds: int = 2) -> tuple[float, float]:
    """CPU seconds per page (this process's: a shared machine stretches wall time, not this):
    trafilatura alone, and the whole of text.derive. The two alternate call by call, so that
    drift in the machine's speed hits both alike (timed in blocks, the same code differed by up
    to 25% between blocks here); each derive takes a page other than the one just extracted,
    and which of the two goes first alternates, so neither runs on the other's warm caches."""
    import trafilatura

    def alone(capture) -> None:
        trafilatura.extract(capture.body.decode("utf-8"), include_comments=False, deduplicate=False)

    def ours(capture) -> None:
        derive(capture, TextOptions())

    spent = {alone: 0.0, ours: 0.0}
    n = len(captures)
    for _ in range(rounds):
        for i, capture in enumerate(captures):
            calls = [(alone, capture), (ours, captures[(i + n // 2) % n])]
            for fn, page in calls if i % 2 == 0 else calls[::-1]:
                start = time.process_time()
                fn(page)
                spent[fn] += time.process_time() - start
    return spent[alone] / (rounds * n), spent[ours] / (rounds * n)


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
        def rebuild(workers: int, run: int):
            return run_measured([PY, "-m", "scrapy", "rebuild", str(work / f"out{workers}-{run}"),
                                 "--workers", str(workers), "-s", f"SEEDS_DIR={seeds}",
                                 "-s", f"ARCHIVE_DIR={work / 'archive'}"])

        def alone():
            return run_measured([PY, str(ROOT / "bench" / "extract_alone.py"), str(work / "archive" / "warc"),
                                 str(seeds / "bench.yaml")])

        measured: dict[str, list] = {"1": [], "2": [], "alone": []}
        for run in range(args.runs):  # alternating, so that drift in the machine's speed hits all alike
            measured["1"].append(rebuild(1, run))
            measured["2"].append(rebuild(2, run))
            measured["alone"].append(alone())
        rate = {key: args.pages / median(m.seconds for m in runs) for key, runs in measured.items()}
        for workers in ("1", "2"):
            print(f"rebuild, {workers} worker(s): {rate[workers]:7.1f} pages/s, "
                  f"CPU {median(m.cpu for m in measured[workers]) * 1000 / args.pages:5.1f} ms a page "
                  f"(median of {args.runs}, process start included)")
        print(f"trafilatura alone, whole process (start-up and WARC reading included): {rate['alone']:7.1f} pages/s")
        print(f"ratio: rebuild with 2 workers {rate['2'] / rate['alone']:.2f}x trafilatura alone (whole processes, "
              f"{args.runs} alternating runs)")
        sources = {"bench": load_source(seeds / "bench.yaml")}
        found = locate(warc_files(work / "archive" / "warc"), sources)
        captures = [read_capture(f.file, f.offset, f.source) for _, f in sorted(found.items())]
        alone, whole = per_page(captures)
        print(f"trafilatura alone: {1 / alone:7.1f} pages/s ({alone * 1000:.1f} ms/page, 1 process, per call); "
              f"rebuild with 2 workers {rate['2'] * alone:.2f}x that")
        print(f"text.derive      : {1 / whole:7.1f} pages/s ({whole * 1000:.1f} ms/page); "
              f"our steps add {(whole - alone) * 1000:.1f} ms/page ({(whole / alone - 1) * 100:.0f}%)")


if __name__ == "__main__":
    main()

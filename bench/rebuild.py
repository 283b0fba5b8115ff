"""Rebuild throughput: the whole `scrapy rebuild` command against trafilatura alone as a whole process.

    python bench/rebuild.py [--pages 1000] [--runs 3] [--no-profile]

Generates the synthetic site (bench/common.py: 30-80 KB Chinese article pages; every other page
re-encoded as GBK with its ``<meta charset>`` saying so), crawls it once with the full archiver,
then runs, alternating, run by run:

- ``scrapy rebuild OUT`` with its defaults (one worker per core), process start included;
- trafilatura alone as one whole process (bench/extract_alone.py: start-up, the same pages read
  from the WARCs by the same reader, decoded, ``bare_extraction`` with the text steps' options).

and prints the wall time and the CPU time of each process tree (medians). The machine may be
shared: CPU time is what another load does not stretch, so the ratio is given both ways, the
CPU one as "the wall ratio on N idle cores" (N x the CPU of trafilatura alone / the CPU of the
rebuild's tree: what the rebuild reaches if its workers keep every core busy).

Then the split per step: a sampling profile (py-spy) of ``scrapy rebuild --workers 1`` (the same
work in one process, so that every sample has a step), each sample put in the step of its
innermost frame that belongs to one (imports count as start-up wherever they happen).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from common import PY, ROOT, make_site, median, run_measured, static_server
from crawl import ours

CORES = os.cpu_count() or 1

#: (step, pattern on a py-spy frame "function (file:line)"), innermost frame first wins
STEPS = [
    ("trafilatura", re.compile(r"[(/]trafilatura/|[(/]justext/|[(/]htmldate/|[(/]courlan/")),
    (
        "charset and repair (decode, sniff, realign, repair)",
        re.compile(r"crawler/text/(decode|sniff|realign|repair|labelcheck|labels|plausibility|payload|mojibake)"),
    ),
    ("HTML parse (ours, shared with trafilatura)", re.compile(r"parse_html \(crawler/text/extract")),
    (
        "page kind and metadata (pagekind, pagemeta, title, byline, dates)",
        re.compile(r"crawler/text/(pagekind|pagemeta|title|byline|dates|articleness)"),
    ),
    (
        "publish (site-wide boilerplate, near-duplicates, render, manifest)",
        re.compile(r"crawler/text/(publish|sitewide|dedup|render|manifest)"),
    ),
    ("writing the derived document (store, timeline)", re.compile(r"crawler/text/(store|timeline)|crawler/atomic")),
    ("other text steps (lines, rules, multipage)", re.compile(r"crawler/text/")),
    ("WARC reading in the workers (read_record_at)", re.compile(r"read_record_at|read_capture|capture_of")),
    ("locating the records (header pass)", re.compile(r"locate_pages|iter_records")),
    ("worker hand-off (pool, pickling)", re.compile(r"concurrent/futures|multiprocessing/")),
]
IMPORT = re.compile(r"^_find_and_load ")


def gbk_half(site: Path) -> None:
    """Re-encode every other article page as GBK, its meta charset saying so (as many sites are)."""
    for page in sorted((site / "a").glob("*.html")):
        if int(page.stem) % 2:
            html = page.read_text("utf-8").replace('<meta charset="utf-8">', '<meta charset="gbk">')
            page.write_bytes(html.encode("gbk"))


def profile(cmd: list[str], out: Path, rate: int = 200) -> dict[str, int]:
    """Samples per step of ``cmd`` under py-spy (raw collapsed stacks)."""
    spy = shutil.which("py-spy") or str(Path(PY).with_name("py-spy"))
    subprocess.run(
        [spy, "record", "--format", "raw", "-r", str(rate), "-o", str(out), "--", *cmd],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    steps: collections.Counter = collections.Counter()
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        step = "start-up (imports)" if any(IMPORT.match(f) for f in frames) else None
        for frame in reversed(frames):
            if step is not None:
                break
            step = next((name for name, pattern in STEPS if pattern.search(frame)), None)
        steps[step or "other (Scrapy command, arguments, waiting)"] += int(count)
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = make_site(work / "site", args.pages)
        gbk_half(site)
        with static_server(site) as base:
            ours(base, work, work / "archive")
        seeds, archive = work / "seeds", work / "archive"
        articles = len(list((archive / "text").rglob("*.txt"))) if (archive / "text").is_dir() else args.pages
        common = ["-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}"]

        def rebuild(run: int):
            return run_measured([PY, "-m", "scrapy", "rebuild", str(work / f"out-{run}"), *common])

        def alone(run: int):
            return run_measured(
                [PY, str(ROOT / "bench" / "extract_alone.py"), str(archive / "warc"), str(seeds / "bench.yaml")]
            )

        measured: dict[str, list] = {"rebuild": [], "alone": []}
        for run in range(args.runs):  # alternating, so that drift in the machine's load hits both alike
            for name, fn in (("rebuild", rebuild), ("alone", alone))[:: 1 if run % 2 == 0 else -1]:
                measured[name].append(fn(run))
        wall = {k: median(m.seconds for m in v) for k, v in measured.items()}
        cpu = {k: median(m.cpu for m in v) for k, v in measured.items()}
        print(
            f"archive: {articles} articles ({args.pages} pages generated, half GBK); {args.runs} alternating runs, "
            f"medians; {CORES} cores"
        )
        print("| command | wall | pages/s | CPU of the process tree | CPU a page |")
        print("|---|---|---|---|---|")
        for name, label in (("rebuild", "`scrapy rebuild` (defaults)"), ("alone", "trafilatura alone, one process")):
            print(
                f"| {label} | {wall[name]:.1f} s | {articles / wall[name]:.1f} | {cpu[name]:.1f} s "
                f"| {cpu[name] * 1000 / articles:.1f} ms |"
            )
        print(
            f"wall ratio: rebuild {wall['alone'] / wall['rebuild']:.2f}x trafilatura alone; on {CORES} idle cores "
            f"(CPU): {CORES * cpu['alone'] / cpu['rebuild']:.2f}x"
        )
        if args.no_profile:
            return
        steps = profile(
            [PY, "-m", "scrapy", "rebuild", str(work / "out-profile"), "--workers", "1", *common], work / "profile.txt"
        )
        total = sum(steps.values())
        print(f"\nsplit per step (py-spy, `scrapy rebuild --workers 1`, {total} samples):")
        print("| step | share |")
        print("|---|---|")
        for name, count in steps.most_common():
            print(f"| {name} | {count * 100 / total:.1f}% |")


if __name__ == "__main__":
    main()

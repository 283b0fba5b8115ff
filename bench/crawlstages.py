"""The crawl process's CPU per article page, stage by stage (``python bench/crawl.py --stages``).

1. Crawls the synthetic site (bench/common.py) once with the full archiver and reads, from
   /proc, the CPU time of the crawl process alone and of its text workers.
2. Crawls it again under py-spy (the crawl process only, 200 samples/s) and puts every busy
   sample in the stage of the first step below that is on its stack; threads waiting (a pool's
   idle threads, the selector) are left out.
3. Times each step the crawl process runs for one article page, in this process, on the pages
   the first crawl archived (CPU time, time.process_time; best of 3 passes).
"""

from __future__ import annotations

import collections
import pickle
import re
import shutil
import subprocess
import tempfile
import time
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

from common import PY, ROOT, descendants, make_site, static_server
from crawl import COMMON, SEED

from crawler.extensions.warc import WarcExtension
from crawler.rebuild import locate
from crawler.requisites import page_requisites
from crawler.sources import load_source
from crawler.spiderloader import spider_class
from crawler.text.continuation import find
from crawler.text.pagekind import wall_in_payload, wall_reason
from crawler.warc.files import warc_files
from crawler.warc.model import Located
from crawler.warc.reader import StoredRecord, capture_of, read_record_at
from crawler.warc.records import Exchange, RecordFactory
from crawler.warc.writer import serialize
from crawler.workers import Job

#: (stage, pattern on a py-spy frame): a sample goes to the first stage with a frame on its stack
STAGES = [
    ("start-up (imports)", r"^_find_and_load "),
    ("publish and catch-up at close (a thread)", r"publish_archive|_catch_up"),
    (
        "WARC extension: page kind (_page_kind: decode, wall, meta refresh, classify)",
        r"_page_kind \(crawler/extensions/warc",
    ),
    ("WARC extension: Capture of the record written (_capture)", r"_capture \(crawler/extensions/warc"),
    ("WARC extension: compressing and writing the records", r"crawler/warc/writer"),
    (
        "WARC extension: building the records (Exchange, headers, digests)",
        r"build_exchange|build_revisit|exchange_of|crawler/warc/records",
    ),
    ("WARC extension: the rest (state get and put)", r"response_downloaded \(crawler/extensions/warc"),
    ("host guard middleware (its wall check in the payload)", r"hostguard"),
    ("links: parse and verdicts (spider.links)", r"\b(links|_admitted) \(crawler/spiders"),
    ("links: Requests for new links (_follow)", r"\b_follow \(crawler/spiders|_request \(crawler/spiders"),
    ("page requisites (a second parse of the page)", r"page_requisites"),
    ("spider: the rest (page bar, counts)", r"crawler/spiders"),
    (
        "hand-off to the workers (pipeline, submit, results)",
        r"crawler/pipelines|concurrent/futures/process|multiprocessing/",
    ),
    ("state and incremental filter", r"crawler/(state|spidermiddlewares|extensions/state)"),
    ("scope middleware", r"crawler/downloadermiddlewares"),
    ("Scrapy: scheduler", r"scrapy/(core/scheduler|dupefilters|squeues|pqueues)|crawler/schedulers"),
    ("Scrapy: downloader and HTTP (Twisted)", r"scrapy/core/downloader|twisted/web|scrapy/core/http2"),
    ("Scrapy: engine, scraper, middlewares, Twisted and asyncio loops", r"scrapy/|twisted/|asyncio/"),
]
_STAGES = [(name, re.compile(pattern)) for name, pattern in STAGES]
IDLE = re.compile(
    r"^(_worker \(concurrent/futures/thread\.py:81\)|Condition\.wait|_PollLikeSelector\.select|"
    r"EpollSelector\.select|SelectSelector\.select|Event\.wait|Thread\._wait_for_tstate_lock)"
)
_TICK = 100


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def crawl_cpu(cmd: list[str]) -> tuple[float, float]:
    """(CPU seconds of the crawl process, of all its descendants) for ``cmd``."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    own, others = 0.0, {}
    while proc.poll() is None:
        try:
            own = _cpu(proc.pid)
        except (OSError, IndexError, ValueError):
            pass
        for child in descendants(proc.pid):
            try:
                others[child] = _cpu(child)
            except (OSError, IndexError, ValueError):
                pass
        time.sleep(0.1)
    return own, sum(others.values())


def profile_shares(cmd: list[str], out: Path) -> tuple[collections.Counter, int]:
    spy = shutil.which("py-spy") or str(Path(PY).with_name("py-spy"))
    subprocess.run(
        [spy, "record", "--format", "raw", "-r", "200", "-o", str(out), "--", *cmd],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shares: collections.Counter = collections.Counter()
    idle = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not stack.strip() or IDLE.match(frames[-1]):
            idle += int(count)
            continue
        shares[next((n for n, p in _STAGES if any(p.search(f) for f in frames)), "other")] += int(count)
    return shares, idle


def steps(archive: Path, seed: Path) -> dict[str, float]:
    """CPU ms a page of each step the crawl process runs for an article page (best of 3)."""
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    source = load_source(seed)
    spider = spider_class(source)()
    spider.crawler = get_crawler()
    found = sorted(locate(warc_files(archive / "warc"), {source.name: source}).values())
    stored = [read_record_at(f.file, f.offset) for f in found]
    ext = WarcExtension.__new__(WarcExtension)
    ext.options = SimpleNamespace(meta_refresh=(True, 100.0, ("noscript",)))
    factory = RecordFactory()
    pages = []
    for record in stored:
        capture = capture_of(record, source.name)
        exchange = Exchange(
            capture.url, "GET", (("User-Agent", "bench"),), b"", 200, "HTTP/1.1", capture.headers, capture.body
        )
        response = HtmlResponse(capture.url, body=capture.body, headers=dict(capture.headers))
        pages.append((record, capture, exchange, response))
    texts = [ext._text(capture) for _, capture, _, _ in pages]
    records = [factory.build_exchange(exchange) for _, _, exchange, _ in pages]
    timed = {
        "records: build (Exchange -> response, request, metadata)": lambda i: factory.build_exchange(pages[i][2]),
        "records: serialize and gzip the three": lambda i: [serialize(r) for r in _fresh(records[i], pages[i][2])],
        "Capture of the written record (capture_of)": lambda i: capture_of(
            StoredRecord("x", 0, "response", records[i][0].rec_headers, records[i][0].http_headers, pages[i][1].body),
            source.name,
        ),
        "page kind: body as text (decode_payload, quick_text)": lambda i: ext._text(pages[i][1]),
        "page kind: wall_reason on the text": lambda i: wall_reason(200, texts[i]),
        "page kind: meta refresh check": lambda i: ext._meta_refresh_followed(pages[i][1], texts[i]),
        "host guard: wall_in_payload (decode again, wall_reason again)": lambda i: wall_in_payload(
            200, pages[i][3].body, pages[i][1].header("Content-Type")
        ),
        "links: spider.links (Selector parse, hrefs, remembered verdicts)": lambda i: spider.links(pages[i][3]),
        "page requisites (lxml parse of response.text)": lambda i: page_requisites(pages[i][3].text, pages[i][3].url),
        "page bar: continuation.find": lambda i: find(pages[i][3].url, pages[i][3].text),
        "hand-off: pickling the Job": lambda i: pickle.dumps(
            Job((Located("d", "f", 1, "s", url=pages[i][1].url),), source.text, "/tmp")
        ),
    }
    spent = {name: [] for name in timed}
    for _ in range(3):
        for name, fn in timed.items():
            start = time.process_time()
            for i in range(len(pages)):
                fn(i)
            spent[name].append((time.process_time() - start) * 1000 / len(pages))
    return {name: min(values) for name, values in spent.items()}


def _fresh(records, exchange):
    """warcio's records hold their payload as a stream, read once: rebuild their payloads."""
    for record in records:
        if record.rec_type == "response":
            record.raw_stream = BytesIO(exchange.body)
            record.payload_length = len(exchange.body)
        else:
            record.raw_stream.seek(0)
    return records


def stages(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = make_site(work / "site", pages)
        seeds = work / "seeds"
        seeds.mkdir()
        with static_server(site) as base:
            (seeds / "bench.yaml").write_text(SEED.format(base=base))

            def cmd(archive: str) -> list[str]:
                return [
                    PY,
                    "-m",
                    "scrapy",
                    "crawl",
                    "bench",
                    "-s",
                    f"SEEDS_DIR={seeds}",
                    "-s",
                    f"ARCHIVE_DIR={work / archive}",
                    *COMMON,
                ]

            own, workers = crawl_cpu(cmd("archive"))
            shares, idle = profile_shares(cmd("archive-profiled"), work / "profile.txt")
        total = pages + 1
        print(
            f"crawl of {total} pages: crawl process {own:.1f} s CPU ({own * 1000 / total:.1f} ms a page), "
            f"text workers and forkserver {workers:.1f} s ({workers * 1000 / total:.1f} ms a page)"
        )
        busy = sum(shares.values())
        print(f"\nthe crawl process under py-spy: {busy} busy samples ({idle} waiting, left out)")
        print("| stage | share of the busy samples | ~ms CPU a page |")
        print("|---|---|---|")
        for name, count in shares.most_common():
            print(f"| {name} | {count * 100 / busy:.1f}% | {own * 1000 / total * count / busy:.1f} |")
        print("\nsteps timed alone, CPU ms an article page (best of 3 passes over the archived pages)")
        print("| step | ms |")
        print("|---|---|")
        for name, ms in steps(work / "archive", seeds / "bench.yaml").items():
            print(f"| {name} | {ms:.2f} |")

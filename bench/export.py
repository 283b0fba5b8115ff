"""`scrapy export` on synthetic archives: rows, seconds and peak memory per format and size.

    python bench/export.py [--sizes 2000 20000 100000] [--formats jsonl csv parquet wacz]

Writes an archive of N articles as a crawl leaves it (a text file per article, rendered by
crawler.text.render, and a manifest sorted by id; no WARC file, so ``--wacz`` packages the
pages and an empty index), then runs ``scrapy export`` in its own process for each format and
prints the rows written, the seconds taken and the process's peak resident memory. Streaming
means the peak does not grow with N. tests/test_command_export.py uses it on 20,000 articles (its small source: 2,000).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

from crawler.text.model import Document, EncodingInfo, WarcRef
from crawler.text.render import render

WORDS = (
    "社区 志愿者 街道 居民 服务 活动 老人 儿童 物资 文明 实践 城市 乡村 公益 捐赠 医疗 教育 交通 环境 "
    "垃圾 分类 绿化 文化 图书 体育 健康 义诊 培训 就业 帮扶"
).split()
SMALL, LARGE = "synthetic-small", "synthetic-large"  # one article in ten is of the small source
# run `scrapy export` and report its own peak memory on stderr at exit: VmHWM, the high-water mark
# of this program's resident set (ru_maxrss would include the memory of the process it forked from)
_MEASURED = (
    "import atexit, re, sys\n"
    "atexit.register(lambda: sys.stderr.write('peak_rss_kib %s\\n' % re.search("
    "r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)))\n"
    "from scrapy.cmdline import execute\n"
    "sys.argv = ['scrapy', *sys.argv[1:]]\n"
    "execute()\n"
)


def documents(n: int, seed: int = 18):
    """``n`` articles of ~3 KB of text each (8 paragraphs), deterministic, ids in order."""
    rng = random.Random(seed)
    for i in range(n):
        doc_id = hashlib.sha256(str(i).encode()).hexdigest()[:16]
        paragraphs = tuple("".join(rng.choice(WORDS) for _ in range(rng.randrange(40, 80))) + "。" for _ in range(8))
        yield Document(
            id=doc_id,
            url=f"http://synthetic.example.cn/a/{i}.html",
            source=SMALL if i % 10 == 0 else LARGE,
            title=f"第{i}号新闻 {rng.choice(WORDS)}",
            fetched=f"2026-01-{1 + i % 28:02d}T08:00:00Z",
            encoding=EncodingInfo("gb2312", "gb18030", "http-charset", 0, 0, 0, 0),
            paragraphs=paragraphs,
            published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            author="林晓",
            meta=(("origin", "新华网"),),
            warc=WarcRef("synthetic.warc.gz", i * 4096, f"<urn:uuid:{doc_id}>", "sha1:X"),
        )


def write_archive(root: Path, n: int) -> Path:
    """A text archive of ``n`` synthetic articles under ``root`` (text files + sorted manifest)."""
    entries = []
    for doc in documents(n):
        data = render(doc, doc.paragraphs, 1)
        path = root / "text" / doc.source / f"{doc.id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entries.append(
            json.dumps(
                {
                    "id": doc.id,
                    "url": doc.url,
                    "source": doc.source,
                    "title": doc.title,
                    "fetched": doc.fetched,
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
                ensure_ascii=False,
                sort_keys=True,
            )
        )
    entries.sort(key=lambda line: json.loads(line)["id"])
    (root / "manifest.jsonl").write_text("".join(f"{line}\n" for line in entries), "utf-8")
    return root


def export(root: Path, out: Path, fmt: str, *options: str) -> dict:
    """Run ``scrapy export`` into ``out``: rows (from its summary line), seconds, peak RSS in MiB."""
    args = [*options, "--wacz", str(out)] if fmt == "wacz" else [*options, str(out)]
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED, "export", "-s", f"ARCHIVE_DIR={root}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"export failed: {result.stderr}")
    peak = int(result.stderr.rsplit("peak_rss_kib ", 1)[1].split()[0])
    rows = int(result.stdout.split()[1]) if fmt != "wacz" else int(result.stdout.split(", ")[1].split()[0])
    return {"rows": rows, "seconds": took, "peak_mib": peak / 1024, "bytes": out.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--formats", nargs="+", default=["jsonl", "csv", "parquet", "wacz"])
    args = parser.parse_args()
    print(f"{'articles':>8} {'format':>8} {'rows':>8} {'seconds':>8} {'peak MiB':>9} {'MB out':>7}", flush=True)
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
            root = write_archive(Path(tmp) / "archive", n)
            for fmt in args.formats:
                out = Path(tmp) / f"out.{fmt}"
                got = export(root, out, fmt)
                print(
                    f"{n:8} {fmt:>8} {got['rows']:8} {got['seconds']:8.1f} {got['peak_mib']:9.1f} "
                    f"{got['bytes'] / 1e6:7.1f}",
                    flush=True,
                )
                out.unlink()


if __name__ == "__main__":
    main()

"""WARC reading: FastWARC (Resiliparse) against warcio, on the archiver's own records.

    python bench/warcread.py ARCHIVE_WARC_DIR SEED_YAML [--rounds 5]

Not a dependency of the project: ``pip install fastwarc`` to run it. Two measures, CPU time of
this process (a shared machine stretches wall time, not this), the two readers alternating
round by round:

- the header pass of a rebuild (crawler.rebuild.locate_pages reads, per record: type, HTTP
  status, WARC-Target-URI, WARC-Date, offset): warcio through crawler.warc.reader.iter_records
  against FastWARC's ArchiveIterator reading the same fields; and the whole locate_pages;
- reading one response record by offset, payload included, for every article page
  (crawler.warc.reader.read_record_at against a FastWARC iterator on the file seeked there).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastwarc.warc import ArchiveIterator as FastIterator  # noqa: E402
from fastwarc.warc import WarcRecordType  # noqa: E402

from crawler.rebuild import locate, locate_pages  # noqa: E402
from crawler.sources import load_source  # noqa: E402
from crawler.warc.files import warc_files  # noqa: E402
from crawler.warc.reader import iter_records, read_record_at  # noqa: E402

WANTED = WarcRecordType.warcinfo | WarcRecordType.response | WarcRecordType.revisit | WarcRecordType.resource


def headers_warcio(paths) -> int:
    n = 0
    for _, offset, record in iter_records(paths):
        if record.rec_type in ("response", "revisit", "resource"):
            http = record.http_headers
            fields = (
                http.get_statuscode() if http is not None else None,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Date"),
            )
            n += offset > -1 and fields[1] is not None
    return n


def headers_fast(paths) -> int:
    n = 0
    for path in paths:
        with open(path, "rb") as fh:
            for record in FastIterator(fh, record_types=WANTED, parse_http=True):
                if record.record_type != WarcRecordType.warcinfo:
                    http = record.http_headers
                    fields = (
                        http.status_code if http is not None else None,
                        record.headers.get("WARC-Target-URI"),
                        record.headers.get("WARC-Date"),
                    )
                    n += record.stream_pos > -1 and fields[1] is not None
    return n


def one_warcio(found) -> int:
    return sum(len(read_record_at(f.file, f.offset).payload) for f in found)


def one_fast(found) -> int:
    total = 0
    for f in found:
        with open(f.file, "rb") as fh:
            fh.seek(f.offset)
            record = next(iter(FastIterator(fh, parse_http=True)))
            total += len(record.reader.read())
    return total


def timed(fn, *args) -> tuple[float, object]:
    start = time.process_time()
    result = fn(*args)
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warc_dir", type=Path)
    parser.add_argument("seed", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    paths = warc_files(args.warc_dir)
    source = load_source(args.seed)
    found = list(locate(paths, {source.name: source}).values())
    pairs = {
        "header pass": (headers_warcio, headers_fast, paths),
        "one record by offset": (one_warcio, one_fast, found),
    }
    spent = {name: [[], []] for name in pairs}
    whole = []
    for round_ in range(args.rounds):
        for name, (slow, fast, arg) in pairs.items():
            order = (0, 1) if round_ % 2 == 0 else (1, 0)
            results = {}
            for which in order:
                seconds, results[which] = timed((slow, fast)[which], arg)
                spent[name][which].append(seconds)
            assert results[0] == results[1], (name, results)
        whole.append(timed(locate_pages, paths, {source.name: source})[0])
    records = sum(1 for _ in iter_records(paths))
    print(f"{len(paths)} file(s), {records} records, {len(found)} article pages; CPU, best of {args.rounds} rounds")
    print("| measure | warcio | FastWARC | ratio |")
    print("|---|---|---|---|")
    for name, (warcio, fast) in spent.items():
        w, f = min(warcio), min(fast)
        print(
            f"| {name} | {w * 1000:.0f} ms ({w * 1e6 / len(found):.0f} us a page) "
            f"| {f * 1000:.0f} ms ({f * 1e6 / len(found):.0f} us a page) | {w / f:.1f}x |"
        )
    print(f"| the whole locate_pages (warcio, our bookkeeping included) | {min(whole) * 1000:.0f} ms | | |")


if __name__ == "__main__":
    main()

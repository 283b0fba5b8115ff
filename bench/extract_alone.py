"""trafilatura alone, as a whole process: the baseline a `scrapy rebuild` process is compared with.

    python bench/extract_alone.py ARCHIVE_WARC_DIR SEED_YAML

Starts, imports trafilatura, reads the latest capture of every article page of the WARC files
(the reader a rebuild uses) and extracts each (decoded str in, plain text out, no output file), in
one process: what "trafilatura alone, single process, on the same pages" costs end to end,
start-up and WARC reading included, as a rebuild's figure includes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402

from crawler.rebuild import locate  # noqa: E402
from crawler.warc.files import warc_files  # noqa: E402
from crawler.workers import read_capture  # noqa: E402
from crawler.sources import load_source  # noqa: E402


def main() -> None:
    warc_dir, seed = Path(sys.argv[1]), Path(sys.argv[2])
    source = load_source(seed)
    found = locate(warc_files(warc_dir), {source.name: source})
    extracted = 0
    for _, where in sorted(found.items()):
        capture = read_capture(where.file, where.offset, where.source)
        if trafilatura.extract(capture.body.decode("utf-8"), include_comments=False, deduplicate=False):
            extracted += 1
    print(extracted)


if __name__ == "__main__":
    main()

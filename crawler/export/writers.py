"""Rows to a file: JSON lines, CSV or Parquet, written as they come and atomically.

Every format has the same columns in the same order (crawler.export.COLUMNS). JSON lines and CSV
write what Scrapy's JsonLinesItemExporter and CsvItemExporter write for the same rows (UTF-8,
``\\r\\n`` CSV lines, empty CSV cells for missing values). Parquet goes through pyarrow with a
declared schema, in row groups of ``ROW_GROUP`` rows, so memory stays bounded whatever the
number of articles (docs/formats.md, "Export").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from crawler.atomic import open_atomic
from crawler.export import COLUMNS, INTEGER_COLUMNS, ExportError

FORMATS = ("jsonl", "csv", "parquet")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
ROW_GROUP = 1024  # rows per Parquet row group: a few MB of text in memory at a time


def output_format(path: Path, given: str | None) -> str:
    """The format asked for with --format, else the one the file name's extension names."""
    if given is not None:
        if given not in FORMATS:
            raise ExportError(f"--format {given}: unknown format, use one of {', '.join(FORMATS)}")
        return given
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise ExportError(
            f"{path}: cannot tell the format from the extension; name it .jsonl, .csv or "
            f".parquet, or give --format {'|'.join(FORMATS)}"
        )
    return found


class _Nothing(Exception):
    """No row was written: the output file is not created."""


def write_jsonl(rows: Iterable[dict], fh: BinaryIO) -> int:
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007  (the count after the loop is the result)
        fh.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
    return count


def write_csv(rows: Iterable[dict], fh: BinaryIO) -> int:
    text = io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007  (the count after the loop is the result)
        writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
    text.detach()  # the caller closes fh
    return count


def parquet_schema():
    """The declared schema: whole numbers as int64, everything else UTF-8 strings, all nullable."""
    import pyarrow as pa

    return pa.schema(
        [pa.field(c, pa.int64() if c in INTEGER_COLUMNS else pa.string()) for c in COLUMNS],
        metadata={"source": "scrapy-news-archiver export (docs/formats.md)"},
    )


def write_parquet(rows: Iterable[dict], fh: BinaryIO) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    pool = pa.default_memory_pool()
    count = 0
    rows = iter(rows)
    with pq.ParquetWriter(fh, schema, compression="snappy") as writer:
        while batch := list(islice(rows, ROW_GROUP)):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
            pool.release_unused()  # else the allocator keeps what each row group freed, and grows
    return count


WRITERS: dict[str, Callable[[Iterable[dict], BinaryIO], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
}


def write_rows(rows: Iterable[dict], path: Path, fmt: str) -> int:
    """Write ``rows`` to ``path`` in ``fmt``; returns how many. With none, no file is written."""
    try:
        with open_atomic(path, if_changed=False) as fh:
            count = WRITERS[fmt](rows, fh)
            if count == 0:
                raise _Nothing
    except _Nothing:
        return 0
    return count

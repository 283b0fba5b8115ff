"""Datasets and packages made from a finished archive (docs/formats.md, "Export").

Pure: ``rows`` reads the manifest and the text files into one flat row per article, ``writers``
writes rows as JSON lines, CSV or Parquet, ``wacz`` packages the WARC files, the CDXJ index and
the article texts as a WACZ. ``scrapy export`` (crawler/commands/export.py) is their command.
"""

from __future__ import annotations


class ExportError(Exception):
    """A problem that stops an export, in one line that names the file and the fix."""


#: One row per article, in this order in every format (and in Scrapy's feed exports, through
#: FEED_EXPORT_FIELDS): the text file's front matter flattened, its body, the manifest's facts.
COLUMNS = (
    "id",
    "source",
    "url",
    "title",
    "published",
    "author",
    "origin",
    "language",
    "fetched",
    "text",
    "warc_file",
    "warc_offset",
    "warc_record_id",
    "warc_payload_digest",
    "encoding_declared",
    "encoding_used",
    "encoding_reason",
    "encoding_repairs",
    "encoding_losses",
    "encoding_annotations_removed",
    "encoding_confidence",
    "encoding_candidates",
    "encoding_repaired",
    "boilerplate_removed",
    "cluster",
    "canonical",
    "removed",
    "removed_evidence",
    "last_seen",
    "article_pages",
    "sha256",
)
#: the columns that hold whole numbers (every other one holds text, or nothing)
INTEGER_COLUMNS = frozenset(
    {"warc_offset", "encoding_repairs", "encoding_losses", "encoding_annotations_removed", "boilerplate_removed"}
)

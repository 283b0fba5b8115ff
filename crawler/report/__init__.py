"""``scrapy report``: a static, browsable HTML site of what the archive holds (docs/report.md).

``collect`` (crawler/report/collect.py) reads what the archive already records: the manifest and
the text files (through crawler/export/rows.py, as ``scrapy export`` does), the crawl reports in
``reports/`` and, for articles whose text was repaired, their archived pages (to mark the
paragraphs the archiver changed). ``write_site`` (crawler/report/site.py) renders it as it is
read: one page per article (one text in memory at a time), then the index; inline CSS, inline
JavaScript and inline SVG only, the same bytes for the same archive. Pure: no Scrapy import.
"""

from __future__ import annotations


class ReportError(Exception):
    """The report cannot be written; the message is one line naming the file or directory."""

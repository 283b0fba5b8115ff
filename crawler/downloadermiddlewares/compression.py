"""Scrapy's HttpCompressionMiddleware, except that a body it cannot decode goes on as received.

Scrapy's middleware raises on a corrupt gzip, brotli or zstd body; the download then ends as an
"Error downloading" with a traceback, the page is archived (the WARC extension saw it first) but
never reaches the spider, and no text step says why it has no text. Here such a response goes
on still encoded: an article page reaches the text pipeline, whose own decoder names the URL and
the reason in one warning line and counts it (``text/dropped/bad-content-encoding``,
docs/formats.md). A body over ``DOWNLOAD_MAXSIZE`` is still refused as Scrapy refuses it.

Settings: those of Scrapy's middleware (``COMPRESSION_ENABLED``, ``DOWNLOAD_MAXSIZE``).
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware as _Scrapy
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


class HttpCompressionMiddleware(_Scrapy):
    """See the module docstring."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest:
            raise
        except Exception as exc:  # noqa: BLE001  zlib.error, brotli.error, ZstdError, BadGzipFile...
            logger.debug("%s: body not decodable (%r); passed on as received", response.url, exc)
            if self.stats:
                self.stats.inc_value("httpcompression/undecodable")
            return response

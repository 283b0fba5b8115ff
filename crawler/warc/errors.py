"""The WARC layer's one exception family; boundaries (extension, commands) turn it into a line."""

from __future__ import annotations


class WarcError(Exception):
    """Base of every error raised by ``crawler.warc``; the message is one line naming the file."""


class WarcWriteError(WarcError):
    """A record group could not be written; the file was rolled back to its last complete record."""


class WarcReadError(WarcError):
    """A record could not be read, or its payload is larger than the cap the caller gave."""


class WarcTruncatedError(WarcReadError):
    """A record's payload is shorter than its record says: never derived as a whole page."""


class WarcGzipError(WarcError):
    """A gzip member is truncated or corrupt; ``offset`` is where the bad member starts."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset
